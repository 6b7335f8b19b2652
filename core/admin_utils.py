"""Small pieces the admin screens of every app share."""

from functools import lru_cache

from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse
from wagtail.admin.menu import MenuItem


def forbidden(request, what):
    """A 403 in the admin's own layout.

    Raising PermissionDenied would not do: Wagtail's admin URL wrapper turns it
    into a redirect to the dashboard, and these screens should answer 403.
    `what` completes "You do not have permission to ...".
    """
    context = {"page_title": "Permission denied", "header_icon": "warning", "what": what}
    return TemplateResponse(request, "core/admin/forbidden.html", context, status=403)


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with `permission` (the view checks it again)."""

    def __init__(self, label, url, permission, **kwargs):
        super().__init__(label, url, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def admin_prefix():
    """Where the Wagtail admin's URLs start (e.g. "/admin/")."""
    return _admin_prefix(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=16)
def _admin_prefix(urlconf, script_prefix):
    # Asked by the page cache on every request, hits included, where reverse() was a noticeable share of a hit;
    # the answer changes only with the URLconf or the script prefix, which key it.
    return reverse("wagtailadmin_home", urlconf=urlconf)


def is_admin_path(path):
    return path.startswith(admin_prefix())


# Where admin_url_match keeps its answer on the request.
ADMIN_MATCH_ATTRIBUTE = "_admin_url_match"


def admin_url_match(request):
    """The admin URL the request asks for, resolved once per request for every middleware that needs it.

    The two-step verification and the faculty confinement middlewares both decide by URL name; Django only
    resolves the URL after the middlewares, so the first of them to ask resolves it here and the answer is
    kept on the request. A ResolverMatch; None outside the admin, or for an admin path that matches nothing.
    """
    if not hasattr(request, ADMIN_MATCH_ATTRIBUTE):
        match = None
        if is_admin_path(request.path_info):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
        setattr(request, ADMIN_MATCH_ATTRIBUTE, match)
    return getattr(request, ADMIN_MATCH_ATTRIBUTE)
