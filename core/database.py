"""Small helpers for writing beside other writers (the server, the task worker, the scheduler)."""

import sqlite3
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction


@contextmanager
def atomic_with_short_lock_wait(seconds):
    """A transaction that waits at most `seconds` for a lock another writer holds, then raises DatabaseError.

    For writes that matter less than the request making them (a search hit): SQLite lowers the connection's
    busy timeout for the block (its IMMEDIATE transactions wait for the write lock at BEGIN); PostgreSQL
    sets the transaction's `lock_timeout` (SET LOCAL ends with the transaction).
    """
    connection = transaction.get_connection()
    milliseconds = max(1, int(seconds * 1000))
    if connection.vendor != "sqlite":
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = %s", [f"{milliseconds}ms"])
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
    try:
        with transaction.atomic():
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(settings.SQLITE_BUSY_TIMEOUT * 1000)}")


def use_wal(sender, connection, **kwargs):
    """On a new SQLite connection to a file, switch the file to WAL if it is not yet (it stays so).

    Not `init_command`: switching needs the file to itself, and SQLite refuses a connection that asks while
    another one reads at once, without waiting for the busy timeout. Several processes opening a fresh or
    restored file together (the server's workers, the task worker, the scheduler) would see all but one fail
    to connect. Here a refused switch is tried again until the busy timeout has passed.
    """
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    raw = connection.connection
    deadline = time.monotonic() + settings.SQLITE_BUSY_TIMEOUT
    while True:
        try:
            if raw.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                raw.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
