"""`manage.py load_demo` builds the whole demo site from the seed, and running it again changes nothing."""

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings
from wagtail.models import Page, Revision, Site

from core.models import ContactSettings, CustomImage
from home.models import HomePage
from people.models import FacultyPage, ResidentPage, latest_graduated_class
from tests.utils import all_page_models, normalise, parse_tags, visible_text

pytestmark = pytest.mark.slow

SEED_NAME = "primary-care-track.txt"


def seed_path():
    """The seed: the repository's copy if the loader keeps one, else the shared brief beside the repository."""
    base = Path(settings.BASE_DIR)
    for candidate in (base / "demo" / "seed" / SEED_NAME, base.parent / "shared" / "seed" / SEED_NAME):
        if candidate.exists():
            return candidate
    pytest.fail(f"The seed {SEED_NAME} is neither in demo/seed/ nor in ../shared/seed/.")


def seed_sentences():
    """Every sentence of every non-empty line of the seed, normalised; address lines lose their trailing comma."""
    sentences = []
    for line in seed_path().read_text(encoding="utf-8").splitlines():
        line = normalise(line)
        if not line:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", line):
            sentence = sentence.strip().rstrip(",").strip()
            if sentence:
                sentences.append(sentence)
    return sentences


def snapshot():
    pages = Page.objects.all()
    return {
        "pages": pages.count(),
        "per_type": Counter(
            f"{p.content_type.app_label}.{p.content_type.model}" for p in pages.select_related("content_type")
        ),
        "images": CustomImage.objects.count(),
        "revisions": Revision.objects.count(),
        "page_state": {
            p.pk: (p.title, p.slug, p.url_path, p.live, p.latest_revision_id, p.last_published_at) for p in pages
        },
        "image_state": {i.pk: (i.title, i.file.name, i.alt_text) for i in CustomImage.objects.all()},
    }


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        call_command("load_demo", stdout=cls.output)
        cls.first = snapshot()
        call_command("load_demo", stdout=io.StringIO())
        cls.second = snapshot()

    # Idempotence --------------------------------------------------------------------------------

    def test_second_run_creates_nothing(self):
        self.assertEqual(self.first["pages"], self.second["pages"])
        self.assertEqual(self.first["per_type"], self.second["per_type"])
        self.assertEqual(self.first["images"], self.second["images"])

    def test_second_run_changes_nothing(self):
        self.assertEqual(self.first["revisions"], self.second["revisions"])
        self.assertEqual(self.first["page_state"], self.second["page_state"])
        self.assertEqual(self.first["image_state"], self.second["image_state"])

    def test_no_duplicate_slugs_among_siblings(self):
        keys = Counter((page.path[: -Page.steplen], page.slug) for page in Page.objects.all())
        self.assertEqual([key for key, count in keys.items() if count > 1], [])

    # The tree ----------------------------------------------------------------------------------

    def test_home_page_is_the_default_sites_root(self):
        site = Site.objects.get(is_default_site=True)
        self.assertIsInstance(site.root_page.specific, HomePage)
        self.assertEqual(Page.objects.filter(depth=2).count(), 1)

    def test_on_a_non_default_port_canonical_and_sitemap_urls_use_that_port(self):
        # `make run PORT=8765` exports WAGTAILADMIN_BASE_URL=http://127.0.0.1:8765 before load_demo.
        with override_settings(WAGTAILADMIN_BASE_URL="http://127.0.0.1:8765"):
            call_command("load_demo", stdout=io.StringIO())
        self.assertEqual(Site.objects.get(is_default_site=True).root_url, "http://127.0.0.1:8765")
        home = self.client.get("/", HTTP_HOST="127.0.0.1:8765").content.decode()
        canonical = [t["attrs"]["href"] for t in parse_tags(home) if t["attrs"].get("rel") == "canonical"]
        self.assertEqual(canonical, ["http://127.0.0.1:8765/"])
        sitemap = self.client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8765").content.decode()
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        self.assertGreater(len(locations), 20)
        self.assertEqual([url for url in locations if not url.startswith("http://127.0.0.1:8765/")], [])

    def test_every_page_type_is_used(self):
        missing = [
            model.__name__ for model in all_page_models() if model is not Page and not model.objects.live().exists()
        ]
        self.assertEqual(missing, [])

    def test_people(self):
        self.assertGreaterEqual(FacultyPage.objects.live().count(), 8)
        cutoff = latest_graduated_class()
        current = ResidentPage.objects.live().filter(graduation_year__gt=cutoff)
        self.assertGreaterEqual(current.count(), 12)
        self.assertEqual(set(current.values_list("graduation_year", flat=True)), {cutoff + 1, cutoff + 2, cutoff + 3})
        graduates = ResidentPage.objects.live().filter(graduation_year__lte=cutoff)
        self.assertGreaterEqual(graduates.count(), 6)
        self.assertEqual([g.full_name for g in graduates if not (g.outcome_kind and g.outcome_detail)], [])

    def test_every_person_has_a_photo_with_alt_text(self):
        for model in (FacultyPage, ResidentPage):
            for person in model.objects.live().select_related("photo"):
                with self.subTest(person=person.full_name):
                    self.assertIsNotNone(person.photo)
                    self.assertTrue(person.photo.alt_text.strip())

    def test_contact_settings_hold_the_seeds_address(self):
        contact = ContactSettings.load()
        self.assertEqual(contact.street_address.rstrip(","), "8700 Beverly Blvd.")
        self.assertIn("B113", contact.address_line_2)
        self.assertEqual((contact.city, contact.region, contact.postal_code), ("Los Angeles", "CA", "90048"))
        self.assertTrue(contact.eras_url)

    # Rendering ---------------------------------------------------------------------------------

    def render_all(self):
        texts = {}
        for page in Page.objects.live().filter(depth__gt=1).specific():
            url = page.url
            if url is None:
                continue
            response = self.client.get(url)
            texts[url] = (response.status_code, response.content.decode())
        return texts

    def test_every_live_page_renders_and_every_seed_sentence_is_on_the_site(self):
        rendered = self.render_all()
        failures = {url: status for url, (status, _) in rendered.items() if status != 200}
        self.assertEqual(failures, {})
        site_text = visible_text(" ".join(html for _, html in rendered.values())).casefold()
        missing = [sentence for sentence in seed_sentences() if sentence.casefold() not in site_text]
        self.assertEqual(missing, [], f"Seed sentences not found on any page ({len(rendered)} pages rendered)")
