"""A track's facts live on its ProgramPage; empty facts are left out everywhere they are shown."""

from programs.factories import ApplyPageFactory, ClinicSiteIndexPageFactory, ClinicSitePageFactory, ProgramPageFactory
from programs.models import ClinicSitePage
from tests.utils import SiteTestCase, visible_text

NO_FACTS = {
    "positions_per_year": None,
    "positions_are_approximate": False,
    "duration_years": None,
    "structure": "",
    "structure_summary": "",
    "ambulatory_weeks": None,
    "nrmp_program_code": "",
    "eras_program_id": "",
    "visa_policy": "",
    "score_policy": "",
}


class FactsTests(SiteTestCase):
    def test_full_facts_in_order(self):
        self.assertEqual(
            self.tree.track.get_facts(),
            [
                ("Residents per year", "Approximately 7"),
                ("Length", "3 years"),
                ("Schedule", "4+1: one week of continuity clinic every fifth week"),
                ("Continuity clinic sites", "1"),
                ("Ambulatory rotation weeks", "32"),
                ("NRMP program code", self.tree.track.nrmp_program_code),
                ("Salary", "PGY-1: $71,000; PGY-2: $74,000; PGY-3: $77,000"),
                ("Visas", "J-1 sponsored"),
            ],
        )

    def test_empty_facts_are_left_out(self):
        track = ProgramPageFactory(parent=self.tree.home, **NO_FACTS)
        self.assertEqual(track.get_facts(), [])
        track = ProgramPageFactory(parent=self.tree.home, **{**NO_FACTS, "positions_per_year": 12, "structure": "4+1"})
        self.assertEqual(track.get_facts(), [("Residents per year", "12"), ("Schedule", "4+1")])

    def test_a_track_without_facts_renders_no_facts_section(self):
        track = ProgramPageFactory(parent=self.tree.home, title="Bare Track", **NO_FACTS)
        text = visible_text(self.get_html(track))
        self.assertIn("Bare Track", text)
        for label in ["At a glance", "Residents per year", "NRMP", "Salary", "Visas"]:
            with self.subTest(label=label):
                self.assertNotIn(label, text)

    def test_no_nrmp_code_means_no_nrmp_on_the_track_or_its_apply_page(self):
        track = ProgramPageFactory(parent=self.tree.home, title="Codeless Track", nrmp_program_code="")
        apply = ApplyPageFactory(parent=track)
        for page in (track, apply):
            with self.subTest(page=page.title):
                text = visible_text(self.get_html(page))
                self.assertNotIn("NRMP", text)
                # The track says it in its stats band (its facts box leaves out the headline numbers); the apply
                # page, which has no stats band, in its facts.
                self.assertIn("approximately 7" if page is track else "Approximately 7", text)

    def test_a_one_year_track_lasts_1_year_not_1_years(self):
        # A preliminary-year track is one year long; ProgramPage.duration_years allows 1.
        track = ProgramPageFactory(parent=self.tree.home, duration_years=1)
        self.assertIn(("Length", "1 year"), track.get_facts())

    def test_exact_number_when_not_approximate(self):
        track = ProgramPageFactory(parent=self.tree.home, positions_per_year=8, positions_are_approximate=False)
        self.assertIn(("Residents per year", "8"), track.get_facts())

    def test_continuity_site_count_counts_live_continuity_sites_of_the_track(self):
        track = ProgramPageFactory(parent=self.tree.home)
        index = ClinicSiteIndexPageFactory(parent=track)
        ClinicSitePageFactory(parent=index, programs=[track])
        ClinicSitePageFactory(parent=index, programs=[track])
        ClinicSitePageFactory(parent=index, programs=[track], role=ClinicSitePage.Role.ELECTIVE)
        ClinicSitePageFactory(parent=index, programs=[track], live=False)
        ClinicSitePageFactory(parent=index, programs=[])
        self.assertIn(("Continuity clinic sites", "2"), track.get_facts())

    def test_apply_page_shows_its_tracks_facts(self):
        response = self.client.get(self.tree.apply.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["program"], self.tree.track)
        self.assertEqual(response.context["facts"], self.tree.track.get_facts())
        text = visible_text(response.content.decode())
        for label, value in self.tree.track.get_facts():
            with self.subTest(fact=label):
                self.assertIn(label, text)
                self.assertIn(value, text)
