"""The editorial permission matrix, exercised as real requests through the admin.

A faculty member may edit the bio and photo of the profile linked to their own
account, and nothing else; their changes wait for Communications to approve.
"""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Collection, Page, Site, WorkflowState
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import rich_text

from core.models import CustomImage
from home.models import HomePage
from people.models import FacultyPage, PersonIndexPage, ResidentPage
from people.roles import COMMUNICATIONS_GROUP, FACULTY_GROUP, PHOTO_COLLECTION, assign_review_workflow
from programs.models import ProgramPage

User = get_user_model()


def make_image(title, collection=None, alt_text="A portrait"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 80), "#2a6f97").save(buffer, "JPEG")
    return CustomImage.objects.create(
        title=title,
        alt_text=alt_text,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.jpg"),
        collection=collection or Collection.get_first_root_node(),
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


class ProfileEditingTestCase(WagtailTestUtils, TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="Home", slug="home-perm", hero_heading="Residency"))
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": cls.home, "hostname": "localhost"})
        cls.program = cls.home.add_child(instance=ProgramPage(title="Primary Care Track", introduction="Intro"))
        cls.people = cls.home.add_child(instance=PersonIndexPage(title="People", slug="people"))
        assign_review_workflow(cls.people)

        cls.comms = make_user("comms", COMMUNICATIONS_GROUP, first_name="Casey", last_name="Comms")
        cls.alice = make_user("alice", FACULTY_GROUP)
        cls.bob = make_user("bob", FACULTY_GROUP)
        cls.rita = make_user("rita", FACULTY_GROUP)

        cls.alice_page = cls.people.add_child(
            instance=FacultyPage(
                title="Alice Avery", first_name="Alice", last_name="Avery", bio="<p>Original bio.</p>", user=cls.alice
            )
        )
        cls.bob_page = cls.people.add_child(
            instance=FacultyPage(
                title="Bob Brook", first_name="Bob", last_name="Brook", bio="<p>Bob.</p>", user=cls.bob
            )
        )
        cls.rita_page = cls.people.add_child(
            instance=ResidentPage(
                title="Rita Reyes", first_name="Rita", last_name="Reyes", graduation_year=2028, user=cls.rita
            )
        )
        for page in (cls.alice_page, cls.bob_page, cls.rita_page):
            publish(page)
        cls.photos = Collection.objects.get(name=PHOTO_COLLECTION)
        cls.private_image = make_image("Hero", alt_text="Campus at dusk")

    def edit_url(self, page):
        return reverse("wagtailadmin_pages:edit", args=[page.pk])

    def assert_denied(self, response):
        """Wagtail answers a permission failure with 403, or a redirect to the dashboard (or login) with a message."""
        if response.status_code == 302:
            location = response["Location"]
            if location.startswith(reverse("wagtailsettings:edit", args=["core", "contactsettings"])):
                response = self.client.get(location)
                return self.assert_denied(response)
            self.assertTrue(
                location == reverse("wagtailadmin_home") or location.startswith(reverse("wagtailadmin_login")),
                f"redirected to {location}",
            )
        else:
            self.assertEqual(response.status_code, 403)

    def save_own_bio(self, page, bio, **extra):
        data = {"bio": rich_text(bio), **extra}
        return self.client.post(self.edit_url(page), data)


