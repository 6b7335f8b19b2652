"""The four ways round the old self-service design, each now closed (issue: faculty self-service in a real browser)."""

import json

from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Revision, WorkflowState
from wagtail.test.utils.form_data import rich_text

from core.models import CustomImage
from editorial.roles import FACULTY_GROUP, PHOTO_COLLECTION, ensure_roles, get_photo_collection
from tests.editorial.utils import ProfileTestCase, make_image, photo_upload
from tests.utils import is_refused


class AutosaveCannotSubmit(ProfileTestCase):
    """1. Wagtail 8's editor autosaves as the person types; faculty never reach that editor or its endpoints."""

    def test_the_page_editor_and_its_autosave_refuse_faculty_and_start_nothing(self):
        self.client.force_login(self.alice)
        edit = reverse("wagtailadmin_pages:edit", args=[self.alice_page.pk])
        self.assertTrue(is_refused(self.client.get(edit)))
        # An autosave is a POST to the edit view; so is "Save draft".
        for data in ({"bio": rich_text("<p>Half-typed</p>")}, {"bio": rich_text("<p>Half</p>"), "is_autosave": "1"}):
            self.assertEqual(self.client.post(edit, data).status_code, 403)
        self.assertFalse(WorkflowState.objects.for_instance(self.alice_page).exists())
        self.assertEqual(self.reload(self.alice_page).get_latest_revision_as_object().bio, "<p>Original bio.</p>")

    def test_my_profile_saves_only_when_asked(self):
        self.client.force_login(self.alice)
        revisions = Revision.objects.for_instance(self.alice_page).count()
        self.client.get(reverse("editorial_my_profile"))
        self.assertEqual(Revision.objects.for_instance(self.alice_page).count(), revisions)
        self.assertFalse(WorkflowState.objects.for_instance(self.alice_page).exists())


class RevertCannotReachOtherFields(ProfileTestCase):
    """2. The revert view rebuilt the form on an old revision, bringing back its title, roles and slug."""

    def test_revert_is_refused_and_changes_nothing(self):
        old = self.reload(self.alice_page).latest_revision
        page = self.reload(self.alice_page)
        page.title, page.roles = "Dr. Alice Avery", "Associate Program Director"
        page.save_revision(user=self.comms).publish()

        self.client.force_login(self.alice)
        revert = reverse("wagtailadmin_pages:revisions_revert", args=[self.alice_page.pk, old.pk])
        self.assertTrue(is_refused(self.client.get(revert)))
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.alice_page.pk]),
            {"title": "Alice Avery", "roles": "", "slug": "hijacked", "revision": old.pk, "bio": rich_text("<p>x</p>")},
        )
        self.assertEqual(response.status_code, 403)
        page = self.reload(self.alice_page)
        latest = page.get_latest_revision_as_object()
        for obj in (page, latest):
            self.assertEqual(
                (obj.title, obj.roles, obj.slug), ("Dr. Alice Avery", "Associate Program Director", page.slug)
            )
        self.assertFalse(WorkflowState.objects.for_instance(page).exists())


