"""A database outage gets a designed 503 with Retry-After, never a raw 500.

While PostgreSQL restarts (or a failover runs), pages in the page cache are still served, since
the cache sits in front of everything that touches the database; any other request fails on its
first query. This middleware turns that failure into templates/503.html, a standalone page that
needs no database (no settings, no menu), with `Retry-After` so browsers, crawlers and load
balancers come back later instead of reporting an error. Logged once per outage per process.

Two failures are not outages and never get that page:
- SQLite's "database is locked": another process is writing. Writers wait for each other (the busy
  timeout in settings); an error after that wait is a bug to see in the logs, not "come back later".
- Any failure after the request had already committed some of its work (a page published, then a
  later write failed): "Back in a moment" would tell the editor their save failed when it is live.
  The middleware watches the request's writes and which of them committed.
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("portal.faults")

# How often a continuing outage is logged again, per process.
LOG_EVERY_SECONDS = 60
_last_logged = 0.0


def database_is_unavailable(error):
    """Whether `error` means the database cannot be reached (a 503), not a failing query (a 500, a bug).

    OperationalError covers both: a refused connection and, on SQLite, a query too large to run. So
    ask the database: if it still answers, the fault is the query's.
    """
    if is_lock_error(error):
        return False
    connection = connections["default"]
    try:
        if connection.connection is None:
            connection.ensure_connection()
        return not connection.is_usable()
    except DatabaseError:
        return True


def is_lock_error(error):
    """SQLite's answer when another process holds the write lock (the database itself is fine)."""
    return "database is locked" in str(error) or "database table is locked" in str(error)


WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class CommitWatcher:
    """An execute wrapper that notes when one of the request's writes has been committed.

    A write outside a transaction commits at once; one inside commits when the outermost atomic block
    does, which is when Django runs `on_commit` callbacks (at once in autocommit mode).
    """

    def __init__(self):
        self.committed = False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not self.committed and sql.lstrip()[:7].upper().startswith(WRITE_STATEMENTS):
            transaction.on_commit(self.mark_committed, using=context["connection"].alias)
        return result

    def mark_committed(self):
        self.committed = True


def database_unavailable_response(request=None):
    retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
    body = render_to_string("503.html", {"retry_after": retry_after})  # no request: no context processors
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._database_commits = watcher = CommitWatcher()
        with connections["default"].execute_wrapper(watcher):
            return self.get_response(request)

    def process_exception(self, request, exception):
        global _last_logged
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        watcher = getattr(request, "_database_commits", None)
        if watcher is not None and watcher.committed:
            logger.error("A database error after this request had committed its work (%s): not a 503.", exception)
            return None
        if not database_is_unavailable(exception):
            return None
        now = time.monotonic()
        if now - _last_logged > LOG_EVERY_SECONDS:
            _last_logged = now
            logger.error("The database is unavailable (%s); answering 503 until it is back.", exception)
        return database_unavailable_response(request)
