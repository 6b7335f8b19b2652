from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.models import WorkflowState

from people import (
    import_hooks,  # noqa: F401
    report_hooks,  # noqa: F401
)
from people.invite_views import InviteProfileEditorView
from people.profiles import changed_since_previous_revision, get_own_profile, profile_status, submit_for_review
from people.roles import DETAILS_PERMISSION, INVITE_PERMISSION


def _is_profile(page):
    from people.models import PersonPage

    return isinstance(page, PersonPage)


@hooks.register("after_edit_page")
def submit_own_profile_for_review(request, page):
    """A person's saved changes to their own profile always go to Communications for review."""
    if not _is_profile(page) or request.user.has_perm(DETAILS_PERMISSION):
        return None
    if page.user_id != request.user.pk:
        return None
    changes_requested = page.workflow_states.filter(status=WorkflowState.STATUS_NEEDS_CHANGES).exists()
    if not changes_requested and not changed_since_previous_revision(page):
        messages.info(request, "Nothing changed in your bio or photo, so nothing was sent for review.")
        return None
    if submit_for_review(page, request.user) is not None:
        messages.info(request, "Your changes were sent to Communications for review. They go live once approved.")
    return None


@hooks.register("after_edit_page")
@hooks.register("after_create_page")
def store_profile_account_link(request, page):
    """The account link is an access setting, not content: it takes effect at once, draft or not."""
    if _is_profile(page) and request.user.has_perm(DETAILS_PERMISSION):
        type(page).objects.filter(pk=page.pk).update(user_id=page.user_id)
    return None


class MyProfilePanel(Component):
    name = "my_profile"
    order = 50
    template_name = "people/admin/my_profile_panel.html"

    def __init__(self, profile):
        self.profile = profile

    def get_context_data(self, parent_context):
        return {
            "profile": self.profile,
            "status": profile_status(self.profile),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[self.profile.pk]),
        }


@hooks.register("construct_homepage_panels")
def add_my_profile_panel(request, panels):
    profile = get_own_profile(request.user)
    if profile is not None:
        panels.append(MyProfilePanel(profile))


def my_profile(request):
    """Send a person straight to the editor of their own profile."""
    profile = get_own_profile(request.user)
    if profile is None:
        raise PermissionDenied("No profile is linked to your account. Ask Communications to link one.")
    return redirect("wagtailadmin_pages:edit", profile.pk)


@hooks.register("register_admin_urls")
def register_people_urls():
    return [
        path("my-profile/", my_profile, name="people_my_profile"),
        path("people/invite/<int:page_id>/", InviteProfileEditorView.as_view(), name="people_invite"),
    ]


@hooks.register("register_page_header_buttons")
def invite_button(page, user, view_name, next_url=None):
    if _is_profile(page.specific_deferred) and user.has_perm(INVITE_PERMISSION):
        yield Button("Invite to edit profile", reverse("people_invite", args=[page.pk]), icon_name="mail", priority=80)


class MyProfileMenuItem(MenuItem):
    def is_shown(self, request):
        return get_own_profile(request.user) is not None


@hooks.register("register_admin_menu_item")
def register_my_profile_menu_item():
    return MyProfileMenuItem("Edit my profile", reverse_lazy("people_my_profile"), icon_name="user", order=50)