class LivePhotoFilesCannotBeReplaced(ProfileTestCase):
    """3. An uploader could replace the file of their own image, changing a live portrait with no review."""

    def test_faculty_cannot_edit_or_replace_any_image_file(self):
        photos = get_photo_collection()
        own = make_image("Alice portrait", collection=photos, alt_text="Alice", uploaded_by=self.alice)
        page = self.reload(self.alice_page)
        page.photo = own
        page.save_revision(user=self.comms).publish()
        colleague = make_image("Bob portrait", collection=photos, alt_text="Bob", uploaded_by=self.bob)

        self.client.force_login(self.alice)
        for image in (own, colleague):
            original = CustomImage.objects.get(pk=image.pk).file.name
            url = reverse("wagtailimages:edit", args=[image.pk])
            self.assertTrue(is_refused(self.client.get(url)))
            response = self.client.post(
                url,
                {
                    "title": "Swapped",
                    "alt_text": "Swapped",
                    "collection": photos.pk,
                    "file": photo_upload(name="x.jpg"),
                },
            )
            self.assertEqual(response.status_code, 403)
            image.refresh_from_db()
            self.assertEqual((image.file.name, image.title), (original, image.title))
            self.assertNotEqual(image.title, "Swapped")

    def test_the_faculty_role_holds_no_image_document_or_page_permission(self):
        faculty = Group.objects.get(name=FACULTY_GROUP)
        self.assertEqual(
            sorted(f"{p.content_type.app_label}.{p.codename}" for p in faculty.permissions.all()),
            ["editorial.edit_own_profile", "wagtailadmin.access_admin"],
        )
        self.assertFalse(GroupCollectionPermission.objects.filter(group=faculty).exists())
        self.assertFalse(GroupPagePermission.objects.filter(group=faculty).exists())

    def test_no_other_group_may_change_image_files(self):
        """Wagtail's starter groups (Editors, Moderators) held image rights on every collection; unused, they go."""
        holders = GroupCollectionPermission.objects.filter(permission__codename="change_image")
        self.assertEqual({p.group.name for p in holders}, {"Communications"})

    def test_a_repair_takes_back_what_was_granted_by_hand(self):
        faculty = Group.objects.get(name=FACULTY_GROUP)
        photos = get_photo_collection()
        from django.contrib.auth.models import Permission

        add_image = Permission.objects.get(codename="add_image")
        GroupCollectionPermission.objects.create(group=faculty, collection=photos, permission=add_image)
        faculty.permissions.add(Permission.objects.get(codename="change_contactsettings"))
        ensure_roles()
        self.assertFalse(GroupCollectionPermission.objects.filter(group=faculty).exists())
        self.assertEqual(faculty.permissions.count(), 2)
        self.assertEqual(photos.name, PHOTO_COLLECTION)

    def test_only_communications_can_change_a_submitted_photo(self):
        self.client.force_login(self.alice)
        self.my_profile(bio="Bio.", photo=photo_upload(), alt_text="Alice")
        image = CustomImage.objects.get(uploaded_by_user=self.alice)
        edit = reverse("wagtailimages:edit", args=[image.pk])
        self.assertEqual(self.client.post(edit, {"title": "x", "alt_text": "x"}).status_code, 403)
        self.client.force_login(self.comms)
        self.assertEqual(self.client.get(edit).status_code, 200)


class NothingListsWhatIsNotTheirs(ProfileTestCase):
    """4. The admin API listed every image and document; the page chooser showed draft titles; the workflow
    cancellation view showed another profile's review."""

    def setUp(self):
        make_image("Campus at dusk", alt_text="Campus")
        draft = self.reload(self.bob_page)
        draft.title = "Unpublished new title"
        draft.save_revision(user=self.comms)
        self.client.force_login(self.alice)

    def test_the_admin_api_refuses_faculty(self):
        for name in ("images", "documents", "pages"):
            with self.subTest(name=name):
                response = self.client.get(reverse(f"wagtailadmin_api:{name}:listing"))
                self.assertTrue(is_refused(response))
                self.assertNotIn(b"Campus at dusk", response.content)
                with self.assertRaises((json.JSONDecodeError, ValueError)):
                    json.loads(response.content or b"")

    def test_the_page_chooser_refuses_faculty(self):
        for url in (reverse("wagtailadmin_choose_page"), reverse("wagtailadmin_choose_page_search")):
            response = self.client.get(url, {"q": "Unpublished"})
            self.assertTrue(is_refused(response))
            self.assertNotContains(response, "Unpublished new title", status_code=response.status_code)

    def test_the_workflow_views_of_another_profile_refuse_faculty(self):
        self.client.force_login(self.bob)
        self.my_profile(bio="Bob's change.")
        state = WorkflowState.objects.for_instance(self.bob_page).get()
        self.client.force_login(self.alice)
        for url in (
            reverse("wagtailadmin_pages:workflow_history", args=[self.bob_page.pk]),
            reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[self.bob_page.pk]),
            reverse("wagtailadmin_pages:workflow_history_detail", args=[self.bob_page.pk, state.pk]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertTrue(is_refused(response))
                self.assertNotContains(response, "Bob", status_code=response.status_code)
        self.assertEqual(WorkflowState.objects.get(pk=state.pk).status, WorkflowState.STATUS_IN_PROGRESS)
