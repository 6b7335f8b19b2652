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
