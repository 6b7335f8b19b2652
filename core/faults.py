"""A database outage gets a designed 503 with Retry-After, never a raw 500.

While PostgreSQL restarts (or a failover runs), pages in the page cache are still served, since
the cache sits in front of everything that touches the database; any other request fails on its
first query. This middleware turns that failure into templates/503.html, a standalone page that
needs no database (no settings, no menu), with `Retry-After` so browsers, crawlers and load
balancers come back later instead of reporting an error. Logged once per outage per process.
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections
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
    if "database is locked" in str(error):  # SQLite busy with another writer: transient
        return True
    connection = connections["default"]
    try:
        if connection.connection is None:
            connection.ensure_connection()
        return not connection.is_usable()
    except DatabaseError:
        return True


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
        return self.get_response(request)

    def process_exception(self, request, exception):
        global _last_logged
        if not isinstance(exception, (OperationalError, InterfaceError)) or not database_is_unavailable(exception):
            return None
        now = time.monotonic()
        if now - _last_logged > LOG_EVERY_SECONDS:
            _last_logged = now
            logger.error("The database is unavailable (%s); answering 503 until it is back.", exception)
        return database_unavailable_response(request)
