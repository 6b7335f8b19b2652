"""The request being served, for code deep inside a page's rendering that is not handed one.

`core.models.live_public` filters every listing by page privacy, and the privacy rules it needs are read once per
request (and, for anonymous visitors, once per page-cache generation) through the request. Its callers are model
methods and template tags several calls away from the view; passing the request down all of them would thread it
through two dozen signatures for one lookup.
"""

from contextvars import ContextVar

_current = ContextVar("current_request", default=None)


def current_request():
    """The request this thread or task is serving, or None (a management command, a task, a shell)."""
    return _current.get()


class CurrentRequestMiddleware:
    """Makes the request known to `current_request` while it is handled, and forgets it after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
