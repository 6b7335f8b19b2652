"""The data migrations editorial 0002 and 0003, run on rows shaped as they were before them.

The module migrates the database back once, to the state before 0002 (which is also before 0003), writes the
rows every test needs through the historical models of that state, migrates forward again and leaves the result
for the tests to read. Migrating back and forward costs about a minute on PostgreSQL, so it happens once, not
once a test. Migrating runs outside a transaction (the SQLite schema editor refuses to run inside one); once the
tests are done the module puts back the database as it found it (Wagtail's root page, locale and collection,
the roles), which the tests after it, or the next run on a reused database, need.
"""

from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

BEFORE_0002 = [("editorial", "0001_initial"), ("people", "0001_initial")]
OLD_PERMISSIONS = ("edit_own_profile", "invite_profile_editor", "view_content_freshness", "change_profile_details")


def put_back(snapshot):
    # As TransactionTestCase's serialized rollback does: no post_migrate handlers (the snapshot holds what they
    # made), sequences left as they are so that new rows never collide with the snapshot's primary keys.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
    connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="module")
def migrated(django_db_setup, django_db_blocker):
    """The rows written before 0002 and 0003 ({name: row}), and the historical apps after every migration."""
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        try:
            executor.migrate(BEFORE_0002)
            executor.loader.build_graph()
            before = write_old_rows(executor.loader.project_state(BEFORE_0002).apps)
            executor.loader.build_graph()
            executor.migrate(leaves)
            executor.loader.build_graph()
            yield SimpleNamespace(before=before, apps=executor.loader.project_state(leaves).apps)
        finally:
            executor.loader.build_graph()
            executor.migrate(leaves)
            put_back(snapshot)


def write_old_rows(apps):
    """Everything the tests below start from, as the models were before editorial 0002."""
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ProfileAccount = apps.get_model("editorial", "ProfileAccount")
    rows = {}

    # 0002, account links: on the profile pages, one person (Olga) already with an account for another page.
    alice, rita, olga, rows["nobody"] = (
        User.objects.create(username=name) for name in ("alice", "rita", "olga", "nobody")
    )
    rows["alice_page"] = old_profile(apps, "FacultyPage", "Alice Avery", user=alice, path="9001")
    rows["rita_page"] = old_profile(apps, "ResidentPage", "Rita Reyes", user=rita, path="9002")
    old_profile(apps, "FacultyPage", "Una Unlinked", path="9003")
    olga_page = old_profile(apps, "FacultyPage", "Olga Owen", path="9004")
    old_profile(apps, "FacultyPage", "Olga Second", user=olga, path="9005")
    ProfileAccount.objects.create(user=olga, page_id=olga_page.pk)

    # 0002, permissions: as people 0001 defined them, on the faculty profile; nothing yet on editorial's model.
    faculty_type, _ = ContentType.objects.get_or_create(app_label="people", model="facultypage")
    Permission.objects.filter(content_type__app_label="editorial").delete()
    old = {}
    for codename in OLD_PERMISSIONS:
        old[codename], _ = Permission.objects.get_or_create(
            content_type=faculty_type, codename=codename, defaults={"name": codename}
        )
    self_service = Group.objects.create(name="Self service (old)")
    self_service.permissions.add(old["edit_own_profile"], old["change_profile_details"])
    reviewers = Group.objects.create(name="Reviewers (old)")
    reviewers.permissions.add(old["invite_profile_editor"], old["view_content_freshness"])
    User.objects.create(username="auditor").user_permissions.add(old["view_content_freshness"])

    # 0003: Wagtail's starter groups, one with a member, and a group whose name only starts like one.
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    Group.objects.create(name="Editors")
    moderators = Group.objects.create(name="Moderators")
    User.objects.create(username="mo").groups.add(moderators)
    Group.objects.create(name="Editors of the newsletter")
    return rows


def old_profile(apps, model_name, title, user=None, path=None):
    """A profile page as people 0001 stored it, with its account link on the page."""
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    ContentType = apps.get_model("contenttypes", "ContentType")
    model = apps.get_model("people", model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label="people", model=model_name.lower())
    root = Page.objects.get(depth=1)
    extra = {"graduation_year": 2028} if model_name == "ResidentPage" else {}
    first_name, last_name = title.split()
    return model.objects.create(
        title=title,
        draft_title=title,
        slug=title.lower().replace(" ", "-"),
        path=root.path + path,
        depth=2,
        content_type=content_type,
        locale=Locale.objects.first(),
        first_name=first_name,
        last_name=last_name,
        user=user,
        **extra,
    )


def test_0002_moves_each_profiles_account_link_to_a_profile_account(migrated):
    apps = migrated.apps
    accounts = apps.get_model("editorial", "ProfileAccount").objects.order_by("user__username")
    assert list(accounts.values_list("user__username", "page__title")) == [
        ("alice", "Alice Avery"),
        ("olga", "Olga Owen"),
        ("rita", "Rita Reyes"),
    ]
    assert migrated.before["alice_page"].pk == accounts.get(user__username="alice").page_id
    assert migrated.before["rita_page"].pk == accounts.get(user__username="rita").page_id
    assert not any(f.name == "user" for f in apps.get_model("people", "FacultyPage")._meta.get_fields())
    assert migrated.before["nobody"].pk not in accounts.values_list("user_id", flat=True)


def test_0002_moves_the_editorial_permissions_keeping_every_grant(migrated):
    Permission = migrated.apps.get_model("auth", "Permission")
    Group = migrated.apps.get_model("auth", "Group")
    User = migrated.apps.get_model("auth", "User")

    def grants(queryset):
        return sorted(queryset.values_list("content_type__app_label", "codename"))

    assert grants(Group.objects.get(name="Self service (old)").permissions) == [("editorial", "edit_own_profile")]
    assert grants(Group.objects.get(name="Reviewers (old)").permissions) == [
        ("editorial", "invite_profile_editor"),
        ("editorial", "view_content_freshness"),
    ]
    assert grants(User.objects.get(username="auditor").user_permissions) == [("editorial", "view_content_freshness")]
    people_codenames = Permission.objects.filter(content_type__app_label="people").values_list("codename", flat=True)
    assert {"edit_own_profile", "invite_profile_editor", "view_content_freshness", "change_profile_details"}.isdisjoint(
        people_codenames
    )
    editorial = Permission.objects.get(content_type__app_label="editorial", codename="edit_own_profile")
    assert editorial.name == "Can edit the bio and photo of their own profile, under review"


def test_0003_removes_wagtails_starter_groups_only_when_nobody_is_in_them(migrated):
    names = set(migrated.apps.get_model("auth", "Group").objects.values_list("name", flat=True))
    assert "Editors" not in names
    assert {"Moderators", "Editors of the newsletter"} <= names
    mo = migrated.apps.get_model("auth", "User").objects.get(username="mo")
    assert list(mo.groups.values_list("name", flat=True)) == ["Moderators"]
