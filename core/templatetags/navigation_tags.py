"""Site navigation built from the page tree, at a fixed cost in queries.

The main menu costs one query and the breadcrumbs one query, whatever the
size of the tree: page URLs come from Wagtail's cached site root paths
(``Page.get_url(request)``), and nothing calls ``.specific`` per item.
For anonymous visitors each is read once per page-cache generation in a
process (core.generation_memo), not once per request.
"""

from django import template
from wagtail.models import Page, Site

from core.generation_memo import remember
from core.models import ContactSettings, live_public
from core.navigation import apply_url, breadcrumb_trail, site_root
from core.text import tel_href

register = template.Library()


def _current_state(path, current_page):
    """'page' for the current page, 'true' for a section that contains it, else None."""
    if current_page is None or not getattr(current_page, "path", None):
        return None
    if path == current_page.path:
        return "page"
    if current_page.path.startswith(path):
        return "true"
    return None


def _menu_pages(request):
    """[(title, url, path)] of the live, public, show-in-menus children of the site's root page."""
    root = site_root(request)
    if root is None:
        return []
    pages = live_public(Page.objects.in_menu().child_of(root))
    return [(page.title, url, page.path) for page in pages if (url := page.get_url(request))]


def _menu_items(context):
    """The menu, marked for the current page, remembered on the request."""
    request = context.get("request")
    if request is not None and hasattr(request, "_menu_items"):
        return request._menu_items
    site = Site.find_for_request(request) if request is not None else None
    pages = remember(request, ("menu", site.pk if site else None), lambda: _menu_pages(request))
    current_page = context.get("page")
    items = [{"title": title, "url": url, "current": _current_state(path, current_page)} for title, url, path in pages]
    if request is not None:
        request._menu_items = items
    return items


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The menu of a phone-sized screen: a disclosure (<details>) that opens without JavaScript."""
    return {"menu_items": _menu_items(context), "request": context.get("request")}


@register.inclusion_tag("includes/wide_menu.html", takes_context=True)
def wide_menu(context):
    """The same menu as a row of links, for screens wide enough to show it all."""
    return {"menu_items": _menu_items(context)}


@register.inclusion_tag("includes/action_bar.html", takes_context=True)
def action_bar(context):
    """Apply, call, email and map: always one tap away on a phone (see .action-bar in site.css)."""
    contact = ContactSettings.load(request_or_site=context.get("request"))
    return {
        "apply_url": apply_url(context.get("request"), context.get("page"), contact),
        "contact": contact,
    }


@register.simple_tag(takes_context=True)
def apply_link(context):
    contact = ContactSettings.load(request_or_site=context.get("request"))
    return apply_url(context.get("request"), context.get("page"), contact)


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None):
    """The trail from the site's home page down to `page`; nothing on the home page itself."""
    return {"crumbs": breadcrumb_trail(context.get("request"), page or context.get("page"))}


register.filter("tel_href", tel_href)
