"""Every admin URL, requested as a faculty member: nothing that is not theirs is shown or changed.

The URL list is not written by hand: it comes from walking Django's URL resolver, so a view that a
new Wagtail release adds is swept too. Every object that is not the faculty member's (another
person's profile and its draft revision, a workflow state and task state on it, images and
documents uploaded by others, another account, a group, a collection, a redirect, an unpublished
page...) is created with the same primary key, so one value fills every integer argument of every
pattern and always names something that exists. Each of those objects carries a marker phrase
("Quokka ..."); a response that contains one, a 2xx answer from a URL outside the allow-list, or a
database write on such a URL is a leak.
"""

import io
import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query
from wagtail.documents.models import Document
from wagtail.models import (
    Collection,
    Comment,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Revision,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

from core.models import CustomImage
from editorial.models import ProfileAccount
from editorial.roles import COMMUNICATIONS_GROUP, FACULTY_GROUP
from people.models import FacultyPage, PersonIndexPage
from tests.editorial.utils import ProfileTestCase, image_bytes

OTHER = 987_001  # the primary key of every object that is not the faculty member's
MARKER = re.compile(
    r"quokka[\W_]+(?:<[^>]*>\s*)*"
    r"(bio|image|document|user|group|collection|redirect|query|workflow|task|draftpage|comment|upload|account)",
    re.IGNORECASE,
)
SEARCH = {"q": "quokka", "query": "quokka", "search": "quokka", "p": "1"}
POST_DATA = {
    "title": "sweep",
    "bio": "sweep",
    "comment": "sweep",
    "new_title": "sweep",
    "new_slug": "sweep",
    "slug": "sweep",
    "email": "sweep@example.org",
    "name": "sweep",
    "alt_text": "sweep",
    "action-publish": "action-publish",
    "action-submit": "action-submit",
    "text": "sweep",
    "url": "https://example.org",
    "next": "/admin/",
}
STRING_VALUES = {
    "action": ["delete", "publish", "unpublish", "move", "add_to_collection", "add_tags", "set_privacy", "approve"],
    "action_name": ["approve", "reject", "cancel", "publish", "unpublish", "delete", "move", "convert_alias"],
    "filter_spec": ["fill-100x100"],
    "revision_id_a": [str(OTHER), "earliest"],
    "revision_id_b": [str(OTHER), "latest"],
    "uidb64": ["MQ"],
    "token": ["set-password"],
}
MODEL_PAIRS = [
    ("people", "facultypage"),
    ("wagtailcore", "page"),
    ("wagtailimages", "image"),
    ("core", "customimage"),
    ("wagtaildocs", "document"),
    ("core", "contactsettings"),
    ("editorial", "profileaccount"),
    ("auth", "user"),
]
APP_PARAMS = {"app_label", "app_name", "content_type_app_name"}
MODEL_PARAMS = {"model_name", "content_type_model_name"}
IGNORED_WRITE_TABLES = ("django_session",)
# The admin URL names a person whose only role is Faculty may open, written out here rather than taken from
# the code that enforces them: widening the list in the code fails this file until the list below changes too.
FACULTY_URL_NAMES = {
    # Signing in and out, the password reset, the second step, translations and icons.
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
    "two_factor_setup",
    # The dashboard, their own account, the admin's UI state, their own two-step verification.
    "wagtailadmin_home",
    "wagtailadmin_account",
    "wagtailadmin_dismissibles",
    "two_factor_overview",
    "two_factor_recovery_codes",
    "two_factor_disable",
    # My profile.
    "editorial_my_profile",
    "editorial_my_profile_preview",
    "editorial_my_profile_preview_page",
    "editorial_my_profile_submit_draft",
    # Their own not-yet-approved photo in My profile's preview (issue 14); the view answers 404 for anyone else's.
    "private_media",
}


@dataclass
class SweepResult:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    leaks: list = field(default_factory=list)


def admin_patterns():
    """(view name or None, path template, parameter names) for every URL pattern under the admin."""

    def walk(patterns, prefix, namespace, params):
        for pattern in patterns:
            names = list(params) + pattern_params(pattern.pattern)
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                child_namespace = namespace
                if pattern.namespace:
                    child_namespace = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, route, child_namespace, names)
            elif isinstance(pattern, URLPattern):
                view_name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield view_name, route, names

    admin_route = reverse("wagtailadmin_home").strip("/") + "/"
    return [entry for entry in walk(get_resolver().url_patterns, "", None, []) if entry[1].startswith(admin_route)]


def pattern_params(pattern):
    if hasattr(pattern, "converters"):
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def argument_sets(params):
    """Every combination of values to try for a pattern's parameters."""
    choices = []
    pair_done = False
    for name in params:
        if name in APP_PARAMS or name in MODEL_PARAMS:
            if not pair_done:
                choices.append([("__pair__", pair) for pair in MODEL_PAIRS])
                pair_done = True
            continue
        choices.append([(name, value) for value in STRING_VALUES.get(name, [str(OTHER)])])
    for combination in itertools.product(*choices):
        kwargs = {}
        for name, value in combination:
            if name == "__pair__":
                app, model = value
                kwargs.update({p: app for p in params if p in APP_PARAMS})
                kwargs.update({p: model for p in params if p in MODEL_PARAMS})
            else:
                kwargs[name] = value
        yield kwargs


