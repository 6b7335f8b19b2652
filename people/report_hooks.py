"""Registers the content freshness report: its admin URL and its item in the Reports menu."""

from django.urls import path, reverse
from wagtail import hooks

from people.admin_utils import PermissionMenuItem
from people.report_views import PERMISSION, ContentFreshnessReportView


@hooks.register("register_admin_urls")
def register_content_freshness_url():
    return [
        path("reports/content-freshness/", ContentFreshnessReportView.as_view(), name="people_content_freshness"),
    ]


@hooks.register("register_reports_menu_item")
def register_content_freshness_menu_item():
    return PermissionMenuItem(
        "Content freshness",
        reverse("people_content_freshness"),
        PERMISSION,
        name="content-freshness",
        icon_name=ContentFreshnessReportView.header_icon,
        order=1100,
    )
