"""Small pieces the admin screens of every app share."""

from django.template.response import TemplateResponse
from django.urls import reverse
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
    return reverse("wagtailadmin_home")


def is_admin_path(path):
    return path.startswith(admin_prefix())
