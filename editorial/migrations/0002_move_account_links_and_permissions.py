"""Move each profile's account link out of the page into ProfileAccount, and the editorial permissions
from people to editorial, keeping every group's and user's grants."""

from django.conf import settings
from django.db import migrations

MOVED_PERMISSIONS = {
    "edit_own_profile": "Can edit the bio and photo of their own profile, under review",
    "invite_profile_editor": "Can invite a person to edit their own profile",
    "view_content_freshness": "Can view the content freshness report",
}
RETIRED_PERMISSIONS = ["change_profile_details"]  # faculty no longer use the page editor at all


def copy_account_links(apps, schema_editor):
    ProfileAccount = apps.get_model("editorial", "ProfileAccount")
    for model_name in ("FacultyPage", "ResidentPage"):
        model = apps.get_model("people", model_name)
        for page_id, user_id in model.objects.exclude(user=None).values_list("pk", "user_id"):
            if not ProfileAccount.objects.filter(user_id=user_id).exists():
                ProfileAccount.objects.get_or_create(page_id=page_id, defaults={"user_id": user_id})


def move_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))

    account_type, _ = ContentType.objects.get_or_create(app_label="editorial", model="profileaccount")
    faculty_type = ContentType.objects.filter(app_label="people", model="facultypage").first()
    for codename, name in MOVED_PERMISSIONS.items():
        new, _ = Permission.objects.get_or_create(content_type=account_type, codename=codename, defaults={"name": name})
        old = Permission.objects.filter(content_type=faculty_type, codename=codename).first()
        if old is None:
            continue
        for group in Group.objects.filter(permissions=old):
            group.permissions.add(new)
        for user in User.objects.filter(user_permissions=old):
            user.user_permissions.add(new)
        old.delete()
    Permission.objects.filter(content_type=faculty_type, codename__in=RETIRED_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("people", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_account_links, migrations.RunPython.noop),
        migrations.RunPython(move_permissions, migrations.RunPython.noop),
    ]
