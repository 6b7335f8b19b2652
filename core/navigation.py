"""Where the site's navigation leads, from the page tree at a fixed cost in queries: the breadcrumb trail and
the address of "Apply". Template tags (core/templatetags/navigation_tags.py) and the SEO metadata (core/seo.py)
both use them, and each result is remembered on the request so the two pay for it once, and for anonymous
visitors once per page-cache generation in a process (core.generation_memo).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, Site, get_page_models

from core.generation_memo import remember
from core.models import live_public
from core.routing import routed_pages_above


def site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


def breadcrumb_trail(request, page):
    """[{title, url, current}] from the site's home page down to `page`; [] on the home page itself.

    One query, remembered on the request: the visible breadcrumbs and the BreadcrumbList in the page's JSON-LD
    both use it.
    """
    if page is None or not getattr(page, "path", None):
        return []
    memo = getattr(request, "_breadcrumb_trails", None) if request is not None else None
    if memo is not None and page.path in memo:
        return memo[page.path]
    root = site_root(request)
    crumbs = []
    if page.depth > (root.depth if root is not None else 2):
        key = ("ancestors", root.pk if root is not None else None, page.path)
        ancestors = remember(request, key, lambda: _ancestor_links(request, page, root))
        crumbs = [*ancestors, {"title": page.title, "url": page.get_url(request), "current": True}]
    if request is not None:
        request._breadcrumb_trails = {**(memo or {}), page.path: crumbs}
    return crumbs


def _ancestor_links(request, page, root):
    """[{title, url}] of `page`'s ancestors from the site's home page down (url None for a page not live)."""
    min_depth = root.depth if root is not None else 2
    ancestors = routed_pages_above(page, request)
    if ancestors is not None:  # read already by the routing (core.routing), with the page itself
        ancestors = [each for each in ancestors if each.depth >= min_depth]
    else:
        ancestors = Page.objects.ancestor_of(page).filter(depth__gte=min_depth).order_by("depth")
    return [{"title": each.title, "url": each.get_url(request) if each.live else None} for each in ancestors]


def application_page_types():
    """The content types of the page types that take applications (`takes_applications`, see BasePage)."""
    models = [model for model in get_page_models() if getattr(model, "takes_applications", False)]
    return list(ContentType.objects.get_for_models(*models).values())  # cached by Django after the first lookup


def apply_url(request, page, contact):
    """Where 'Apply' leads: the track's apply page inside a track, else the page chosen in the contact settings,
    else the first track's apply page, else the ERAS link. One query, remembered on the request (and for anonymous
    visitors in core.generation_memo)."""
    if request is not None and hasattr(request, "_apply_url"):
        return request._apply_url
    root = site_root(request)
    url = ""
    own = page.get_apply_page() if hasattr(page, "get_apply_page") else None  # an apply page or a track knows it
    if own is not None:
        url = own.get_url(request)
    elif root is not None:
        track_depth = root.depth + 1
        # Tracks are the children of the home page, and each track's apply page is a child of its track.
        in_track = page is not None and getattr(page, "depth", 0) > track_depth
        track_path = page.path[: track_depth * Page.steplen] if in_track else None
        chosen_pk = contact.apply_page_id if contact else None
        key = ("apply-url", root.pk, track_path, chosen_pk)
        url = remember(request, key, lambda: _chosen_apply_url(request, root, track_path, chosen_pk))
    url = url or (contact.eras_url if contact else "")
    if request is not None:
        request._apply_url = url
    return url


def _chosen_apply_url(request, root, track_path, chosen_pk):
    """The URL of the track's apply page, else the chosen page, else the first track's apply page, else "".

    The candidates are few (an apply page per track, and the chosen page): they are read in one plain query and
    ranked here, which costs less than ranking them in SQL."""
    apply_types = {content_type.pk for content_type in application_page_types()}
    wanted = Q(content_type__in=apply_types) | Q(pk=chosen_pk) if chosen_pk else Q(content_type__in=apply_types)
    candidates = live_public(Page.objects.descendant_of(root).filter(wanted)).order_by("path")

    def rank(page):
        if track_path and page.path.startswith(track_path) and page.content_type_id in apply_types:
            return 0
        return 1 if page.pk == chosen_pk else 2

    chosen = min(candidates, key=rank, default=None)  # min keeps the first (by path) of equal rank
    return chosen.get_url(request) if chosen is not None else ""