def admin_urls():
    """(view name, URL) for every admin pattern, filled in."""
    urls = []
    for view_name, route, params in admin_patterns():
        if view_name is None:
            if not params:
                urls.append((None, "/" + route.replace("^", "").replace(".*", "anything").rstrip("$")))
            continue
        for kwargs in argument_sets(params):
            try:
                urls.append((view_name, reverse(view_name, kwargs=kwargs)))
            except NoReverseMatch:
                continue
    return sorted(set(urls), key=lambda item: item[1])


class WriteRecorder:
    """Records every INSERT, UPDATE or DELETE the database is asked to run."""

    def __init__(self):
        self.writes = []

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")) and not any(
            table.upper() in statement for table in IGNORED_WRITE_TABLES
        ):
            self.writes.append(sql[:120])
        return execute(sql, params, many, context)


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def sweep(client, user, urls):
    result = SweepResult()
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)  # hundreds of expected 403/404/405s; the result lists what matters
    try:
        _sweep(client, user, urls, result)
    finally:
        request_log.setLevel(level)
    return result


def _sweep(client, user, urls, result):
    login_url = reverse("wagtailadmin_login")
    client.force_login(user)
    for view_name, url in urls:
        if view_name == "wagtailadmin_logout":
            continue  # it would end the sweep's own session; allowed anyway
        for method in ("get", "post"):
            recorder = WriteRecorder()
            with connection.execute_wrapper(recorder):
                response = client.get(url, SEARCH) if method == "get" else client.post(url, POST_DATA)
                text = body_of(response)
            result.requests += 1
            result.statuses[response.status_code] += 1
            if response.status_code == 302 and response["Location"].startswith(login_url):
                client.force_login(user)  # e.g. a password change ended the session; sign in again
            where = f"{method.upper()} {url} ({view_name}) -> {response.status_code}"
            match = MARKER.search(text)
            if match:
                result.leaks.append(f"{where}: shows '{match.group(0)}'")
            if response.status_code >= 500:
                result.leaks.append(f"{where}: server error")
            if view_name not in FACULTY_URL_NAMES:
                if 200 <= response.status_code < 300:
                    result.leaks.append(f"{where}: answered outside the allow-list")
                if method == "get" and not is_redirect_to_my_profile(response):
                    result.leaks.append(f"{where}: not sent to My profile")
                if method == "post" and response.status_code != 403:
                    result.leaks.append(f"{where}: not refused")
                if recorder.writes:
                    result.leaks.append(f"{where}: wrote to the database: {recorder.writes[0]}")


def is_redirect_to_my_profile(response):
    return response.status_code == 302 and response["Location"] == reverse("editorial_my_profile")


