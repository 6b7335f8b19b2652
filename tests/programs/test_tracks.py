"""A second track is a page that staff add: it gets its own people, sites and facts from shared pools."""

from people.factories import FacultyPageFactory, ResidentPageFactory
from programs.factories import ClinicSitePageFactory
from programs.models import ClinicSitePage
from tests.utils import CURRENT_CLASS_YEAR, SiteTestCase, build_track, visible_text


class MultiTrackTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        cls.cat = build_track(
            tree.home,
            title="Categorical Track",
            short_name="CAT",
            positions_per_year=24,
            positions_are_approximate=False,
            structure="4+1",
            structure_summary="",
            ambulatory_weeks=20,
            nrmp_program_code="1234140C1",
            visa_policy="J-1 and H-1B sponsored",
        )
        cls.pct = tree.pct
        # One site and one faculty member shared by both tracks.
        cls.shared_site = ClinicSitePageFactory(
            parent=tree.sites_index,
            title="Shared Medical Office",
            kind=ClinicSitePage.Kind.HOSPITAL_PRACTICE,
            programs=[cls.pct.track, cls.cat.track],
        )
        cls.shared_faculty = FacultyPageFactory(
            parent=cls.pct.faculty_index,
            first_name="Shared",
            last_name="Preceptor",
            programs=[cls.pct.track, cls.cat.track],
            clinic_sites=[cls.shared_site],
        )
        # A categorical resident whose page lives under the PCT's index: the track, not the tree, decides.
        cls.cat_resident_elsewhere = ResidentPageFactory(
            parent=cls.pct.residents_index,
            first_name="Elsewhere",
            last_name="Categorical",
            graduation_year=CURRENT_CLASS_YEAR,
            programs=[cls.cat.track],
        )

    def text_of(self, page):
        return visible_text(self.get_html(page))

    def test_each_track_is_listed_on_the_home_page(self):
        text = self.text_of(self.tree.home)
        self.assertIn("Primary Care Track", text)
        self.assertIn("Categorical Track", text)

    def test_people_appear_only_on_their_own_tracks_indexes(self):
        pct_faculty = self.text_of(self.pct.faculty_index)
        cat_faculty = self.text_of(self.cat.faculty_index)
        for person in (self.pct.director, self.pct.preceptor):
            self.assertIn(person.full_name, pct_faculty)
            self.assertNotIn(person.full_name, cat_faculty)
        for person in (self.cat.director, self.cat.preceptor):
            self.assertIn(person.full_name, cat_faculty)
            self.assertNotIn(person.full_name, pct_faculty)

        pct_residents = self.text_of(self.pct.residents_index)
        cat_residents = self.text_of(self.cat.residents_index)
        for person in (self.pct.resident, self.pct.graduate):
            self.assertIn(person.full_name, pct_residents)
            self.assertNotIn(person.full_name, cat_residents)
        for person in (self.cat.resident, self.cat.graduate, self.cat_resident_elsewhere):
            self.assertIn(person.full_name, cat_residents)
            self.assertNotIn(person.full_name, pct_residents)

    def test_a_person_in_both_tracks_appears_on_both(self):
        self.assertIn("Shared Preceptor", self.text_of(self.pct.faculty_index))
        self.assertIn("Shared Preceptor", self.text_of(self.cat.faculty_index))

    def test_a_site_linked_to_both_tracks_appears_on_both_indexes(self):
        pct_sites = self.text_of(self.pct.sites_index)
        cat_sites = self.text_of(self.cat.sites_index)
        self.assertIn("Shared Medical Office", pct_sites)
        self.assertIn("Shared Medical Office", cat_sites)
        self.assertIn(self.pct.continuity_site.title, pct_sites)
        self.assertNotIn(self.pct.continuity_site.title, cat_sites)
        self.assertIn(self.cat.continuity_site.title, cat_sites)
        self.assertNotIn(self.cat.continuity_site.title, pct_sites)

    def test_shared_site_names_both_tracks(self):
        text = self.text_of(self.shared_site)
        self.assertIn("Primary Care Track", text)
        self.assertIn("Categorical Track", text)
        self.assertIn("Shared Preceptor", text)

    def test_continuity_site_counts_are_per_track(self):
        self.assertEqual(self.pct.track.continuity_site_count, 2)
        self.assertEqual(self.cat.track.continuity_site_count, 2)

    def test_each_apply_page_shows_its_own_tracks_facts(self):
        cat_apply = self.text_of(self.cat.apply)
        pct_apply = self.text_of(self.pct.apply)
        self.assertIn("1234140C1", cat_apply)
        self.assertIn("J-1 and H-1B sponsored", cat_apply)
        self.assertIn("24", cat_apply)
        self.assertNotIn("Approximately", cat_apply)
        self.assertNotIn(self.pct.track.nrmp_program_code, cat_apply)
        self.assertIn(self.pct.track.nrmp_program_code, pct_apply)
        self.assertNotIn("1234140C1", pct_apply)
        self.assertIn("CAT: ERAS opens to applicants", cat_apply)
        self.assertNotIn("PCT: ERAS opens to applicants", cat_apply)

    def test_each_curriculum_shows_its_own_rotations(self):
        cat_curriculum = self.text_of(self.cat.curriculum)
        self.assertIn("CAT wards", cat_curriculum)
        self.assertNotIn("PCT wards", cat_curriculum)

    def test_child_pages_know_their_track(self):
        for tree in (self.pct, self.cat):
            for page in (tree.curriculum, tree.sites_index, tree.apply, tree.faculty_index, tree.residents_index):
                with self.subTest(page=page.url):
                    self.assertEqual(type(page).objects.get(pk=page.pk).program, tree.track)