class FacultyCanEditOwnProfile(ProfileEditingTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_editor_shows_only_bio_and_photo(self):
        response = self.client.get(self.edit_url(self.alice_page))
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(set(form.fields) - {"comment_notifications"}, {"bio", "photo"})
        self.assertNotContains(response, 'name="first_name"')
        self.assertNotContains(response, 'name="slug"')
        self.assertNotContains(response, 'name="title"')

    def test_saving_sends_changes_to_review_and_keeps_the_live_page(self):
        response = self.save_own_bio(self.alice_page, "<p>New bio from Alice.</p>")
        self.assertEqual(response.status_code, 302)

        live = FacultyPage.objects.get(pk=self.alice_page.pk)
        self.assertEqual(live.bio, "<p>Original bio.</p>")
        self.assertTrue(live.has_unpublished_changes)
        self.assertIn("New bio from Alice.", live.get_latest_revision_as_object().bio)
        state = live.workflow_states.get()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        # The reviewers hear about it by email.
        self.assertTrue(any(self.comms.email in message.to for message in mail.outbox))

        public = self.client.get(live.url)
        self.assertContains(public, "Original bio.")
        self.assertNotContains(public, "New bio from Alice.")

    def test_saving_without_changes_sends_nothing_for_review(self):
        self.save_own_bio(self.alice_page, "<p>Once.</p>")
        state = FacultyPage.objects.get(pk=self.alice_page.pk).workflow_states.get()
        state.cancel(user=self.comms)
        self.save_own_bio(self.alice_page, "<p>Once.</p>")
        page = FacultyPage.objects.get(pk=self.alice_page.pk)
        self.assertEqual(page.workflow_states.count(), 1)
        self.assertFalse(page.workflow_in_progress)

    def test_crafted_post_cannot_change_name_slug_or_links(self):
        self.save_own_bio(
            self.alice_page,
            "<p>Bio.</p>",
            title="Hacked",
            slug="hacked",
            first_name="Mallory",
            last_name="Hacker",
            roles="Program Director",
            is_leadership="on",
            programs=[self.program.pk],
            user=self.bob.pk,
            seo_title="Hacked",
            go_live_at="2020-01-01 00:00",
        )
        page = FacultyPage.objects.get(pk=self.alice_page.pk)
        draft = page.get_latest_revision_as_object()
        for obj in (page, draft):
            self.assertEqual(obj.title, "Alice Avery")
            self.assertEqual(obj.slug, "alice-avery")
            self.assertEqual(obj.first_name, "Alice")
            self.assertEqual(obj.last_name, "Avery")
            self.assertEqual(obj.roles, "")
            self.assertFalse(obj.is_leadership)
            self.assertEqual(obj.seo_title, "")
            self.assertIsNone(obj.go_live_at)
            self.assertEqual(obj.user_id, self.alice.pk)
        self.assertEqual(list(draft.programs.all()), [])

    def test_publish_button_in_post_does_not_publish(self):
        self.save_own_bio(self.alice_page, "<p>Sneaky publish.</p>", **{"action-publish": "action-publish"})
        page = FacultyPage.objects.get(pk=self.alice_page.pk)
        self.assertEqual(page.bio, "<p>Original bio.</p>")
        self.assertEqual(page.workflow_states.get().status, WorkflowState.STATUS_IN_PROGRESS)

    def test_can_upload_and_choose_a_photo_from_the_photo_collection(self):
        photo = make_image("Alice portrait", collection=self.photos, alt_text="Alice Avery smiling")
        self.save_own_bio(self.alice_page, "<p>Bio.</p>", photo=photo.pk)
        draft = FacultyPage.objects.get(pk=self.alice_page.pk).get_latest_revision_as_object()
        self.assertEqual(draft.photo_id, photo.pk)

    def test_can_fix_the_alt_text_of_their_own_photo_only(self):
        own = make_image("Alice upload", collection=self.photos, alt_text="A person")
        CustomImage.objects.filter(pk=own.pk).update(uploaded_by_user=self.alice)
        colleague = make_image("Bob upload", collection=self.photos, alt_text="Bob")
        CustomImage.objects.filter(pk=colleague.pk).update(uploaded_by_user=self.bob)

        edit = reverse("wagtailimages:edit", args=[own.pk])
        self.assertEqual(self.client.get(edit).status_code, 200)
        response = self.client.post(
            edit, {"title": "Alice upload", "alt_text": "Dr. Alice Avery in clinic", "collection": self.photos.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CustomImage.objects.get(pk=own.pk).alt_text, "Dr. Alice Avery in clinic")

        self.assert_denied(self.client.post(reverse("wagtailimages:edit", args=[colleague.pk]), {"alt_text": "x"}))
        self.assertEqual(CustomImage.objects.get(pk=colleague.pk).alt_text, "Bob")

    def test_cannot_choose_an_image_outside_the_photo_collection(self):
        response = self.save_own_bio(self.alice_page, "<p>Bio.</p>", photo=self.private_image.pk)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "profile photo collection")
        page = FacultyPage.objects.get(pk=self.alice_page.pk)
        self.assertIsNone(page.get_latest_revision_as_object().photo_id)
        self.assertFalse(page.workflow_states.exists())

    def test_resident_uses_the_same_mechanism(self):
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(self.edit_url(self.rita_page)).status_code, 200)
        self.save_own_bio(self.rita_page, "<p>Rita's bio.</p>", graduation_year=2020)
        page = ResidentPage.objects.get(pk=self.rita_page.pk)
        self.assertEqual(page.graduation_year, 2028)
        self.assertEqual(page.get_latest_revision_as_object().graduation_year, 2028)
        self.assertEqual(page.workflow_states.get().status, WorkflowState.STATUS_IN_PROGRESS)

    def test_dashboard_offers_edit_my_profile_with_status(self):
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "Edit my profile")
        self.assertContains(response, 'data-profile-status="published"')
        redirect = self.client.get(reverse("people_my_profile"))
        self.assertRedirects(redirect, self.edit_url(self.alice_page), fetch_redirect_response=False)

        self.save_own_bio(self.alice_page, "<p>Pending.</p>")
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, 'data-profile-status="in_review"')


