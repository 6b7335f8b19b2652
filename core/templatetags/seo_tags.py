from django import template

from core.seo import page_meta as build_page_meta

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context):
    """The title, description, canonical URL, preview image and JSON-LD of the page being rendered."""
    return build_page_meta(context)
