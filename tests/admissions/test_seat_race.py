"""Two people take the last seat at the same instant, each in a process of its own (as two app servers would):
one gets it, the other the waitlist, on SQLite (a write transaction) and on PostgreSQL (SELECT ... FOR UPDATE).

The database must be one both processes reach: on PostgreSQL the test database itself (the test commits its
rows); on SQLite, whose test database lives in this process's memory, a copy of it in a file.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from programs.models import OpenHouse
from tests.utils import build_site

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_url(tmp_path):
    """A DATABASE_URL for the racing processes that points at what this test wrote."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    copy = tmp_path / "race.sqlite3"
    target = sqlite3.connect(copy)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


def read_statuses(url, open_house_id):
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            rows = db.execute("SELECT status FROM admissions_registration WHERE open_house_id = ?", [open_house_id])
            return sorted(status for (status,) in rows)
    from admissions.models import Registration

    return sorted(Registration.objects.filter(open_house_id=open_house_id).values_list("status", flat=True))


def test_the_last_seat_goes_to_one_of_two_simultaneous_registrants(tmp_path):
    tree = build_site()
    open_house = OpenHouse.objects.create(
        page=tree.apply,
        title="The last seat",
        date=timezone.localdate() + datetime.timedelta(days=10),
        start_time=datetime.time(17),
        end_time=datetime.time(18),
        capacity=1,
    )
    url = database_url(tmp_path)
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    start_at = time.time() + 8  # both processes have started Django by then, even on a busy machine
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.admissions.seat_race", str(open_house.pk), email, str(start_at)],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for email in ("first@example.com", "second@example.com")
    ]
    outcomes = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], [err for _, err in outcomes]
    assert sorted(out.strip() for out, _ in outcomes) == ["confirmed", "waitlisted"]
    assert read_statuses(url, open_house.pk) == ["confirmed", "waitlisted"]
