"""Wagtail creates "Editors" and "Moderators" groups with image and document rights on every collection.
The portal's roles are Communications and Faculty; an empty starter group would only be a way for someone
added to it later to change image files (profile photos included) outside Communications. Groups that have
members are left alone."""

from django.db import migrations

STARTER_GROUPS = ["Editors", "Moderators"]


def remove_empty_starter_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=STARTER_GROUPS, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_move_account_links_and_permissions"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtaildocs", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(remove_empty_starter_groups, migrations.RunPython.noop)]