class FacultyCannotDoAnythingElse(ProfileEditingTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_other_profile_edit_view_get_and_post(self):
        self.assert_denied(self.client.get(self.edit_url(self.bob_page)))
        self.assert_denied(self.client.post(self.edit_url(self.bob_page), {"bio": rich_text("<p>Defaced.</p>")}))
        page = FacultyPage.objects.get(pk=self.bob_page.pk)
        self.assertEqual(page.get_latest_revision_as_object().bio, "<p>Bob.</p>")
        self.assertFalse(page.workflow_states.exists())

    def test_other_page_types(self):
        for page in (self.program, self.people, self.home):
            with self.subTest(page=page.title):
                self.assert_denied(self.client.get(self.edit_url(page)))
                self.assert_denied(self.client.post(self.edit_url(page), {"title": "Defaced"}))
        self.assertEqual(ProgramPage.objects.get(pk=self.program.pk).title, "Primary Care Track")

    def test_page_actions_on_own_profile(self):
        own = self.alice_page.pk
        urls = {
            "delete": reverse("wagtailadmin_pages:delete", args=[own]),
            "move": reverse("wagtailadmin_pages:move", args=[own]),
            "unpublish": reverse("wagtailadmin_pages:unpublish", args=[own]),
            "copy": reverse("wagtailadmin_pages:copy", args=[own]),
            "lock": reverse("wagtailadmin_pages:lock", args=[own]),
            "privacy": reverse("wagtailadmin_pages:set_privacy", args=[own]),
        }
        for action, url in urls.items():
            with self.subTest(action=action):
                self.assert_denied(self.client.post(url, {"new_title": "Copy", "new_slug": "copy"}))
        page = FacultyPage.objects.get(pk=own)
        self.assertTrue(page.live)
        self.assertEqual(page.get_parent().pk, self.people.pk)
        self.assertFalse(page.locked)
        self.assertEqual(FacultyPage.objects.filter(first_name="Alice").count(), 1)

    def test_add_views(self):
        self.assert_denied(self.client.get(reverse("wagtailadmin_pages:add_subpage", args=[self.people.pk])))
        add = reverse("wagtailadmin_pages:add", args=["people", "facultypage", self.people.pk])
        self.assert_denied(self.client.get(add))
        self.assert_denied(self.client.post(add, {"title": "New", "first_name": "N", "last_name": "N", "slug": "new"}))
        self.assertFalse(FacultyPage.objects.filter(slug="new").exists())

    def test_history_revisions_and_compare_of_another_profile(self):
        bob = self.bob_page.pk
        revision = self.bob_page.latest_revision
        urls = [
            reverse("wagtailadmin_pages:history", args=[bob]),
            reverse("wagtailadmin_pages:revisions_index", args=[bob]),
            reverse("wagtailadmin_pages:revisions_view", args=[bob, revision.pk]),
            reverse("wagtailadmin_pages:revisions_compare", args=[bob, "earliest", "latest"]),
            reverse("wagtailadmin_pages:workflow_history", args=[bob]),
            reverse("wagtailadmin_pages:view_draft", args=[bob]),
            reverse("wagtailadmin_pages:preview_on_edit", args=[bob]),
            reverse("wagtailadmin_pages:revisions_revert", args=[bob, revision.pk]),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (302, 403, 404))
                self.assertNotContains(response, "Bob.", status_code=response.status_code)

    def test_image_views_for_images_outside_their_collection(self):
        image = self.private_image.pk
        for url in (
            reverse("wagtailimages:edit", args=[image]),
            reverse("wagtailimages:delete", args=[image]),
            reverse("wagtailimages:preview", args=[image, "fill-100x100"]),
        ):
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, (302, 403, 404))
        chooser = self.client.get(reverse("wagtailimages_chooser:choose"))
        self.assertEqual(chooser.status_code, 200)
        self.assertNotContains(chooser, "Campus at dusk")
        self.assertNotContains(chooser, "Hero")

    def test_admin_areas_for_communications_only(self):
        for url in (
            reverse("wagtailadmin_explore_root"),
            reverse("wagtailsettings:edit", args=["core", "contactsettings"]),
            reverse("wagtailusers_users:index"),
            reverse("people_invite", args=[self.bob_page.pk]),
        ):
            with self.subTest(url=url):
                self.assert_denied(self.client.get(url))

    def test_user_without_linked_profile_gets_no_profile(self):
        make_user("nolink", FACULTY_GROUP)
        self.client.force_login(User.objects.get(username="nolink"))
        self.assertNotContains(self.client.get(reverse("wagtailadmin_home")), "Edit my profile")
        self.assert_denied(self.client.get(reverse("people_my_profile")))

    def test_leaving_the_faculty_group_revokes_editing(self):
        self.alice.groups.clear()
        self.assert_denied(self.client.get(self.edit_url(self.alice_page)))


