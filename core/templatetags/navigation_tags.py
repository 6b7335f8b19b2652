"""Site navigation built from the page tree, at a fixed cost in queries.

The main menu costs one query and the breadcrumbs one query, whatever the
size of the tree: page URLs come from Wagtail's cached site root paths
(``Page.get_url(request)``), and nothing calls ``.specific`` per item.
"""

import re

from django import template
from wagtail.models import Page, Site

from core.models import live_public

register = template.Library()


def _site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


def _current_state(item, current_page):
    """'page' for the current page, 'true' for a section that contains it, else None."""
    if current_page is None or not getattr(current_page, "path", None):
        return None
    if item.path == current_page.path:
        return "page"
    if current_page.path.startswith(item.path):
        return "true"
    return None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The live, public, show-in-menus children of the site's root page."""
    request = context.get("request")
    root = _site_root(request)
    current_page = context.get("page")
    items = []
    if root is not None:
        pages = live_public(Page.objects.in_menu().child_of(root))
        items = [
            {"title": page.title, "url": page.get_url(request), "current": _current_state(page, current_page)}
            for page in pages
        ]
    return {"menu_items": [item for item in items if item["url"]], "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None):
    """The trail from the site's home page down to `page`; nothing on the home page itself."""
    request = context.get("request")
    page = page or context.get("page")
    if page is None or not getattr(page, "path", None):
        return {"crumbs": []}
    root = _site_root(request)
    min_depth = root.depth if root is not None else 2
    if page.depth <= min_depth:
        return {"crumbs": []}
    ancestors = Page.objects.ancestor_of(page).filter(depth__gte=min_depth).order_by("depth")
    crumbs = [
        {"title": ancestor.title, "url": ancestor.get_url(request) if ancestor.live else None} for ancestor in ancestors
    ]
    crumbs.append({"title": page.title, "url": None, "current": True})
    return {"crumbs": crumbs}


@register.filter
def tel_href(phone):
    """A phone number as written ('(310) 555-0100') to a tel: URI ('tel:3105550100')."""
    phone = str(phone or "").strip()
    digits = re.sub(r"[^0-9]", "", phone)
    if not digits:
        return ""
    return f"tel:{'+' if phone.startswith('+') else ''}{digits}"
