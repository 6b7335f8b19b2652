import re

from django.core.exceptions import ValidationError

from core.factories import CustomImageFactory, SocialLinkFactory, set_contact_settings
from core.models import ContactSettings
from tests.utils import SiteTestCase, parse_tags, visible_text


class CustomImageTests(SiteTestCase):
    def test_factory_makes_an_image_with_alt_text_in_the_root_collection(self):
        image = CustomImageFactory(title="Clinic entrance", alt_text="The clinic's front door")
        self.assertEqual((image.width, image.height), (64, 80))
        self.assertEqual(image.default_alt_text, "The clinic's front door")
        self.assertTrue(image.collection.is_root())

    def test_default_alt_text_falls_back_to_the_title(self):
        image = CustomImageFactory.build(title="A title", alt_text="", description="")
        self.assertEqual(image.default_alt_text, "A title")


class ContactSettingsTests(SiteTestCase):
    def test_address_lines_leave_out_empty_parts(self):
        contact = ContactSettings(street_address="1 Main St", city="Exampleville", region="CA")
        self.assertEqual(contact.address_lines, ["1 Main St", "Exampleville, CA"])

    def test_phone_must_look_like_a_phone_number(self):
        contact = set_contact_settings()
        contact.phone = "call us!"
        with self.assertRaises(ValidationError) as caught:
            contact.full_clean()
        self.assertIn("phone", caught.exception.message_dict)

    def test_footer_shows_contact_details_and_social_links(self):
        SocialLinkFactory(label="Instagram", url="https://instagram.example/residency")
        html = self.get_html(self.tree.benefits)
        text = visible_text(html)
        for expected in ["100 Example Avenue", "Suite 200", "Exampleville, CA 90000", "(310) 555-0100", "Instagram"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertIn("mailto:residency@example.org", html)


class BasePageTests(SiteTestCase):
    def test_title_meta_description_and_card_title(self):
        page = self.tree.benefits
        page.seo_title = "Benefits and salary"
        page.search_description = ""
        page.listing_summary = "What residents are paid and given."
        page.listing_title = "Benefits"
        page.save_revision().publish()
        self.assertEqual(page.card_title, "Benefits")
        self.assertEqual(page.meta_description, "What residents are paid and given.")
        html = self.get_html(page)
        self.assertRegex(html, r"<title>\s*Benefits and salary \| Internal Medicine Residency Program\s*</title>")
        descriptions = [t["attrs"].get("content") for t in parse_tags(html) if t["attrs"].get("name") == "description"]
        self.assertEqual(descriptions, ["What residents are paid and given."])

    def test_unknown_address_is_a_404(self):
        self.assertEqual(self.client.get("/no-such-page/").status_code, 404)
        self.assertEqual(self.client.get(self.tree.track.url + "no-such-child/").status_code, 404)


class ContactLinkTests(SiteTestCase):
    def test_phone_links_carry_the_country_code(self):
        from core.templatetags.navigation_tags import tel_href

        cases = {
            "(310) 555-0100": "tel:+13105550100",
            "310.555.0100": "tel:+13105550100",
            "1-310-555-0100": "tel:+13105550100",
            "+1 (310) 555-0100": "tel:+13105550100",
            "+44 20 7946 0958": "tel:+442079460958",
            "(310) 555-0100 x204": "tel:+13105550100;ext=204",
            "310-555-0100 ext. 7": "tel:+13105550100;ext=7",
            "555-0100": "tel:5550100",
            "": "",
            None: "",
        }
        for written, expected in cases.items():
            with self.subTest(phone=written):
                self.assertEqual(tel_href(written), expected)

    def test_addresses_open_in_the_maps_app(self):
        from urllib.parse import parse_qs, urlsplit

        site = self.tree.continuity_site
        site.phone = "(323) 555-0142"
        site.save_revision().publish()
        parts = urlsplit(site.maps_url)
        self.assertEqual((parts.scheme, parts.netloc, parts.path), ("https", "www.google.com", "/maps/search/"))
        self.assertEqual(
            parse_qs(parts.query),
            {"api": ["1"], "query": [f"{site.title}, {site.street_address}, Exampleville, CA 90000"]},
        )
        html = self.get_html(site)
        self.assertIn('href="tel:+13235550142"', html)
        self.assertIn(f'href="{site.maps_url.replace("&", "&amp;")}"', html)
        self.assertIn("Open in maps", visible_text(html))
        # Nothing is loaded from the maps site: it is a link, not an embedded map.
        self.assertNotIn("<iframe", html)

    def test_phone_bar_and_footer_offer_call_email_and_map(self):
        html = self.get_html(self.tree.benefits)
        bar = html[html.index('<nav class="action-bar"') :]
        for expected in ['href="tel:+13105550100"', 'href="mailto:residency@example.org"', "google.com/maps/search"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, bar)
        self.assertIn(f'href="{self.tree.apply.url}"', bar)  # the first track's apply page, from outside a track


class ApplyLinkTests(SiteTestCase):
    def apply_href(self, page):
        html = self.get_html(page)
        return re.search(r'<a class="button button--apply header-apply" href="([^"]+)"', html).group(1)

    def test_apply_leads_to_the_tracks_own_page_inside_a_track(self):
        from tests.utils import build_track

        other = build_track(self.tree.home, title="Categorical Track", short_name="CAT")
        self.assertEqual(self.apply_href(other.curriculum), other.apply.url)
        self.assertEqual(self.apply_href(self.tree.curriculum), self.tree.apply.url)
        self.assertEqual(self.apply_href(other.apply), other.apply.url)
        self.assertEqual(self.apply_href(other.track), other.apply.url)
        # Outside a track: the first track's, unless the settings choose a page.
        self.assertEqual(self.apply_href(self.tree.benefits), self.tree.apply.url)
        set_contact_settings(apply_page=self.tree.benefits)
        self.assertEqual(self.apply_href(self.tree.home), self.tree.benefits.url)
        self.assertEqual(self.apply_href(other.curriculum), other.apply.url)

    def test_without_an_apply_page_apply_leads_to_eras(self):
        self.tree.apply.unpublish()
        self.assertEqual(
            self.apply_href(self.tree.home), "https://students-residents.aamc.org/applying-residencies-eras"
        )
