"""A small site with two faculty members and a resident, each linked to an account, under the review workflow."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Collection, Page, Site, WorkflowState
from wagtail.test.utils import WagtailTestUtils

from core.models import CustomImage
from editorial.models import ProfileAccount
from editorial.roles import COMMUNICATIONS_GROUP, FACULTY_GROUP, assign_review_workflow
from home.models import HomePage
from people.models import FacultyPage, PersonIndexPage, ResidentPage
from programs.models import ProgramPage

User = get_user_model()


def image_bytes(width=400, height=500, image_format="JPEG", colour="#2a6f97"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, image_format)
    return buffer.getvalue()


def photo_upload(width=400, height=500, image_format="JPEG", name="me.jpg"):
    return SimpleUploadedFile(name, image_bytes(width, height, image_format), content_type="image/jpeg")


def make_image(title, collection=None, alt_text="A portrait", uploaded_by=None):
    return CustomImage.objects.create(
        title=title,
        alt_text=alt_text,
        file=ImageFile(io.BytesIO(image_bytes(64, 80)), name=f"{title}.jpg"),
        collection=collection or Collection.get_first_root_node(),
        uploaded_by_user=uploaded_by,
    )


def make_user(username, group_name=None, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "pw", **extra)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


class ProfileTestCase(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="Home", slug="home-perm", hero_heading="Residency"))
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": cls.home, "hostname": "localhost"})
        cls.program = cls.home.add_child(instance=ProgramPage(title="Primary Care Track", introduction="Intro"))
        cls.people = cls.home.add_child(instance=PersonIndexPage(title="People", slug="people"))
        assign_review_workflow(cls.people)

        cls.comms = make_user("comms", COMMUNICATIONS_GROUP, first_name="Casey", last_name="Comms")
        cls.alice = make_user("alice", FACULTY_GROUP, first_name="Alice", last_name="Avery")
        cls.bob = make_user("bob", FACULTY_GROUP)
        cls.rita = make_user("rita", FACULTY_GROUP)

        cls.alice_page = cls.people.add_child(
            instance=FacultyPage(
                title="Alice Avery",
                first_name="Alice",
                last_name="Avery",
                roles="Preceptor",
                bio="<p>Original bio.</p>",
            )
        )
        cls.bob_page = cls.people.add_child(
            instance=FacultyPage(title="Bob Brook", first_name="Bob", last_name="Brook", bio="<p>Bob.</p>")
        )
        cls.rita_page = cls.people.add_child(
            instance=ResidentPage(title="Rita Reyes", first_name="Rita", last_name="Reyes", graduation_year=2028)
        )
        for user, page in ((cls.alice, cls.alice_page), (cls.bob, cls.bob_page), (cls.rita, cls.rita_page)):
            publish(page)
            ProfileAccount.objects.create(user=user, page=page)

    def reload(self, page):
        return type(page).objects.get(pk=page.pk)

    def workflow_states(self, page):
        return WorkflowState.objects.for_instance(page)

    def my_profile(self, action="submit", bio="", photo=None, alt_text="", **extra):
        data = {"action": action, "bio": bio, "alt_text": alt_text, **extra}
        if photo is not None:
            data["photo"] = photo
        return self.client.post(reverse("editorial_my_profile"), data)

    def review(self, page, action, comment=""):
        """Communications approves or requests changes through Wagtail's workflow action view."""
        page = self.reload(page)
        task_state = page.current_workflow_task_state
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
        self.client.force_login(self.comms)
        response = self.client.post(url, {"comment": comment} if comment else {})
        self.assertIn(response.status_code, (200, 302))
        return response
