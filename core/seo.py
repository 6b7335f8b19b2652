"""What search engines and link previews read: titles, descriptions, canonical URLs, images and JSON-LD.

`page_meta(context)` gathers it for base.html from the page (its `get_meta_*` and `get_structured_data`
methods, see core.models.BasePage) and the site's contact settings, with fallbacks so that every page has a
unique title, a description, a canonical URL and a preview image.
"""

import json
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Site

from core.images import MADE_AHEAD, existing_renditions, filters_of
from core.models import ContactSettings
from core.navigation import breadcrumb_trail
from core.text import DESCRIPTION_LENGTH, excerpt, tel_href

__all__ = ["DESCRIPTION_LENGTH", "excerpt"]  # page models take excerpt from here with the rest of their SEO

DEFAULT_SOCIAL_IMAGE = ("img/social-default.png", 1200, 630)
DEFAULT_SOCIAL_IMAGE_ALT = "Rows of weeks in which every fifth week is highlighted, as in a 4+1 residency schedule."

# What the json_script filter escapes, so that no value can close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """JSON for a <script type="application/ld+json"> element, safe to place in HTML."""
    return mark_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES))  # noqa: S308 - escaped above


def absolute(request, url):
    """`url` on the site's own address (its Wagtail Site's root URL, as canonical page URLs are)."""
    if not url or url.startswith(("http://", "https://")):
        return url or ""
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        return site.root_url + url
    return request.build_absolute_uri(url) if request is not None else url


def social_image(request, image, set_name="social"):
    """The absolute URL, size and alt text of the image's link-preview picture (og:image), or None.

    The largest JPEG of the named set: link previews do not all read AVIF or WebP.
    """
    if not image:
        return None
    if set_name in MADE_AHEAD:  # never made in the request: the largest JPEG there is, if any
        jpegs = [each for spec, each in existing_renditions(image, set_name).items() if spec.endswith("format-jpeg")]
    else:
        jpegs = [each for each in filters_of(set_name) if each.spec.endswith("format-jpeg")]
        jpegs = list(get_renditions_or_not_found(image, jpegs).values())
    rendition = jpegs[-1] if jpegs else None
    if rendition is None or not rendition.width:
        return None
    url = absolute(request, rendition.url)
    return {"url": url, "width": rendition.width, "height": rendition.height, "alt": image.default_alt_text}


# -- schema.org nodes ----------------------------------------------------------------------------------------


def organization_id(request):
    return absolute(request, "/#organization")


def compact(data):
    """`data` without its empty values (schema.org wants a property left out rather than blank)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def page_node(page, request, schema_type, anchor, description="", **properties):
    """A schema.org node for what `page` is about: its type, an @id on the page's URL, name, description, URL."""
    url = page.get_full_url(request)
    node = {"@type": schema_type, "@id": f"{url}#{anchor}", "name": page.title}
    return compact({**node, "description": excerpt(description, 300), "url": url, **properties})


def postal_address(address):
    """A schema.org PostalAddress from anything with the AddressFieldsMixin fields, or None if it has none."""
    street = ", ".join(part for part in [address.street_address, address.address_line_2] if part)
    data = {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": address.city,
        "addressRegion": address.region,
        "postalCode": address.postal_code,
        "addressCountry": "US",
    }
    if not street and not address.city:
        return None
    return compact(data)


def organization(contact, request):
    """The sponsoring institution (a hospital) and its program office's address, phone and email."""
    data = {
        "@type": "Hospital",
        "@id": organization_id(request),
        "name": contact.institution_name or contact.program_name,
        "department": {"@type": "MedicalOrganization", "name": contact.program_name},
        "url": absolute(request, "/"),
        "address": postal_address(contact),
        "telephone": tel_href(contact.phone).removeprefix("tel:"),
        "email": contact.email,
        "sameAs": [link.url for link in contact.social_links.all()],
    }
    return compact(data)


