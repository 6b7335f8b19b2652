"""A SQLite file is switched to WAL by the first connection that finds it missing, also when several open a fresh
(or restored) file at the same instant: with `PRAGMA journal_mode=WAL` in `init_command`, SQLite refused the
switch to all but one of them at once, and a racing process could not connect ("database is locked"; seen in
tests/admissions/test_seat_race.py, where two processes open a file copy of the test database together)."""

import threading

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

CONNECTIONS = 8
FILES = 40  # with the switch in init_command, 40 files failed 3 runs out of 3 here (10 files: 1 of 4)


def wrapper(path):
    """A Django connection to `path`, with the options the settings give SQLite."""
    options = {"timeout": settings.SQLITE_BUSY_TIMEOUT, "init_command": "PRAGMA synchronous=NORMAL"}
    settings_dict = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": options,
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    return DatabaseWrapper(settings_dict, alias=f"wal-{path.name}")


def test_many_connections_opening_a_fresh_file_at_once_all_connect_and_leave_it_in_wal(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # files of the test's own, not the test database
        errors, modes = open_at_once(tmp_path)
    assert errors == []
    assert modes == ["wal"] * CONNECTIONS * FILES


def open_at_once(tmp_path):
    """For each of FILES fresh files, CONNECTIONS threads connect at the same instant: (errors, journal modes)."""
    errors, modes = [], []
    for number in range(FILES):
        path = tmp_path / f"fresh-{number}.sqlite3"
        first = wrapper(path)
        with first.cursor() as cursor:  # a file that exists, in WAL now that this one connected
            cursor.execute("CREATE TABLE note (text TEXT)")
        first.close()
        path.with_name(path.name + "-wal").unlink(missing_ok=True)
        with first.get_new_connection(first.get_connection_params()) as raw:  # back to a rollback journal
            raw.execute("PRAGMA journal_mode=DELETE")
        barrier = threading.Barrier(CONNECTIONS)

        def connect(path=path, barrier=barrier):
            connection = wrapper(path)
            barrier.wait()
            try:
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    modes.append(cursor.execute("PRAGMA journal_mode").fetchone()[0])
            except Exception as error:  # noqa: BLE001 (any failure to connect is what this test looks for)
                errors.append(f"{type(error).__name__}: {error}")
            finally:
                connection.close()

        threads = [threading.Thread(target=connect) for _ in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return errors, modes
