"""My profile: a person changes their own bio and photo, and nothing goes live until Communications approves."""

from pathlib import Path

from django.conf import settings
from django.core import mail
from django.urls import reverse
from wagtail.models import Revision, WorkflowState

from core.models import CustomImage
from editorial.models import ProfileDraft
from editorial.roles import PHOTO_COLLECTION
from tests.editorial.utils import ProfileTestCase, make_user, photo_upload
from tests.utils import parse_tags

MY_PROFILE = reverse("editorial_my_profile")


class TheScreen(ProfileTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_the_form_has_exactly_the_bio_and_a_photo_with_its_description(self):
        response = self.client.get(MY_PROFILE)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].fields), {"bio", "photo", "alt_text"})
        form = next(tag for tag in parse_tags(response.content.decode()) if tag["attrs"].get("action") == MY_PROFILE)
        self.assertEqual(form["attrs"]["enctype"], "multipart/form-data")
        inputs = {
            tag["attrs"].get("name")
            for tag in parse_tags(response.content.decode())
            if tag["tag"] in ("input", "textarea", "select") and tag["attrs"].get("type") not in ("hidden",)
        }
        self.assertEqual(inputs - {None, "q"}, {"bio", "photo", "alt_text"})
        # No autosave: nothing on the screen saves while the person types.
        self.assertNotContains(response, "w-autosave")

    def test_it_starts_from_the_live_bio_as_plain_text_and_shows_the_live_profile(self):
        response = self.client.get(MY_PROFILE)
        self.assertEqual(response.context["form"].initial["bio"], "Original bio.")
        self.assertContains(response, 'data-profile-status="published"')
        self.assertContains(response, "Your profile on the website now")

    def test_the_dashboard_and_menu_lead_to_my_profile(self):
        dashboard = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(dashboard, 'data-profile-status="published"')
        self.assertContains(dashboard, MY_PROFILE)

    def test_a_resident_gets_the_same_screen(self):
        self.client.force_login(self.rita)
        self.assertEqual(self.client.get(MY_PROFILE).status_code, 200)
        self.my_profile(bio="Rita's new bio.", graduation_year="2020")
        page = self.reload(self.rita_page)
        self.assertEqual(page.get_latest_revision_as_object().graduation_year, 2028)
        self.assertEqual(self.workflow_states(page).get().status, WorkflowState.STATUS_IN_PROGRESS)

    def test_someone_without_a_linked_profile_is_told_so(self):
        self.client.force_login(make_user("nolink", "Faculty"))
        response = self.client.get(MY_PROFILE)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "no profile is linked to your account", status_code=403)

    def test_leaving_the_faculty_group_ends_access(self):
        self.alice.groups.clear()
        # Without the role there is no admin access at all: Wagtail sends them to sign in.
        self.assertRedirects(self.client.get(MY_PROFILE), f"{reverse('wagtailadmin_login')}?next={MY_PROFILE}")
        self.assertEqual(self.my_profile(bio="Sneaky.").status_code, 302)
        self.assertFalse(self.workflow_states(self.alice_page).exists())


