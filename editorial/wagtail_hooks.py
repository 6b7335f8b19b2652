"""The editorial tools in the Wagtail admin: My profile, profile accounts, invitations, the freshness report,
and (registered by editorial.importer.hooks) the "Import people" screens."""

from django.urls import path, reverse, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button

from core.admin_utils import PermissionMenuItem
from editorial import views
from editorial.confinement import is_confined
from editorial.importer import hooks as importer_hooks  # noqa: F401  (registers the "Import people" screens)
from editorial.invite_views import InviteProfileEditorView
from editorial.models import ProfileAccount
from editorial.profiles import get_draft, get_own_profile, profile_status, review_comment
from editorial.report_views import ContentFreshnessReportView
from editorial.roles import FRESHNESS_PERMISSION, INVITE_PERMISSION
from editorial.viewsets import profile_account_viewset
from people.models import PersonPage


@hooks.register("register_admin_urls")
def register_editorial_urls():
    return [
        path("my-profile/", views.MyProfileView.as_view(), name="editorial_my_profile"),
        path("my-profile/preview/", views.MyProfilePreviewView.as_view(), name="editorial_my_profile_preview"),
        path(
            "my-profile/preview/page/",
            views.MyProfilePreviewPageView.as_view(),
            name="editorial_my_profile_preview_page",
        ),
        path("my-profile/submit/", views.SubmitDraftView.as_view(), name="editorial_my_profile_submit_draft"),
        path("people/invite/<int:page_id>/", InviteProfileEditorView.as_view(), name="editorial_invite"),
        path(
            "reports/content-freshness/",
            ContentFreshnessReportView.as_view(),
            name="editorial_content_freshness",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_profile_account_viewset():
    return profile_account_viewset


class MyProfilePanel(Component):
    name = "my_profile"
    order = 50
    template_name = "editorial/my_profile_panel.html"

    def __init__(self, profile):
        self.profile = profile

    def get_context_data(self, parent_context):
        draft = get_draft(self.profile)
        comment, reviewer = review_comment(self.profile)
        return {
            "profile": self.profile,
            "status": profile_status(self.profile, draft),
            "comment": comment,
            "reviewer": reviewer,
            "my_profile_url": reverse("editorial_my_profile"),
        }


@hooks.register("construct_homepage_panels")
def add_my_profile_panel(request, panels):
    profile = get_own_profile(request.user)
    if is_confined(request):
        # Wagtail's own panels (pages in workflow, recent edits...) link to views they cannot open.
        panels.clear()
    if profile is not None:
        panels.append(MyProfilePanel(profile))


class MyProfileMenuItem(MenuItem):
    def is_shown(self, request):
        return get_own_profile(request.user) is not None


@hooks.register("register_admin_menu_item")
def register_my_profile_menu_item():
    return MyProfileMenuItem("My profile", reverse_lazy("editorial_my_profile"), icon_name="user", order=50)


@hooks.register("construct_main_menu")
def confine_main_menu(request, menu_items):
    if is_confined(request):
        menu_items[:] = [item for item in menu_items if isinstance(item, MyProfileMenuItem)]


@hooks.register("register_reports_menu_item")
def register_content_freshness_menu_item():
    return PermissionMenuItem(
        "Content freshness",
        reverse("editorial_content_freshness"),
        FRESHNESS_PERMISSION,
        name="content-freshness",
        icon_name=ContentFreshnessReportView.header_icon,
        order=1100,
    )


def _is_profile(page):
    return isinstance(page, PersonPage)


@hooks.register("register_page_header_buttons")
def profile_account_buttons(page, user, view_name, next_url=None):
    if not _is_profile(page.specific_deferred):
        return
    account = ProfileAccount.objects.filter(page=page).select_related("user").first()
    if account is not None and user.has_perm("editorial.change_profileaccount"):
        yield Button(
            f"Edited by {account.user.email or account.user}",
            reverse(profile_account_viewset.get_url_name("edit"), args=[account.pk]),
            icon_name="user",
            priority=79,
        )
    if user.has_perm(INVITE_PERMISSION):
        yield Button(
            "Invite to edit profile", reverse("editorial_invite", args=[page.pk]), icon_name="mail", priority=80
        )
