"""Wagtail hooks of the shared app."""

from wagtail import hooks

from core.page_cache import PAGE_REQUEST_FLAG, QUERY_PARAMETERS_ATTRIBUTE


@hooks.register("before_serve_page")
def mark_page_request(page, request, serve_args, serve_kwargs):
    """Tell the page cache that Wagtail's page view is serving this request (only such pages are stored), and
    which query parameters this page type reads (any other parameter does not make another copy)."""
    setattr(request, PAGE_REQUEST_FLAG, True)
    setattr(request, QUERY_PARAMETERS_ATTRIBUTE, tuple(getattr(page, "cache_query_parameters", ())))
