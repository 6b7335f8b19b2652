"""Finding the page at an address in one query, instead of two for every level of the tree.

Wagtail routes a request from the site's root page down, one level at a time: the child with the next slug, then
its specific page, so a clinic site four levels down costs seven queries before anything is rendered, on every
miss of the page cache. Every page's `url_path` already holds the slugs of its ancestors, kept in step by Wagtail
when a page is published under a new slug or moved; the root page can look the address up directly.
"""

from functools import cache

from wagtail.models import Page, get_page_models


class DirectRoutingMixin:
    """For the page type at a site's root: find the page at the end of the path by its url_path (with the pages
    above it, in the same query), then let it route itself as Wagtail would. Anything else (no such page, a
    routable page's own sub-path) goes Wagtail's way, so 404s and sub-routes behave exactly as before."""

    def route(self, request, path_components):
        if not path_components or routes_inside_the_tree():
            return super().route(request, path_components)
        # The address of every level from here down: the page at the end and all the pages above it, in one query.
        levels = [f"{self.url_path}{'/'.join(path_components[:end])}/" for end in range(1, len(path_components) + 1)]
        found = {page.url_path: page for page in Page.objects.filter(url_path__in=levels, path__startswith=self.path)}
        if any(level not in found for level in levels):
            return super().route(request, path_components)
        page = found[levels[-1]].specific
        above = [self, *(found[level] for level in levels[:-1])]
        # As Wagtail's walk leaves it: the parent known, so a page asking for it reads nothing more; and the
        # ancestors kept on the request for the breadcrumbs (core.navigation), which would read them again.
        page._cached_parent_obj = above[-1]
        if request is not None:
            request.routed_ancestors = (page.path, above)
        return page.route(request, [])


@cache
def routes_inside_the_tree():
    """Whether a page type that can have children routes paths itself (a RoutablePageMixin with subpages, a
    custom `route`): then a path could belong to it rather than to a page below, and only Wagtail's walk is right."""
    return any(
        model.route not in (Page.route, DirectRoutingMixin.route) and model.allowed_subpage_models()
        for model in get_page_models()
    )


def routed_pages_above(page, request):
    """The pages above `page` (base Page rows, the site's root first) as routing this request read them, or None
    when the request did not route to `page` directly (Wagtail walked the tree, or `page` is some other page)."""
    if page.depth <= 2:
        return []  # only the tree's root is above a site's root page, and the root is nothing but a root
    routed_path, above = getattr(request, "routed_ancestors", (None, None))
    return above if routed_path == page.path else None
