from django import template

from editorial.confinement import is_confined

register = template.Library()


@register.filter
def confined_to_my_profile(request):
    """Whether the signed-in person's only role is editing their own profile."""
    return request is not None and is_confined(request)