class CommunicationsReview(ProfileEditingTestCase):
    def faculty_submits(self, bio):
        self.client.force_login(self.alice)
        self.save_own_bio(self.alice_page, bio)
        self.client.logout()
        return FacultyPage.objects.get(pk=self.alice_page.pk)

    def workflow_action(self, page, action, comment=""):
        task_state = page.current_workflow_task_state
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
        return self.client.post(url, {"comment": comment} if comment else {})

    def test_approval_makes_the_change_live(self):
        page = self.faculty_submits("<p>Approved bio.</p>")
        self.client.force_login(self.comms)
        response = self.workflow_action(page, "approve")
        self.assertIn(response.status_code, (200, 302))
        page.refresh_from_db()
        self.assertIn("Approved bio.", page.bio)
        self.assertFalse(page.has_unpublished_changes)
        self.assertEqual(page.workflow_states.get().status, WorkflowState.STATUS_APPROVED)
        self.assertContains(self.client.get(page.url), "Approved bio.")

    def test_requested_changes_show_the_comment_and_resubmit_on_save(self):
        page = self.faculty_submits("<p>Too long bio.</p>")
        self.client.force_login(self.comms)
        self.workflow_action(page, "reject", comment="Please shorten it to three sentences.")
        self.assertEqual(page.workflow_states.get().status, WorkflowState.STATUS_NEEDS_CHANGES)

        self.client.force_login(self.alice)
        dashboard = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(dashboard, 'data-profile-status="changes_requested"')
        self.assertContains(dashboard, "Please shorten it to three sentences.")

        self.save_own_bio(self.alice_page, "<p>Short bio.</p>")
        state = page.workflow_states.get()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(FacultyPage.objects.get(pk=page.pk).bio, "<p>Original bio.</p>")

    def test_communications_can_edit_every_field_and_publish(self):
        self.client.force_login(self.comms)
        response = self.client.get(self.edit_url(self.bob_page))
        self.assertEqual(response.status_code, 200)
        self.assertIn("first_name", response.context["form"].fields)
        self.assertIn("user", response.context["form"].fields)
        self.assertEqual(self.client.get(reverse("wagtailadmin_explore", args=[self.people.pk])).status_code, 200)
        settings_url = reverse("wagtailsettings:edit", args=["core", "contactsettings"])
        self.assertEqual(self.client.get(settings_url, follow=True).status_code, 200)

    def test_communications_can_compare_and_roll_back(self):
        page = self.faculty_submits("<p>Second version.</p>")
        self.client.force_login(self.comms)
        first = page.revisions.order_by("created_at").first()
        compare = reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, first.pk, "latest"])
        response = self.client.get(compare)
        self.assertContains(response, "Second version.")
        revert = self.client.get(reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, first.pk]))
        self.assertEqual(revert.status_code, 200)
        self.assertContains(revert, "Original bio.")

    def test_account_link_survives_publishing_an_old_revision(self):
        old_revision = self.bob_page.latest_revision
        FacultyPage.objects.filter(pk=self.bob_page.pk).update(user=None)
        old_revision.publish()
        self.assertIsNone(FacultyPage.objects.get(pk=self.bob_page.pk).user_id)


