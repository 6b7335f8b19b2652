"""Pictures from the named rendition sets of core/images.py: the only way templates show an image."""

from django import template
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from core.images import rendition_set

register = template.Library()


@register.simple_tag
def responsive_picture(image, set_name, **attrs):
    """A <picture> with AVIF and WebP sources and a JPEG <img>, each at the set's 1x/2x/3x widths.

    Pass a real `sizes` (how wide the layout shows the image), and `loading="lazy"` below the fold. The alt text
    comes from the image library unless `alt` is given (`alt=""` for a decorative picture). The markup is
    Wagtail's own `{% picture %}` (its Picture class); only the filter specs come from the named set.
    """
    if not image:
        return ""
    renditions = get_renditions_or_not_found(image, rendition_set(set_name).specs)
    return Picture(renditions, {"alt": image.default_alt_text, "decoding": "async", **attrs}).__html__()