class Submitting(ProfileTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_submit_makes_one_revision_by_the_person_and_starts_review(self):
        before = Revision.objects.for_instance(self.alice_page).count()
        response = self.my_profile(bio="A new bio.\n\nWith **two** paragraphs and a [link](https://example.org).")
        self.assertRedirects(response, MY_PROFILE, fetch_redirect_response=False)

        page = self.reload(self.alice_page)
        self.assertEqual(Revision.objects.for_instance(page).count(), before + 1)
        revision = page.latest_revision
        self.assertEqual(revision.user, self.alice)
        submitted = revision.as_object()
        self.assertEqual(
            submitted.bio,
            '<p>A new bio.</p><p>With <b>two</b> paragraphs and a <a href="https://example.org">link</a>.</p>',
        )
        # Every other field is the latest revision's.
        self.assertEqual((submitted.title, submitted.roles, submitted.slug), ("Alice Avery", "Preceptor", page.slug))
        state = self.workflow_states(page).get()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(state.current_task_state.revision, revision)
        # Live page untouched; reviewers are told.
        self.assertEqual(page.bio, "<p>Original bio.</p>")
        self.assertNotContains(self.client.get(page.url), "A new bio.")
        self.assertTrue(any(self.comms.email in message.to for message in mail.outbox))
        self.assertContains(self.client.get(MY_PROFILE), 'data-profile-status="in_review"')

    def test_it_builds_on_the_latest_revision_not_the_live_page(self):
        draft = self.reload(self.alice_page)
        draft.roles = "Associate Program Director"
        draft.save_revision(user=self.comms)
        self.my_profile(bio="Bio on top of a draft.")
        submitted = self.reload(self.alice_page).get_latest_revision_as_object()
        self.assertEqual(submitted.roles, "Associate Program Director")
        self.assertIn("Bio on top of a draft.", submitted.bio)

    def test_crafted_fields_are_ignored(self):
        self.my_profile(
            bio="Bio.",
            title="Hacked",
            slug="hacked",
            first_name="Mallory",
            roles="Program Director",
            is_leadership="on",
            programs=[self.program.pk],
            seo_title="Hacked",
            go_live_at="2020-01-01 00:00",
            **{"action-publish": "action-publish"},
        )
        page = self.reload(self.alice_page)
        for obj in (page, page.get_latest_revision_as_object()):
            fields = (obj.title, obj.slug, obj.first_name, obj.roles)
            self.assertEqual(fields, ("Alice Avery", "alice-avery", "Alice", "Preceptor"))
            self.assertFalse(obj.is_leadership)
            self.assertEqual(obj.seo_title, "")
            self.assertIsNone(obj.go_live_at)
        self.assertEqual(page.bio, "<p>Original bio.</p>")

    def test_typed_markup_cannot_inject_html(self):
        self.my_profile(bio='<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">hi</b>')
        bio = self.reload(self.alice_page).get_latest_revision_as_object().bio
        self.assertNotIn("<script", bio)
        self.assertNotIn("<b onclick", bio)
        self.assertNotIn('href="javascript', bio)
        self.assertIn("&lt;script&gt;", bio)

    def test_submitting_the_same_bio_sends_nothing(self):
        response = self.my_profile(bio="Original bio.")
        self.assertRedirects(response, MY_PROFILE, fetch_redirect_response=False)
        self.assertFalse(self.workflow_states(self.alice_page).exists())
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertIn("nothing was sent for review", messages[0])

    def test_submitting_again_while_in_review_replaces_the_pending_change(self):
        self.my_profile(bio="First try.")
        first = self.workflow_states(self.alice_page).get()
        self.my_profile(bio="Second, better try.")
        states = self.workflow_states(self.alice_page).order_by("created_at")
        self.assertEqual([s.status for s in states], [WorkflowState.STATUS_CANCELLED, WorkflowState.STATUS_IN_PROGRESS])
        self.assertEqual(states[0].pk, first.pk)
        pending = states[1].current_task_state.revision.as_object()
        self.assertIn("Second, better try.", pending.bio)
        # Never locked out: the screen still opens and accepts a third change.
        self.assertEqual(self.client.get(MY_PROFILE).status_code, 200)
        self.my_profile(bio="Third.")
        self.assertEqual(self.workflow_states(self.alice_page).filter(status="in_progress").count(), 1)

    def test_approval_publishes_it(self):
        self.my_profile(bio="Approved bio.")
        mail.outbox.clear()
        self.review(self.alice_page, "approve")
        self.assertTrue(any(self.alice.email in message.to for message in mail.outbox), "the person is told")
        page = self.reload(self.alice_page)
        self.assertEqual(page.bio, "<p>Approved bio.</p>")
        self.assertContains(self.client.get(page.url), "Approved bio.")
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(MY_PROFILE), 'data-profile-status="published"')

    def test_requested_changes_show_the_comment_and_the_next_submit_resumes_review(self):
        self.my_profile(bio="Too long.")
        self.review(self.alice_page, "reject", comment="Please shorten it to three sentences.")
        self.assertEqual(self.workflow_states(self.alice_page).get().status, WorkflowState.STATUS_NEEDS_CHANGES)
        # The person is emailed; the email's "edit the page" link lands on My profile for them.
        rejection = [m for m in mail.outbox if self.alice.email in m.to][-1]
        self.assertIn("Please shorten it to three sentences.", rejection.body)
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.alice_page.pk])
        self.assertIn(edit_url, rejection.body)
        self.client.force_login(self.alice)
        self.assertRedirects(self.client.get(edit_url), MY_PROFILE)

        screen = self.client.get(MY_PROFILE)
        self.assertContains(screen, 'data-profile-status="changes_requested"')
        self.assertContains(screen, "Please shorten it to three sentences.")
        self.assertContains(screen, "Casey Comms")
        self.assertContains(self.client.get(reverse("wagtailadmin_home")), "Please shorten it to three sentences.")

        self.my_profile(bio="Short.")
        state = self.workflow_states(self.alice_page).get()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertIn("Short.", state.current_task_state.revision.as_object().bio)
        self.assertEqual(self.reload(self.alice_page).bio, "<p>Original bio.</p>")


