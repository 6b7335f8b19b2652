"""The site knows its own address: the default Site and WAGTAILADMIN_BASE_URL agree, or production is warned."""

from django.core import checks
from django.test import TestCase, override_settings
from wagtail.models import Site

from core.site_address import check_site_address, set_site_address


class SiteAddressCheckTests(TestCase):
    def setUp(self):
        self.site = Site.objects.get(is_default_site=True)
        self.site.hostname, self.site.port = "localhost", 80
        self.site.save()

    @override_settings(DEBUG=False, WAGTAILADMIN_BASE_URL="https://www.example.org")
    def test_production_is_warned_when_the_site_is_elsewhere(self):
        warnings = check_site_address(databases=["default"])
        self.assertEqual([warning.id for warning in warnings], ["portal.W001"])
        self.assertEqual(warnings[0].level, checks.WARNING)
        self.assertIn("http://localhost", warnings[0].msg)
        self.assertIn("https://www.example.org", warnings[0].msg)

    @override_settings(DEBUG=False, WAGTAILADMIN_BASE_URL="https://www.example.org/")
    def test_no_warning_once_they_agree(self):
        self.assertTrue(set_site_address(self.site, "https://www.example.org/"))
        self.assertEqual((self.site.hostname, self.site.port), ("www.example.org", 443))
        self.assertEqual(check_site_address(databases=["default"]), [])
        self.assertFalse(set_site_address(self.site, "https://www.example.org"))  # nothing to change

    @override_settings(DEBUG=False, WAGTAILADMIN_BASE_URL="http://127.0.0.1:8765")
    def test_a_non_default_port_is_kept(self):
        set_site_address(self.site, "http://127.0.0.1:8765")
        self.assertEqual(Site.objects.get(pk=self.site.pk).root_url, "http://127.0.0.1:8765")
        self.assertEqual(check_site_address(databases=["default"]), [])

    @override_settings(DEBUG=True, WAGTAILADMIN_BASE_URL="https://www.example.org")
    def test_development_and_checks_without_a_database_are_not_warned(self):
        self.assertEqual(check_site_address(databases=["default"]), [])
        with override_settings(DEBUG=False):
            self.assertEqual(check_site_address(databases=None), [])
