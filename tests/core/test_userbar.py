"""Editors see Wagtail's userbar, with its accessibility checker, on the public site."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from wagtail.models import Page, Site

from editorial.roles import COMMUNICATIONS_GROUP
from home.models import HomePage, StandardPage


class UserbarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="ub", hero_heading="Hi"))
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
        cls.page = home.add_child(instance=StandardPage(title="Wellness", slug="wellness"))
        cls.editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
        cls.editor.groups.add(Group.objects.get(name=COMMUNICATIONS_GROUP))

    def test_editor_gets_the_accessibility_checker(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.page.url)
        self.assertContains(response, "<wagtail-userbar>")
        self.assertContains(response, 'id="checker-trigger"')
        self.assertContains(response, 'id="checker-axe-configuration"')

    def test_visitors_get_no_userbar(self):
        response = self.client.get(self.page.url)
        self.assertNotContains(response, "wagtail-userbar")
