"""The data migrations editorial 0002 and 0003, run on rows shaped as they were before them.

Each test migrates the database back to the state before the migration, writes rows through the historical
models of that state, migrates forward again and reads the result. Migrating runs outside a transaction (the
SQLite schema editor refuses to run inside one), so these are transactional tests, each starting from the
database as it was created (serialized rollback); once they are done the module puts that database back
(Wagtail's root page, locale and collection, the roles), which the tests after it, or the next run on a
reused database, need.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_0002 = [("editorial", "0001_initial"), ("people", "0001_initial")]
BEFORE_0003 = [("editorial", "0002_move_account_links_and_permissions")]


@pytest.fixture(scope="module")
def database_as_found(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield snapshot
    with django_db_blocker.unblock():
        put_back(snapshot)


def put_back(snapshot):
    # As TransactionTestCase's serialized rollback does: no post_migrate handlers (the snapshot holds what they
    # made), sequences left as they are so that new rows never collide with the snapshot's primary keys.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
    connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()


@pytest.fixture
def migrator(transactional_db, database_as_found):
    """Migrates back to `before` and returns the historical apps there; migrates forward again afterwards."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()

    class Migrator:
        def back_to(self, before):
            executor.migrate(before)
            executor.loader.build_graph()
            return executor.loader.project_state(before).apps

        def forward(self):
            executor.loader.build_graph()
            executor.migrate(leaves)
            executor.loader.build_graph()
            return executor.loader.project_state(leaves).apps

    yield Migrator()
    executor.loader.build_graph()
    executor.migrate(leaves)


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


def test_0002_moves_each_profiles_account_link_to_a_profile_account(migrator):
    apps = migrator.back_to(BEFORE_0002)
    User = apps.get_model("auth", "User")
    ProfileAccount = apps.get_model("editorial", "ProfileAccount")
    alice, rita, olga, nobody = (User.objects.create(username=name) for name in ("alice", "rita", "olga", "nobody"))
    alice_page = old_profile(apps, "FacultyPage", "Alice Avery", user=alice, path="9001")
    rita_page = old_profile(apps, "ResidentPage", "Rita Reyes", user=rita, path="9002")
    old_profile(apps, "FacultyPage", "Una Unlinked", path="9003")
    # Olga already had an account for another page: the migration keeps it rather than giving her two.
    olga_page = old_profile(apps, "FacultyPage", "Olga Owen", path="9004")
    old_profile(apps, "FacultyPage", "Olga Second", user=olga, path="9005")
    ProfileAccount.objects.create(user=olga, page_id=olga_page.pk)

    apps = migrator.forward()

    accounts = apps.get_model("editorial", "ProfileAccount").objects.order_by("user__username")
    assert list(accounts.values_list("user__username", "page__title")) == [
        ("alice", "Alice Avery"),
        ("olga", "Olga Owen"),
        ("rita", "Rita Reyes"),
    ]
    assert alice_page.pk == accounts.get(user__username="alice").page_id
    assert rita_page.pk == accounts.get(user__username="rita").page_id
    assert not any(f.name == "user" for f in apps.get_model("people", "FacultyPage")._meta.get_fields())
    assert nobody.pk not in accounts.values_list("user_id", flat=True)


def test_0002_moves_the_editorial_permissions_keeping_every_grant(migrator):
    apps = migrator.back_to(BEFORE_0002)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    # The permissions as people 0001 defined them, on the faculty profile; nothing yet on editorial's model.
    faculty_type, _ = ContentType.objects.get_or_create(app_label="people", model="facultypage")
    Permission.objects.filter(content_type__app_label="editorial").delete()
    old = {}
    for codename in ("edit_own_profile", "invite_profile_editor", "view_content_freshness", "change_profile_details"):
        old[codename], _ = Permission.objects.get_or_create(
            content_type=faculty_type, codename=codename, defaults={"name": codename}
        )
    self_service = Group.objects.create(name="Self service (old)")
    self_service.permissions.add(old["edit_own_profile"], old["change_profile_details"])
    reviewers = Group.objects.create(name="Reviewers (old)")
    reviewers.permissions.add(old["invite_profile_editor"], old["view_content_freshness"])
    auditor = User.objects.create(username="auditor")
    auditor.user_permissions.add(old["view_content_freshness"])

    apps = migrator.forward()

    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")

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


def test_0003_removes_wagtails_starter_groups_only_when_nobody_is_in_them(migrator):
    apps = migrator.back_to(BEFORE_0003)
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    Group.objects.create(name="Editors")
    moderators = Group.objects.create(name="Moderators")
    User.objects.create(username="mo").groups.add(moderators)
    Group.objects.create(name="Editors of the newsletter")

    apps = migrator.forward()

    names = set(apps.get_model("auth", "Group").objects.values_list("name", flat=True))
    assert "Editors" not in names
    assert {"Moderators", "Editors of the newsletter"} <= names
    assert list(apps.get_model("auth", "User").objects.get(username="mo").groups.values_list("name", flat=True)) == [
        "Moderators"
    ]
