"""Small line icons drawn inline (no icon font, no request): always beside a visible word, so decorative."""

from django import template
from django.utils.html import format_html, mark_safe

register = template.Library()

# 24 x 24 line drawings, stroked with the text colour (see .icon in site.css).
ICONS = {
    "apply": '<path d="M6 3h9l4 4v14H6z"/><path d="M14 3v5h5"/><path d="M9 13h7M9 17h5"/>',
    "phone": '<rect x="7" y="2.5" width="10" height="19" rx="2"/><path d="M11 18.5h2"/>',
    "email": '<rect x="3" y="5.5" width="18" height="13" rx="1.5"/><path d="m3.5 7 8.5 6.5L20.5 7"/>',
    "map": '<path d="M12 21s-6.5-5.9-6.5-11a6.5 6.5 0 0 1 13 0c0 5.1-6.5 11-6.5 11z"/>'
    '<circle cx="12" cy="10" r="2.5"/>',
    "calendar": '<rect x="3.5" y="5" width="17" height="15.5" rx="1.5"/><path d="M3.5 10h17M8 3v4M16 3v4"/>',
    "download": '<path d="M12 4v11M7 10.5l5 5 5-5"/><path d="M5 19.5h14"/>',
    "search": '<circle cx="10.5" cy="10.5" r="6"/><path d="m15 15 5 5"/>',
    "menu": '<path d="M4 7h16M4 12h16M4 17h16"/>',
    "arrow": '<path d="M5 12h13M13 7l5 5-5 5"/>',
    "clock": '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>',
    "video": '<rect x="3" y="6.5" width="12.5" height="11" rx="1.5"/><path d="m15.5 10.5 5-3v9l-5-3"/>',
}


@register.simple_tag
def icon(name, css_class=""):
    """<svg> for the named icon, hidden from assistive technology (the word beside it says what it means)."""
    classes = f"icon icon--{name} {css_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24">{}</svg>',
        classes,
        mark_safe(ICONS[name]),  # noqa: S308 - constant markup defined above
    )
