"""Finding the page at an address in one query, instead of two for every level of the tree.

Wagtail routes a request from the site's root page down, one level at a time: the child with the next slug, then
its specific page, so a clinic site four levels down costs seven queries before anything is rendered, on every
miss of the page cache. Every page's `url_path` already holds the slugs of its ancestors, kept in step by Wagtail
when a page is published under a new slug or moved; the root page can look the address up directly.
"""

from functools import cache

from wagtail.models import Page, get_page_models


class DirectRoutingMixin:
    """For the page type at a site's root: find the page at the end of the path by its url_path (with its parent, in
    the same query), then let it route itself as Wagtail would. Anything else (no such page, a routable page's own
    sub-path) goes Wagtail's way, so 404s and sub-routes behave exactly as before."""

    def route(self, request, path_components):
        if not path_components or routes_inside_the_tree():
            return super().route(request, path_components)
        url_path = f"{self.url_path}{'/'.join(path_components)}/"
        parent_url_path = url_path.rstrip("/").rsplit("/", 1)[0] + "/"
        rows = Page.objects.filter(url_path__in=[url_path, parent_url_path], path__startswith=self.path)
        found = {page.url_path: page for page in rows}
        if url_path not in found:
            return super().route(request, path_components)
        page = found[url_path].specific
        # As Wagtail's walk leaves it: the parent known, so a page asking for it reads nothing more.
        parent = self if parent_url_path == self.url_path else found.get(parent_url_path)
        if parent is not None:
            page._cached_parent_obj = parent
        return page.route(request, [])


@cache
def routes_inside_the_tree():
    """Whether a page type that can have children routes paths itself (a RoutablePageMixin with subpages, a
    custom `route`): then a path could belong to it rather than to a page below, and only Wagtail's walk is right."""
    return any(
        model.route not in (Page.route, DirectRoutingMixin.route) and model.allowed_subpage_models()
        for model in get_page_models()
    )