def breadcrumb_list(crumbs, request):
    items = []
    for position, crumb in enumerate(crumbs, 1):
        item = {"@type": "ListItem", "position": position, "name": crumb["title"]}
        if crumb.get("url"):
            item["item"] = absolute(request, crumb["url"])
        items.append(item)
    return {"@type": "BreadcrumbList", "itemListElement": items}


def website(contact, request):
    return {
        "@type": "WebSite",
        "@id": absolute(request, "/#website"),
        "name": contact.program_name,
        "url": absolute(request, "/"),
        "publisher": {"@id": organization_id(request)},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute(request, "/search/?query={search_term_string}")},
            "query-input": "required name=search_term_string",
        },
    }


# -- the meta of one response ----------------------------------------------------------------------------


@dataclass
class PageMeta:
    title: str  # the <title>: the page's title and the site's name
    heading: str  # the title without the site's name (og:title)
    description: str
    canonical: str
    noindex: bool
    image: dict  # url, width, height, alt
    site_name: str
    twitter_card: str = "summary_large_image"  # "summary" for a portrait, which a wide card would crop
    structured_data: list = field(default_factory=list)

    @property
    def json_ld(self):
        if not self.structured_data:
            return ""
        return json_ld({"@context": "https://schema.org", "@graph": self.structured_data})


def page_meta(context):
    """The PageMeta for a template context: a Wagtail page's, or a plain view's (search, errors)."""
    request = context.get("request")
    contact = ContactSettings.load(request_or_site=request)  # remembered on the request
    if "social_links" not in getattr(contact, "_prefetched_objects_cache", {}):
        # The JSON-LD and the footer both list them: one query for the two.
        prefetch_related_objects([contact], "social_links")
    site_name = contact.program_name if contact else ""
    page = context.get("page")
    is_page = page is not None and hasattr(page, "get_meta_title")

    heading = context.get("meta_title") or (page.get_meta_title() if is_page else "") or site_name
    site = Site.find_for_request(request) if request is not None else None  # remembered on the request
    is_root = is_page and site is not None and site.root_page_id == page.pk
    if is_root and not page.seo_title:
        # The home page's own title is the site's name: say whose program it is instead of repeating it.
        institution = contact.institution_name if contact else ""
        title = f"{site_name} | {institution}" if institution else site_name
    else:
        title = f"{heading} | {site_name}" if site_name and heading != site_name else heading

    description = context.get("meta_description") or (page.get_meta_description() if is_page else "")
    if not description and contact:
        where = f" at {contact.institution_name}" if contact.institution_name else ""
        description = f"{heading}: {site_name}{where}."

    canonical = context.get("canonical_url")
    if canonical is None and is_page:
        canonical = page.get_full_url(request)
    noindex = bool(context.get("noindex"))

    image = None
    image_set = getattr(page, "meta_image_set", "social") if is_page else "social"
    if is_page:
        image = social_image(request, page.get_meta_image(), image_set)
    if image is None:
        image_set = "social"
        if contact and contact.default_social_image_id:
            image = social_image(request, contact.default_social_image)
    if image is None:
        path, width, height = DEFAULT_SOCIAL_IMAGE
        image = {"url": absolute(request, static(path)), "width": width, "height": height}
        image["alt"] = DEFAULT_SOCIAL_IMAGE_ALT

    structured_data = []
    if is_page and contact is not None:
        structured_data.append(organization(contact, request))
        if is_root:
            structured_data.append(website(contact, request))
        crumbs = breadcrumb_trail(request, page)
        if crumbs:
            structured_data.append(breadcrumb_list(crumbs, request))
        structured_data.extend(page.get_structured_data(request))

    return PageMeta(
        title=title,
        heading=heading,
        description=excerpt(description),
        canonical=canonical or "",
        noindex=noindex,
        image=image,
        site_name=site_name,
        twitter_card="summary_large_image" if image_set == "social" else "summary",
        structured_data=structured_data,
    )
