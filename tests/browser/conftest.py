"""Fixtures for the browser tests: the demo site behind a live server, and Debian's headless Chromium.

The demo is built once for the whole module by the real loader (`load_demo`) and served by one live server
for every test. Deliberately not pytest-django's function-level `live_server` machinery: a test that uses
the `live_server` fixture is a TransactionTestCase, which flushes the database after every test, so the
demo (about 5 s to build) would have to be built again for each test; and the flush also removes what
Wagtail's migrations created (the root page, the default locale and collection), which other tests need
on a reused database (`--reuse-db` is the default). Here the module fixture serialises the database as it
found it, builds the demo, and at the end empties the database and restores that snapshot, which is what
Django's `serialized_rollback` does.
"""

import io
import os
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import modify_settings
from pytest_django.live_server_helper import LiveServer
from wagtail.models import Site

from devtools.tour import CHROMIUM as CHROMIUM_PATH
from devtools.tour import CHROMIUM_ARGS

CHROMIUM = Path(CHROMIUM_PATH)
LIVE_SERVER_HOST = "localhost"  # in ALLOWED_HOSTS' default, and the hostname of the demo's Site
_ONE_REQUEST_AT_A_TIME = threading.RLock()  # re-entrant: a preview renders its page through a request of its own


class OneRequestAtATime:
    """Middleware for the live server when it shares the test's in-memory SQLite database.

    Django hands that one connection object to every request thread, so two requests at once would run their
    statements inside each other's transactions ("database table is locked", a 500). Production never shares a
    connection (each gunicorn worker has its own; the real-process races in tests/admissions/test_seat_race.py
    and tests/production run on SQLite files and PostgreSQL), so here the requests take turns; on PostgreSQL the
    live server's threads have connections of their own and run truly at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with _ONE_REQUEST_AT_A_TIME:
            return self.get_response(request)


def _shares_one_connection():
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@contextmanager
def _async_unsafe_allowed():
    """Allow Django's ORM in the test thread while Playwright is running.

    Playwright's sync API runs an asyncio event loop in the test thread (switching to it with greenlets),
    so Django's async-safety check sees a running loop and raises SynchronousOnlyOperation on any database
    access from the test thread, including pytest-django's own per-test setup. Nothing here runs database
    code inside that loop concurrently, so the check is a false alarm. Set for the browser module only
    (and restored afterwards), not for the whole suite.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _pages_to_visit(site):
    """One live page of every page type and the states applicants meet (devtools.tour): {label: Stop}.

    Fails if a page type has no live page in the demo, or if the project gained a page type that the tour does not
    visit.
    """
    from devtools.tour import tour

    stops, untested, missing = tour(site)
    assert not untested, f"Page types the browser tests do not visit: {untested}"
    assert not missing, f"The demo has no live {', '.join(missing)}"
    return {stop.label: stop for stop in stops}


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo site, built once by `load_demo` and served by a live server for the whole module.

    Yields .url (the server's base URL, no trailing slash), .netloc (its host:port), .stops ({label: Stop} of
    the pages and states every check visits, with the status each should answer) and .pages ({label: path}).
    Tests using it need the `django_db` mark, so that pytest-django sets up the test database even when only
    the browser tests run.
    """
    with _async_unsafe_allowed(), django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
        cache.clear()
        # Committed (autocommit), so the live server's thread sees it on PostgreSQL too; an in-memory
        # SQLite database is shared with the server thread by LiveServer itself.
        call_command("load_demo", stdout=io.StringIO())
        try:
            site = Site.objects.get(is_default_site=True)
            stops = _pages_to_visit(site)
            take_turns = (
                modify_settings(MIDDLEWARE={"prepend": "tests.browser.conftest.OneRequestAtATime"})
                if _shares_one_connection()
                else nullcontext()
            )
            with modify_settings(ALLOWED_HOSTS={"append": LIVE_SERVER_HOST}), take_turns:
                server = LiveServer(LIVE_SERVER_HOST)
                try:
                    yield SimpleNamespace(
                        url=server.url,
                        netloc=urlsplit(server.url).netloc,
                        stops=stops,
                        pages={label: stop.path for label, stop in stops.items()},
                    )
                finally:
                    server.stop()
        finally:
            # Empty the database and put back what was there, as TransactionTestCase's serialized rollback does:
            # no post_migrate handlers (the snapshot holds what they made), and sequences left as they are,
            # since the snapshot's rows keep their primary keys and new rows must not collide with them.
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
            connection.creation.deserialize_db_from_string(snapshot)
            cache.clear()


@pytest.fixture(scope="module")
def browser(demo_site):
    """Headless Chromium, launched once for the module; tests open their own contexts in it."""
    from playwright.sync_api import sync_playwright

    with _async_unsafe_allowed(), sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def reads_take_no_locks(demo_site):
    """On SQLite the live server shares the in-memory database through its shared cache, where the test's
    open transaction would hold table read locks and make every sign-in and save fail with "database table
    is locked". Read-uncommitted connections take no read locks; PostgreSQL needs nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    yield