class Photos(ProfileTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_a_new_photo_is_a_new_private_image_recorded_as_theirs(self):
        response = self.my_profile(bio="Original bio.", photo=photo_upload(), alt_text="Alice smiling in clinic")
        self.assertRedirects(response, MY_PROFILE, fetch_redirect_response=False)
        image = CustomImage.objects.get(uploaded_by_user=self.alice)
        self.assertEqual(image.collection.name, PHOTO_COLLECTION)
        self.assertEqual(image.alt_text, "Alice smiling in clinic")
        self.assertEqual((image.width, image.height), (400, 500))
        # Private, under an unguessable name (48 random characters), not the uploaded one nor the person's.
        self.assertRegex(image.file.name, r"^private/original_images/[\w-]{48}\.jpg$")
        page = self.reload(self.alice_page)
        self.assertIsNone(page.photo_id)  # not live until approved
        self.assertEqual(page.get_latest_revision_as_object().photo_id, image.pk)
        self.assertNotContains(self.client.get(page.url), image.file.name.split("/")[-1].split(".")[0])

        self.review(self.alice_page, "approve")
        self.assertEqual(self.reload(self.alice_page).photo_id, image.pk)

    def test_an_unapproved_photo_is_private_to_its_owner_and_communications_until_approved(self):
        self.my_profile(bio="Original bio.", photo=photo_upload(), alt_text="Alice smiling in clinic")
        image = CustomImage.objects.get(uploaded_by_user=self.alice)
        rendition = image.get_rendition("fill-200x250-c100")
        private_root, media_root = Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)
        self.assertTrue((private_root / image.file.name.removeprefix("private/")).exists())
        self.assertFalse(list(media_root.rglob(Path(image.file.name).stem + "*")))  # nothing in public media
        self.assertTrue(rendition.file.name.startswith("private/images/"))
        urls = [image.file.url, rendition.url]
        self.assertTrue(all(url.startswith("/admin/private-media/") for url in urls), urls)

        def statuses():
            return [self.client.get(url).status_code for url in urls]

        self.assertEqual(statuses(), [200, 200])  # its owner, in their preview
        self.client.logout()
        self.assertEqual(statuses(), [404, 404])  # anonymous: not even whether it exists
        self.client.force_login(make_user("dana", "Faculty"))
        self.assertEqual(statuses(), [404, 404])  # another faculty member
        self.client.force_login(self.comms)
        self.assertEqual(statuses(), [200, 200])  # Communications, reviewing it

        with self.captureOnCommitCallbacks(execute=True):  # the private copies are deleted once approval commits
            self.review(self.alice_page, "approve")
        image.refresh_from_db()
        self.assertRegex(image.file.name, r"^original_images/[\w-]{48}\.jpg$")
        self.assertTrue((media_root / image.file.name).exists())
        self.assertTrue(image.file.url.startswith("/media/original_images/"))
        self.assertFalse(list(private_root.rglob(Path(image.file.name).stem + "*")))  # private copies gone
        self.assertFalse(image.renditions.filter(file__startswith="private/").exists())

    def test_a_replaced_pending_photo_is_deleted(self):
        self.my_profile(bio="Original bio.", photo=photo_upload(), alt_text="First")
        first = CustomImage.objects.get(uploaded_by_user=self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.my_profile(bio="Original bio.", photo=photo_upload(), alt_text="Second")
        self.assertFalse(CustomImage.objects.filter(pk=first.pk).exists())
        self.assertFalse((Path(settings.PRIVATE_MEDIA_ROOT) / first.file.name.removeprefix("private/")).exists())
        self.assertEqual(CustomImage.objects.get(uploaded_by_user=self.alice).alt_text, "Second")

    def test_a_rejected_photo_never_goes_live(self):
        self.my_profile(bio="Original bio.", photo=photo_upload(), alt_text="Alice")
        image = CustomImage.objects.get(uploaded_by_user=self.alice)
        self.review(self.alice_page, "reject", comment="Please use a photo without sunglasses.")
        self.assertFalse(CustomImage.objects.filter(pk=image.pk).exists())  # a refused photo is deleted
        self.client.force_login(self.alice)
        # The form no longer offers the returned photo as the current one...
        self.assertIsNone(self.client.get(MY_PROFILE).context["shown_photo"])
        # ...and a resubmission that changes only the bio does not carry it forward.
        self.my_profile(bio="A bio, and no photo change.")
        resubmitted = self.reload(self.alice_page).get_latest_revision_as_object()
        self.assertIsNone(resubmitted.photo_id)
        self.review(self.alice_page, "approve")
        page = self.reload(self.alice_page)
        self.assertIsNone(page.photo_id)
        self.assertIn("A bio, and no photo change.", page.bio)
        self.assertNotContains(self.client.get(page.url), image.file.url)

    def test_the_description_is_required_with_a_photo(self):
        response = self.my_profile(bio="Bio.", photo=photo_upload())
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Describe the photo for people who cannot see it.", status_code=400)
        self.assertFalse(CustomImage.objects.filter(uploaded_by_user=self.alice).exists())
        self.assertFalse(self.workflow_states(self.alice_page).exists())

    def test_a_photo_described_only_by_spaces_is_refused_and_nothing_is_sent(self):
        response = self.my_profile(bio="A new bio.", photo=photo_upload(), alt_text="   ")
        self.assertContains(response, "Describe the photo for people who cannot see it.", status_code=400)
        self.assertContains(response, 'name="alt_text"', status_code=400)
        self.assertFalse(CustomImage.objects.filter(uploaded_by_user=self.alice).exists())
        self.assertFalse(self.workflow_states(self.alice_page).exists())
        self.assertEqual(self.reload(self.alice_page).get_latest_revision_as_object().bio, "<p>Original bio.</p>")

    def test_bad_uploads_get_a_clear_message_and_write_nothing(self):
        cases = {
            "not an image": ("notes.jpg", b"%PDF-1.7 this is not a picture"),
            "at least 320 pixels wide": ("tiny.jpg", None),
        }
        for message, (name, data) in cases.items():
            with self.subTest(message=message):
                from django.core.files.uploadedfile import SimpleUploadedFile

                upload = photo_upload(100, 100, name=name) if data is None else SimpleUploadedFile(name, data)
                response = self.my_profile(bio="Bio.", photo=upload, alt_text="Me")
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(CustomImage.objects.filter(uploaded_by_user=self.alice).exists())
        self.assertFalse(ProfileDraft.objects.exists())
        self.assertEqual(self.reload(self.alice_page).get_latest_revision_as_object().bio, "<p>Original bio.</p>")

    def test_too_many_pixels_is_refused_from_the_header(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.core.test_uploads import huge_png_header

        upload = SimpleUploadedFile("huge.png", huge_png_header(13_300, 13_300), content_type="image/png")
        response = self.my_profile(bio="Bio.", photo=upload, alt_text="Me")
        self.assertContains(response, "13,300 x 13,300 pixels", status_code=400)


class Drafts(ProfileTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_save_draft_keeps_the_change_without_review_or_revision(self):
        revisions = Revision.objects.for_instance(self.alice_page).count()
        response = self.my_profile(action="save", bio="Half-finished thoughts.")
        self.assertRedirects(response, MY_PROFILE, fetch_redirect_response=False)
        self.assertEqual(Revision.objects.for_instance(self.alice_page).count(), revisions)
        self.assertFalse(self.workflow_states(self.alice_page).exists())
        screen = self.client.get(MY_PROFILE)
        self.assertEqual(screen.context["form"].initial["bio"], "Half-finished thoughts.")
        self.assertContains(screen, 'data-profile-status="draft"')

    def test_a_draft_is_never_published_by_someone_else(self):
        self.my_profile(action="save", bio="Unsent draft.")
        page = self.reload(self.alice_page)
        page.save_revision(user=self.comms).publish()
        self.assertNotIn("Unsent draft.", self.reload(self.alice_page).bio)

    def test_the_preview_renders_the_draft_on_the_public_template(self):
        response = self.my_profile(action="preview", bio="Previewed **bio**.")
        self.assertRedirects(response, reverse("editorial_my_profile_preview"), fetch_redirect_response=False)
        frame = self.client.get(reverse("editorial_my_profile_preview"))
        self.assertContains(frame, reverse("editorial_my_profile_preview_page"))
        self.assertContains(frame, "Submit for review")
        page = self.client.get(reverse("editorial_my_profile_preview_page"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Previewed <b>bio</b>.")
        self.assertContains(page, "Alice Avery")
        self.assertEqual(page.headers.get("X-Frame-Options"), "SAMEORIGIN")
        self.assertNotIn("Previewed", self.reload(self.alice_page).bio)

    def test_submit_from_the_preview_sends_the_draft(self):
        self.my_profile(action="preview", bio="From the preview.", photo=photo_upload(), alt_text="Alice")
        self.client.post(reverse("editorial_my_profile_submit_draft"))
        page = self.reload(self.alice_page)
        submitted = page.get_latest_revision_as_object()
        self.assertIn("From the preview.", submitted.bio)
        self.assertIsNotNone(submitted.photo_id)
        self.assertFalse(ProfileDraft.objects.exists())
        self.assertEqual(self.workflow_states(page).get().status, WorkflowState.STATUS_IN_PROGRESS)

    def test_a_newer_unsent_photo_replaces_the_older_one(self):
        self.my_profile(action="save", bio="Bio.", photo=photo_upload(), alt_text="First")
        first = CustomImage.objects.get(uploaded_by_user=self.alice)
        self.my_profile(action="save", bio="Bio.", photo=photo_upload(image_format="PNG"), alt_text="Second")
        self.assertFalse(CustomImage.objects.filter(pk=first.pk).exists())
        self.assertEqual(ProfileDraft.objects.get().photo.alt_text, "Second")

    def test_saving_what_is_already_there_keeps_no_draft(self):
        self.my_profile(action="save", bio="Original bio.")
        self.assertFalse(ProfileDraft.objects.exists())
