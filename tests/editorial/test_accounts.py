"""Linking accounts to profiles: invitations, and the Profile accounts screens Communications use."""

import io

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from wagtail.models import Revision

from editorial.models import ProfileAccount
from editorial.roles import FACULTY_GROUP
from people.models import FacultyPage
from tests.editorial.utils import ProfileTestCase, make_user, publish
from tests.utils import is_refused

User = get_user_model()


class Invitations(ProfileTestCase):
    def unlinked(self, first_name="Dana", last_name="Diaz"):
        page = FacultyPage(title=f"{first_name} {last_name}", first_name=first_name, last_name=last_name)
        return publish(self.people.add_child(instance=page))

    def test_the_command_creates_the_account_links_it_and_emails_a_set_password_link(self):
        page = self.unlinked()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("invite_faculty", "Dana.Diaz@Example.org", page.slug, stdout=io.StringIO())
        user = User.objects.get(email="dana.diaz@example.org")
        self.assertFalse(user.has_usable_password())
        self.assertTrue(user.groups.filter(name=FACULTY_GROUP).exists())
        self.assertEqual(ProfileAccount.objects.get(user=user).page_id, page.pk)
        message = mail.outbox[-1]
        self.assertEqual(message.to, ["dana.diaz@example.org"])
        # Links point at the site people use (WAGTAILADMIN_BASE_URL), not wherever the command ran.
        self.assertIn("http://testserver/admin/password_reset/confirm/", message.body)
        self.assertIn("My profile", message.body)

        self.client.force_login(user)
        self.assertEqual(self.client.get(reverse("editorial_my_profile")).status_code, 200)

    def test_the_command_refuses_bad_input_clearly(self):
        with self.assertRaisesMessage(CommandError, "No faculty or resident profile"):
            call_command("invite_faculty", "x@example.org", "nobody")
        with self.assertRaisesMessage(CommandError, "not a valid email"):
            call_command("invite_faculty", "not-an-email", self.bob_page.slug)
        with self.assertRaisesMessage(CommandError, "already linked to another account"):
            call_command("invite_faculty", "someone@example.org", self.bob_page.slug)
        with self.assertRaisesMessage(CommandError, "already linked to the profile"):
            call_command("invite_faculty", self.alice.email, self.unlinked("Eve", "E").slug)
        admin = User.objects.create_superuser("root", "root@example.org", "pw")
        with self.assertRaisesMessage(CommandError, "administrator"):
            call_command("invite_faculty", admin.email, self.unlinked("Finn", "F").slug)

    def test_the_admin_invite_view(self):
        page = self.unlinked("Gus", "G")
        self.client.force_login(self.comms)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.assertContains(edit, "Invite to edit profile")
        url = reverse("editorial_invite", args=[page.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"email": "gus@example.org"})
        self.assertRedirects(
            response, reverse("wagtailadmin_pages:edit", args=[page.pk]), fetch_redirect_response=False
        )
        self.assertEqual(ProfileAccount.objects.get(page=page).user.email, "gus@example.org")
        self.assertContains(
            self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])), "Edited by gus@example.org"
        )
        bad = self.client.post(url, {"email": "nope"})
        self.assertEqual(bad.status_code, 200)
        self.assertContains(bad, "Enter a valid email address")

    def test_faculty_cannot_invite(self):
        self.client.force_login(self.alice)
        url = reverse("editorial_invite", args=[self.bob_page.pk])
        self.assertTrue(is_refused(self.client.get(url)))
        self.assertTrue(is_refused(self.client.post(url, {"email": "x@example.org"})))
        self.assertFalse(User.objects.filter(email="x@example.org").exists())


class ProfileAccounts(ProfileTestCase):
    def setUp(self):
        self.client.force_login(self.comms)
        self.index = reverse("profile_accounts:index")

    def test_communications_list_link_and_unlink_accounts(self):
        listing = self.client.get(self.index)
        self.assertContains(listing, "Alice Avery")
        self.assertContains(listing, "Rita Reyes")

        carl = make_user("carl", FACULTY_GROUP)
        page = publish(
            self.people.add_child(instance=FacultyPage(title="Carl Cole", first_name="Carl", last_name="Cole"))
        )
        response = self.client.post(reverse("profile_accounts:add"), {"page": page.pk, "user": carl.pk})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProfileAccount.objects.get(user=carl).page_id, page.pk)

        account = ProfileAccount.objects.get(user=carl)
        self.client.post(reverse("profile_accounts:delete", args=[account.pk]))
        self.assertFalse(ProfileAccount.objects.filter(user=carl).exists())

    def test_only_profiles_and_ordinary_accounts_can_be_linked(self):
        carl = make_user("carl", FACULTY_GROUP)
        response = self.client.post(reverse("profile_accounts:add"), {"page": self.people.pk, "user": carl.pk})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ProfileAccount.objects.filter(user=carl).exists())
        admin = User.objects.create_superuser("root", "root@example.org", "pw")
        page = publish(self.people.add_child(instance=FacultyPage(title="Dee D", first_name="Dee", last_name="D")))
        response = self.client.post(reverse("profile_accounts:add"), {"page": page.pk, "user": admin.pk})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ProfileAccount.objects.filter(user=admin).exists())
        # One account per profile and one profile per account.
        response = self.client.post(reverse("profile_accounts:add"), {"page": self.alice_page.pk, "user": carl.pk})
        self.assertContains(response, "already exists")

    def test_faculty_cannot_see_or_change_links(self):
        self.client.force_login(self.alice)
        self.assertTrue(is_refused(self.client.get(self.index)))
        account = ProfileAccount.objects.get(user=self.bob)
        response = self.client.post(
            reverse("profile_accounts:edit", args=[account.pk]), {"page": self.bob_page.pk, "user": self.alice.pk}
        )
        self.assertTrue(is_refused(response))
        self.assertEqual(ProfileAccount.objects.get(pk=account.pk).user_id, self.bob.pk)

    def test_the_link_is_not_page_content(self):
        """Publishing or reverting an old revision can neither unlink nor relink a person."""
        old = self.reload(self.alice_page).latest_revision
        self.assertNotIn("user", old.content)
        Revision.objects.get(pk=old.pk).publish()
        self.assertEqual(ProfileAccount.objects.get(page=self.alice_page).user_id, self.alice.pk)
        ProfileAccount.objects.filter(page=self.alice_page).delete()
        Revision.objects.get(pk=old.pk).publish()
        self.assertFalse(ProfileAccount.objects.filter(page=self.alice_page).exists())
