from django.urls import path, reverse
from wagtail import hooks

from admissions import admin_views
from admissions.viewsets import applicants_viewset_group
from core.admin_utils import PermissionMenuItem


@hooks.register("register_admin_viewset")
def register_applicants_viewsets():
    return applicants_viewset_group


@hooks.register("register_admin_urls")
def register_admissions_urls():
    return [
        path("applicants/open-houses/", admin_views.OpenHouseSessionsView.as_view(), name="admissions_admin_sessions"),
        path(
            "applicants/open-houses/<int:open_house_id>/email/",
            admin_views.EmailRegistrantsView.as_view(),
            name="admissions_admin_email_registrants",
        ),
        path(
            "applicants/registrations/<int:registration_id>/cancel/",
            admin_views.CancelRegistrationView.as_view(),
            name="admissions_admin_cancel_registration",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_sessions_menu_item():
    return PermissionMenuItem(
        "Open-house sessions",
        reverse("admissions_admin_sessions"),
        admin_views.VIEW_PERMISSION,
        icon_name="date",
        order=251,
    )