class InviteFaculty(ProfileEditingTestCase):
    def test_command_creates_links_and_emails(self):
        unlinked = publish(
            self.people.add_child(instance=FacultyPage(title="Dana Diaz", first_name="Dana", last_name="Diaz"))
        )
        with self.captureOnCommitCallbacks(execute=True):
            call_command("invite_faculty", "Dana.Diaz@Example.org", unlinked.slug, stdout=io.StringIO())
        user = User.objects.get(email="dana.diaz@example.org")
        self.assertFalse(user.has_usable_password())
        self.assertTrue(user.groups.filter(name=FACULTY_GROUP).exists())
        self.assertEqual(FacultyPage.objects.get(pk=unlinked.pk).user_id, user.pk)
        self.assertEqual(mail.outbox[-1].to, ["dana.diaz@example.org"])
        self.assertIn("/admin/password_reset/confirm/", mail.outbox[-1].body)

        self.client.force_login(user)
        self.assertEqual(self.client.get(self.edit_url(unlinked)).status_code, 200)

    def test_command_refuses_bad_input_clearly(self):
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "No faculty or resident profile"):
            call_command("invite_faculty", "x@example.org", "nobody")
        with self.assertRaisesMessage(CommandError, "not a valid email"):
            call_command("invite_faculty", "not-an-email", self.bob_page.slug)
        with self.assertRaisesMessage(CommandError, "already linked to another account"):
            call_command("invite_faculty", "someone@example.org", self.bob_page.slug)
        with self.assertRaisesMessage(CommandError, "already linked to the profile"):
            unlinked = self.people.add_child(instance=FacultyPage(title="Eve E", first_name="Eve", last_name="E"))
            call_command("invite_faculty", self.alice.email, unlinked.slug)

    def test_admin_invite_view(self):
        unlinked = self.people.add_child(instance=FacultyPage(title="Finn F", first_name="Finn", last_name="F"))
        self.client.force_login(self.comms)
        url = reverse("people_invite", args=[unlinked.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"email": "finn@example.org"})
        self.assertRedirects(response, self.edit_url(unlinked), fetch_redirect_response=False)
        self.assertEqual(FacultyPage.objects.get(pk=unlinked.pk).user.email, "finn@example.org")
        bad = self.client.post(url, {"email": "nope"})
        self.assertEqual(bad.status_code, 200)
