"""Wagtail hooks of the shared app."""

from wagtail import hooks

from core.page_cache import PAGE_REQUEST_FLAG


@hooks.register("before_serve_page")
def mark_page_request(page, request, serve_args, serve_kwargs):
    """Tell the page cache that Wagtail's page view is serving this request: only such pages are stored."""
    setattr(request, PAGE_REQUEST_FLAG, True)
