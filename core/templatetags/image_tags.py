"""Pictures from the named rendition sets of core/images.py: the only way templates show an image."""

from django import template
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from core.generation_memo import remember_lasting
from core.images import MADE_AHEAD, existing_renditions, filters_of

register = template.Library()


@register.simple_tag(takes_context=True)
def responsive_picture(context, image, set_name, **attrs):
    """A <picture> with AVIF and WebP sources and a JPEG <img>, each at the set's 1x/2x/3x widths.

    Pass a real `sizes` (how wide the layout shows the image), and `loading="lazy"` below the fold. The alt text
    comes from the image library unless `alt` is given (`alt=""` for a decorative picture). The markup is
    Wagtail's own `{% picture %}` (its Picture class); only the filter specs come from the named set.

    The sets listings repeat (core.images.MADE_AHEAD) show only renditions that exist: none is made in a
    visitor's request. Without any yet (the worker has not caught up), the tag gives "" and the template shows
    its placeholder. The markup is remembered across page-cache generations (core.generation_memo's
    `remember_lasting`), keyed on all it is made from: the image, its file, focal point and alt text, the set
    and the attributes. A publish elsewhere changes none of them, a new file or focal point gets a new key, and a
    directory and a clinic site show the same portraits.
    """
    if not image:
        return ""
    focal_point = (image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height)
    key = ("picture", image.pk, image.file.name, focal_point, image.default_alt_text, set_name, sorted(attrs.items()))
    complete = len(filters_of(set_name))
    markup, _ = remember_lasting(
        context.get("request"),
        repr(key),
        lambda: _picture(image, set_name, attrs),
        keep=lambda value: value[1] == complete,  # one that had to leave renditions out is worked out again
    )
    return markup


def _picture(image, set_name, attrs):
    """(markup, number of renditions it shows)."""
    if set_name in MADE_AHEAD:
        renditions = existing_renditions(image, set_name)
    else:
        renditions = get_renditions_or_not_found(image, filters_of(set_name))
    if not renditions:
        return "", 0
    picture = Picture(renditions, {"alt": image.default_alt_text, "decoding": "async", **attrs})
    return picture.__html__(), len(renditions)
