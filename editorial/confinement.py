"""Keeps a person whose only role is editing their own profile inside a short list of admin screens.

The Faculty role holds no page, image, document or chooser permission, so most of Wagtail's admin
refuses them by its own checks; but some views answer any admin user (the page chooser, for one),
and every Wagtail release adds views. Rather than patch views one by one, this middleware lets such a
person reach only the admin URLs named below. Anywhere else in the admin a page request is sent to
My profile (so the "edit the page" link in Wagtail's review emails lands where they can act on it)
and any other request answers 403.
"""

from django.shortcuts import redirect, render
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from accounts.two_factor import OPEN_URL_NAMES
from core.admin_utils import admin_url_match, is_admin_path
from editorial.roles import OWN_PROFILE_PERMISSION, SELF_SERVICE_PERMISSIONS

# What anyone signed in may open before the second step (signing in and out, the password reset, the second
# step itself, translations and icons), and the rest of what a person with only this role needs.
ALLOWED_URL_NAMES = OPEN_URL_NAMES | {
    # The dashboard, their own account (name, email, password, notifications), the admin's UI state.
    "wagtailadmin_home",
    "wagtailadmin_account",
    "wagtailadmin_dismissibles",
    # Two-step verification is optional for them: they may turn it on, use it and turn it off
    # (resetting someone else's is for administrators only).
    "two_factor_overview",
    "two_factor_recovery_codes",
    "two_factor_disable",
    # My profile.
    "editorial_my_profile",
    "editorial_my_profile_preview",
    "editorial_my_profile_preview_page",
    "editorial_my_profile_submit_draft",
    # Their own photo while it waits for approval (the view checks it is theirs).
    "private_media",
}


def holds_only_self_service(user):
    """Whether the user's only role is editing their own profile (the Faculty role and nothing more)."""
    if not (user.is_authenticated and user.is_active) or user.is_superuser:
        return False
    permissions = user.get_all_permissions()
    if OWN_PROFILE_PERMISSION not in permissions or not permissions <= SELF_SERVICE_PERMISSIONS:
        return False
    groups = user.groups.all()
    has_page_permissions = GroupPagePermission.objects.filter(group__in=groups).exists()
    return not has_page_permissions and not GroupCollectionPermission.objects.filter(group__in=groups).exists()


def is_confined(request):
    """`holds_only_self_service` for the request's user, worked out once per request."""
    if not hasattr(request, "_holds_only_self_service"):
        request._holds_only_self_service = holds_only_self_service(request.user)
    return request._holds_only_self_service


class SelfServiceConfinementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin_path(request.path_info) and is_confined(request):
            match = admin_url_match(request)  # resolved once per request, shared with the two-step middleware
            if (match.view_name if match else None) not in ALLOWED_URL_NAMES:
                if request.method in ("GET", "HEAD"):
                    return redirect("editorial_my_profile")
                return not_available(request)
        return self.get_response(request)


def not_available(request):
    context = {"page_title": "Not available", "header_icon": "warning"}
    # Rendered here: a middleware's TemplateResponse is never rendered for it.
    return render(request, "editorial/not_available.html", context, status=403)
