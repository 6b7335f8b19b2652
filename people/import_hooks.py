"""Registers the "Import people" admin screens: their URLs and a main menu item for people who may import."""

from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from people import import_views


class ImportPeopleMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(import_views.PERMISSION)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("people/import/", import_views.PeopleImportView.as_view(), name="people_import"),
        path("people/import/confirm/", import_views.PeopleImportConfirmView.as_view(), name="people_import_confirm"),
        path("people/import/example.csv", import_views.example_file, name="people_import_example"),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportPeopleMenuItem(
        "Import people", reverse_lazy("people_import"), name="import-people", icon_name="upload", order=450
    )
