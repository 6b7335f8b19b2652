from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from admissions.models import ContactPage
from home.factories import StandardPageFactory
from home.models import HomePage, StandardPage
from people.models import PersonIndexPage
from programs.factories import ProgramPageFactory
from programs.models import ClinicSiteIndexPage, ProgramPage
from tests.utils import PageTypeRulesMixin, SiteTestCase, visible_text


class HomePageTests(PageTypeRulesMixin, SiteTestCase):
    model = HomePage
    parents = {Page}
    subpages = {ProgramPage, PersonIndexPage, ClinicSiteIndexPage, StandardPage, ContactPage}

    def test_only_one_home_page(self):
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_is_the_site_root(self):
        self.assertEqual(self.tree.home.url, "/")

    def test_renders_hero_and_tracks(self):
        home = self.tree.home
        html = self.get_html(home)
        text = visible_text(html)
        self.assertIn(home.hero_heading, text)
        self.assertIn(home.hero_text, text)
        self.assertIn("Welcome to the residency.", text)
        self.assertIn("Primary Care Track", text)
        self.assertIn(f'href="{self.tree.track.url}"', html)

    def test_lists_every_live_track_and_no_draft(self):
        second = ProgramPageFactory(parent=self.tree.home, title="Categorical Track")
        draft = ProgramPageFactory(parent=self.tree.home, title="Draft Track", live=False)
        tracks = list(self.tree.home.get_tracks())
        self.assertIn(second, tracks)
        self.assertNotIn(draft, tracks)
        text = visible_text(self.get_html(self.tree.home))
        self.assertIn("Categorical Track", text)
        self.assertNotIn("Draft Track", text)

    def test_is_previewable(self):
        self.assert_previewable(self.tree.home, self.tree.home.hero_heading)


class StandardPageTests(PageTypeRulesMixin, SiteTestCase):
    model = StandardPage
    parents = {HomePage, StandardPage, ProgramPage}
    subpages = {StandardPage}

    def test_renders_introduction_and_body(self):
        page = self.tree.benefits
        text = visible_text(self.get_html(page))
        self.assertIn("Benefits", text)
        self.assertIn(page.introduction, text)
        self.assertIn("About Benefits", text)
        self.assertIn("The body of Benefits.", text)

    def test_nested_standard_page_renders(self):
        child = StandardPageFactory(parent=self.tree.benefits, title="Parental leave")
        self.assertEqual(child.url, "/benefits/parental-leave/")
        self.assertIn("The body of Parental leave.", visible_text(self.get_html(child)))

    def test_can_create_with_body(self):
        self.login()
        data = nested_form_data(
            {
                "title": "Wellness",
                "slug": "wellness",
                "introduction": "How we look after residents.",
                "body": streamfield(
                    [
                        ("heading", {"text": "Retreats", "level": "h2"}),
                        ("paragraph", rich_text("<p>Two retreats a year.</p>")),
                        ("quote", {"quote": "The retreats matter.", "attribution": "PGY-2"}),
                    ]
                ),
            }
        )
        self.assertCanCreate(self.tree.home, StandardPage, data)
        page = StandardPage.objects.get(slug="wellness")
        self.assertTrue(page.live)
        self.assertEqual([block.block_type for block in page.body], ["heading", "paragraph", "quote"])
        self.assertIn("Two retreats a year.", visible_text(self.get_html(page)))

    def test_is_previewable(self):
        self.assert_previewable(self.tree.benefits, "The body of Benefits.")