class AdminSweep(ProfileTestCase):
    """Alice (Faculty) against everything in the admin that belongs to Bob, Communications or nobody."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        User = get_user_model()
        comms = cls.comms
        people = PersonIndexPage.objects.get(pk=cls.people.pk)
        # Another person's profile, live, with an unpublished draft and a review in progress.
        cls.other = people.add_child(
            instance=FacultyPage(pk=OTHER, title="Olive Other", first_name="Olive", last_name="Other", bio="<p>Hi</p>")
        )
        cls.other.save_revision(user=comms).publish()
        other_user = User.objects.create_user("quokka-user", "quokka.user@example.org", "pw", pk=OTHER)
        other_user.groups.add(Group.objects.get(name=FACULTY_GROUP))
        ProfileAccount.objects.create(pk=OTHER, user=other_user, page=cls.other)
        draft = FacultyPage.objects.get(pk=OTHER)
        draft.bio = "<p>Quokka bio, not yet approved.</p>"
        content = draft.serializable_data()
        revision = Revision.objects.create(
            pk=OTHER,
            content_type=ContentType.objects.get_for_model(FacultyPage),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(OTHER),
            object_str=draft.title,
            content=content,
            user=other_user,
        )
        Page.objects.filter(pk=OTHER).update(latest_revision=revision, has_unpublished_changes=True)
        workflow = Workflow.objects.create(pk=OTHER, name="Quokka workflow")
        task = GroupApprovalTask.objects.create(pk=OTHER, name="Quokka task")
        task.groups.set([Group.objects.get(name=COMMUNICATIONS_GROUP)])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        state = WorkflowState.objects.create(
            pk=OTHER,
            content_type=ContentType.objects.get_for_model(FacultyPage),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(OTHER),
            workflow=workflow,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by=other_user,
        )
        task_state = TaskState.objects.create(
            pk=OTHER,
            workflow_state=state,
            revision=revision,
            task=task,
            comment="Quokka comment",
            content_type=ContentType.objects.get_for_model(TaskState),
        )
        WorkflowState.objects.filter(pk=OTHER).update(current_task_state=task_state)
        Comment.objects.create(page=cls.other, user=comms, text="Quokka comment on a field", contentpath="bio")
        # Media uploaded by others, and a private collection.
        collection = Collection.get_first_root_node().add_child(instance=Collection(pk=OTHER, name="Quokka collection"))
        CustomImage.objects.create(
            pk=OTHER,
            title="Quokka image",
            alt_text="Quokka image",
            collection=collection,
            file=ImageFile(io.BytesIO(image_bytes(64, 80)), name="quokka.jpg"),
            uploaded_by_user=other_user,
        )
        document = Document(pk=OTHER, title="Quokka document", collection=collection, uploaded_by_user=comms)
        document.file.save("quokka.txt", ContentFile(b"Quokka document body"), save=False)
        document.save()
        upload = UploadedFile(pk=OTHER, uploaded_by_user=other_user)
        upload.file.save("quokka-upload.jpg", ContentFile(image_bytes(64, 80)), save=False)
        upload.save()
        # Other things only Communications and administrators see.
        Group.objects.create(pk=OTHER, name="Quokka group")
        Redirect.objects.create(pk=OTHER, old_path="/quokka-redirect", redirect_link="https://example.org/")
        Query.objects.create(pk=OTHER, query_string="quokka query")
        EditingSession.objects.create(
            pk=OTHER,
            user=other_user,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=str(OTHER),
            last_seen_at=timezone.now(),
        )
        people.add_child(instance=FacultyPage(title="Quokka draftpage", first_name="Q", last_name="D", live=False))
        cls.urls = admin_urls()

    def faculty_sweep(self):
        client = Client(raise_request_exception=False)  # a server error is a finding, not the end of the sweep
        client.force_login(self.alice)
        client.get(reverse("wagtailadmin_home"))  # creates Alice's UserProfile outside the sweep
        return sweep(client, self.alice, self.urls)

    def test_the_url_list_covers_the_whole_admin(self):
        names = {name for name, _ in self.urls}
        for expected in (
            "wagtailadmin_pages:edit",
            "wagtailadmin_pages:revisions_revert",
            "wagtailadmin_choose_page_search",
            "wagtailadmin_api:images:listing",
            "wagtailimages:edit",
            "wagtaildocs:edit",
            "wagtailadmin_workflows:edit",
            "editorial_my_profile",
        ):
            self.assertIn(expected, names)
        self.assertGreater(len(self.urls), 200)

    def test_every_name_on_the_faculty_list_is_an_admin_url(self):
        self.assertEqual(FACULTY_URL_NAMES - {name for name, _ in self.urls}, set())

    def test_the_image_library_sends_a_faculty_member_to_my_profile(self):
        self.client.force_login(self.alice)
        for url in (reverse("wagtailimages:index"), reverse("wagtailimages:add"), f"/admin/images/{OTHER}/"):
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), "/admin/my-profile/", fetch_redirect_response=False)
        response = self.client.post(reverse("wagtailimages:add"), {"title": "Mine", "alt_text": "Mine"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Not available", status_code=403)

    def test_the_screens_on_the_list_open_for_a_faculty_member(self):
        self.client.force_login(self.alice)
        for url in ("/admin/", "/admin/account/", "/admin/my-profile/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_faculty_member_sees_and_changes_nothing_that_is_not_theirs(self):
        before = self.snapshot()
        result = self.faculty_sweep()
        self.assertEqual(result.leaks, [], "\n".join(result.leaks[:40]))
        self.assertEqual(self.snapshot(), before)
        print(f"\nAdmin sweep: {len(self.urls)} URLs, {result.requests} requests, statuses {dict(result.statuses)}")

    def test_the_sweep_catches_a_view_that_lets_them_through(self):
        # Give the Faculty group a page permission, as a mistaken configuration (or a new Wagtail view) might.
        GroupPagePermission.objects.create(
            group=Group.objects.get(name=FACULTY_GROUP),
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(codename="change_page"),
        )
        result = self.faculty_sweep()
        leaked = "\n".join(result.leaks)
        self.assertIn("Quokka bio", leaked)
        self.assertIn(f"/admin/pages/{OTHER}/edit/", leaked)

    def snapshot(self):
        page = FacultyPage.objects.get(pk=OTHER)
        return {
            "page": (page.title, page.bio, page.live, page.latest_revision_id, page.locked, page.path),
            "revisions": Revision.objects.count(),
            "state": WorkflowState.objects.get(pk=OTHER).status,
            "task_state": TaskState.objects.get(pk=OTHER).status,
            "image": CustomImage.objects.filter(pk=OTHER).values_list("title", "file", "collection_id").first(),
            "document": Document.objects.filter(pk=OTHER).values_list("title", "file").first(),
            "users": list(get_user_model().objects.order_by("pk").values_list("pk", "email", "is_active")),
            "groups": list(Group.objects.order_by("pk").values_list("pk", "name")),
            "accounts": list(ProfileAccount.objects.order_by("pk").values_list("user_id", "page_id")),
            "pages": Page.objects.count(),
        }
