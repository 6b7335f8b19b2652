"""Site navigation built from the page tree, at a fixed cost in queries.

The main menu costs one query and the breadcrumbs one query, whatever the
size of the tree: page URLs come from Wagtail's cached site root paths
(``Page.get_url(request)``), and nothing calls ``.specific`` per item.
For anonymous visitors each is read once per page-cache generation in a
process (core.generation_memo), not once per request.
"""

import re

from django import template
from wagtail.models import Page, Site

from core.generation_memo import remember
from core.models import ContactSettings, live_public

register = template.Library()


def _site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


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
    root = _site_root(request)
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
    root = _site_root(request)
    ancestors = []
    if page.depth > (root.depth if root is not None else 2):
        key = ("ancestors", root.pk if root is not None else None, page.path)
        ancestors = remember(request, key, lambda: _ancestor_links(request, page, root))
    crumbs = [*ancestors, {"title": page.title, "url": page.get_url(request), "current": True}] if ancestors else []
    if request is not None:
        request._breadcrumb_trails = {**(memo or {}), page.path: crumbs}
    return crumbs


def _ancestor_links(request, page, root):
    """[{title, url}] of `page`'s ancestors from the site's home page down (url None for a page not live)."""
    min_depth = root.depth if root is not None else 2
    ancestors = Page.objects.ancestor_of(page).filter(depth__gte=min_depth).order_by("depth")
    return [{"title": each.title, "url": each.get_url(request) if each.live else None} for each in ancestors]


def apply_url(request, page, contact):
    """Where 'Apply' leads: the track's apply page inside a track, else the page chosen in the contact settings,
    else the first track's apply page, else the ERAS link. One query, remembered on the request (and for anonymous
    visitors in core.generation_memo)."""
    from programs.models import ApplyPage

    if request is not None and hasattr(request, "_apply_url"):
        return request._apply_url
    root = _site_root(request)
    url = ""
    own = page if isinstance(page, ApplyPage) else getattr(page, "apply_page", None)  # a track knows its own
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
    """The URL of the track's apply page, else the chosen page, else the first track's apply page, else ""."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Case, IntegerField, Q, Value, When

    from programs.models import ApplyPage

    apply_type = ContentType.objects.get_for_model(ApplyPage)  # cached by Django after the first lookup
    wanted = Q(content_type=apply_type) | Q(pk=chosen_pk) if chosen_pk else Q(content_type=apply_type)
    priority = []
    if track_path:
        priority.append(When(path__startswith=track_path, content_type=apply_type, then=Value(0)))
    if chosen_pk:
        priority.append(When(pk=chosen_pk, then=Value(1)))
    candidates = live_public(Page.objects.descendant_of(root).filter(wanted))
    ordering = ["path"]
    if priority:
        candidates = candidates.annotate(priority=Case(*priority, default=Value(2), output_field=IntegerField()))
        ordering = ["priority", "path"]
    chosen = candidates.order_by(*ordering).first()
    return chosen.get_url(request) if chosen is not None else ""


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


EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d+)\s*$", re.IGNORECASE)
# Numbers written without a country code are North American, as the program's are.
DEFAULT_COUNTRY_CODE = "1"


@register.filter
def tel_href(phone):
    """A phone number as written to a tel: URI with its country code: '(310) 555-0100' to 'tel:+13105550100'.

    Phones dial a tel: link as it is, so without the country code a number fails from abroad (or from a phone
    set to another region). An extension ('x 204') becomes ';ext=204'.
    """
    phone = str(phone or "").strip()
    extension = ""
    match = EXTENSION.search(phone)
    if match:
        extension = f";ext={match.group(1)}"
        phone = phone[: match.start()]
    digits = re.sub(r"[^0-9]", "", phone)
    if not digits:
        return ""
    if phone.startswith("+"):
        number = f"+{digits}"
    elif len(digits) == 10:
        number = f"+{DEFAULT_COUNTRY_CODE}{digits}"
    elif len(digits) == 11 and digits.startswith(DEFAULT_COUNTRY_CODE):
        number = f"+{digits}"
    else:
        number = digits  # not a North American number we can be sure of: dial it as written
    return f"tel:{number}{extension}"
