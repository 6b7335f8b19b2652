"""Registers the "Import people" admin screens: their URLs and a main menu item for people who may import."""

from django.urls import path, reverse_lazy
from wagtail import hooks

from core.admin_utils import PermissionMenuItem
from editorial.importer import views as import_views


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("people/import/", import_views.PeopleImportView.as_view(), name="people_import"),
        path("people/import/confirm/", import_views.PeopleImportConfirmView.as_view(), name="people_import_confirm"),
        path("people/import/example.csv", import_views.example_file, name="people_import_example"),
        path(
            "people/import/<uuid:task_id>/", import_views.PeopleImportStatusView.as_view(), name="people_import_status"
        ),
        path(
            "people/import/<uuid:task_id>/again/",
            import_views.PeopleImportRetryView.as_view(),
            name="people_import_retry",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(
        "Import people",
        reverse_lazy("people_import"),
        import_views.PERMISSION,
        name="import-people",
        icon_name="upload",
        order=450,
    )
