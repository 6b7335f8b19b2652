import datetime
import re

from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from admissions.models import ContactPage
from core.models import ContactSettings
from home.models import HomePage, StandardPage
from people.factories import FacultyPageFactory
from people.models import PersonIndexPage
from programs.factories import (
    ApplyPageFactory,
    ClinicSiteIndexPageFactory,
    ClinicSitePageFactory,
    CurriculumPageFactory,
    ProgramPageFactory,
)
from programs.models import (
    ApplyPage,
    ApplyTimelineEvent,
    ClinicSiteIndexPage,
    ClinicSitePage,
    CurriculumPage,
    CurriculumRotation,
    ProgramPage,
)
from tests.utils import PageTypeRulesMixin, SiteTestCase, visible_text


def tables(html):
    """The visible text of each <table> in a document."""
    return [visible_text(table) for table in re.findall(r"<table\b.*?</table>", html, flags=re.S | re.I)]


class ProgramPageTests(PageTypeRulesMixin, SiteTestCase):
    model = ProgramPage
    parents = {HomePage}
    subpages = {CurriculumPage, ClinicSiteIndexPage, ApplyPage, PersonIndexPage, StandardPage, ContactPage}

    def test_renders_introduction_mission_and_facts(self):
        track = self.tree.track
        text = visible_text(self.get_html(track))
        for expected in [
            track.title,
            track.introduction,
            track.mission,
            "Residents learn in diverse settings.",
            "Personalized mentorship",
            "residents a year, approximately",
            "4+1",
            "one week of continuity clinic every fifth week",
            "32",
            track.nrmp_program_code,
            "$71,000",
            "J-1 sponsored",
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_links_to_its_sections(self):
        html = self.get_html(self.tree.track)
        for section in [self.tree.curriculum, self.tree.sites_index, self.tree.apply, self.tree.faculty_index]:
            with self.subTest(section=section.title):
                self.assertIn(f'href="{section.url}"', html)

    def test_sections_leave_out_drafts(self):
        self.assertIn(self.tree.wellness.pk, [page.pk for page in self.tree.track.get_sections()])
        self.tree.wellness.unpublish()
        track = ProgramPage.objects.get(pk=self.tree.track.pk)  # sections are remembered for one request
        self.assertNotIn(self.tree.wellness.pk, [page.pk for page in track.get_sections()])

    def test_can_create_with_facts_salaries_and_overview(self):
        self.login()
        data = nested_form_data(
            {
                "title": "Categorical Track",
                "slug": "categorical",
                "short_name": "Categorical",
                "introduction": "The categorical residency.",
                "mission": "",
                "overview": streamfield(
                    [
                        ("heading", {"text": "Overview", "level": "h2"}),
                        ("paragraph", rich_text("<p>Inpatient medicine first.</p>")),
                    ]
                ),
                "distinctive_features": streamfield(
                    [
                        (
                            "features",
                            {
                                "count": "1",
                                "0": {
                                    "value": {"heading": "Retreats", "text": "Two a year."},
                                    "id": "",
                                    "deleted": "",
                                    "order": "0",
                                },
                            },
                        )
                    ]
                ),
                "positions_per_year": "20",
                "duration_years": "3",
                "structure": "4+1",
                "structure_summary": "",
                "ambulatory_weeks": "",
                "nrmp_program_code": "1234140C0",
                "eras_program_id": "",
                "visa_policy": "",
                "score_policy": "",
                "salaries": inline_formset([{"year_label": "PGY-1", "amount": "70000"}]),
                "contacts": inline_formset([]),
            }
        )
        self.assertCanCreate(self.tree.home, ProgramPage, data)
        track = ProgramPage.objects.get(slug="categorical")
        self.assertEqual([(s.year_label, s.amount) for s in track.salaries.all()], [("PGY-1", 70000)])
        self.assertEqual(track.get_facts()[0], ("Residents per year", "20"))
        self.assertEqual(len(track.distinctive_features[0].value), 1)

    def test_is_previewable(self):
        self.assert_previewable(self.tree.track, self.tree.track.introduction, "residents a year, approximately")


class CurriculumPageTests(PageTypeRulesMixin, SiteTestCase):
    model = CurriculumPage
    parents = {ProgramPage}
    subpages = set()

    def test_one_curriculum_per_track(self):
        self.assertFalse(CurriculumPage.can_create_at(self.tree.track))
        other = ProgramPageFactory(parent=self.tree.home)
        self.assertTrue(CurriculumPage.can_create_at(other))

    def test_schedule_groups_rotations_by_year(self):
        schedule = self.tree.curriculum.get_schedule()
        self.assertEqual([year["label"] for year in schedule], ["PGY-1", "PGY-2"])
        self.assertEqual([r.name for r in schedule[0]["rotations"]], ["PCT continuity clinic week", "PCT wards"])
        self.assertEqual(schedule[0]["weeks"], 34)
        totals = {total["kind"]: total["weeks"] for total in self.tree.curriculum.get_totals()}
        self.assertEqual(totals, {"inpatient": 24, "continuity": 10, "ambulatory": 4})

    def test_renders_rotations_in_a_schedule_table(self):
        html = self.get_html(self.tree.curriculum)
        schedule_text = " ".join(tables(html))
        for name in ["PCT continuity clinic week", "PCT wards", "PCT geriatrics"]:
            with self.subTest(rotation=name):
                self.assertIn(name, schedule_text)
        self.assertIn("PGY-1", schedule_text)
        self.assertIn("4+1", visible_text(html))
        self.assertRegex(html, r"<th\b[^>]*\bscope=")

    def test_can_create_with_rotations(self):
        track = ProgramPageFactory(parent=self.tree.home)
        self.login()
        data = nested_form_data(
            {
                "title": "Curriculum",
                "slug": "curriculum",
                "introduction": "Designed for continuity.",
                "cycle_inpatient_weeks": "4",
                "cycle_clinic_weeks": "1",
                "rotations": inline_formset(
                    [
                        {
                            "year": "1",
                            "kind": "continuity",
                            "name": "Continuity clinic",
                            "weeks": "10",
                            "description": "",
                        },
                        {
                            "year": "2",
                            "kind": "elective",
                            "name": "Dermatology",
                            "weeks": "2",
                            "description": "Clinic.",
                        },
                    ],
                    min=1,
                ),
                "body": streamfield([("paragraph", rich_text("<p>Didactics on Wednesdays.</p>"))]),
            }
        )
        self.assertCanCreate(track, CurriculumPage, data)
        curriculum = CurriculumPage.objects.child_of(track).get()
        self.assertEqual(
            [(r.year, r.kind, r.name, r.weeks) for r in curriculum.rotations.all()],
            [(1, "continuity", "Continuity clinic", 10), (2, "elective", "Dermatology", 2)],
        )
        self.assertIn("Dermatology", " ".join(tables(self.get_html(curriculum))))

    def test_factory_adds_generated_rotations(self):
        curriculum = CurriculumPageFactory(parent=ProgramPageFactory(parent=self.tree.home), rotations=7)
        self.assertEqual(CurriculumRotation.objects.filter(page=curriculum).count(), 7)

    def test_is_previewable(self):
        self.assert_previewable(self.tree.curriculum, "PCT wards")


class ClinicSiteIndexPageTests(PageTypeRulesMixin, SiteTestCase):
    model = ClinicSiteIndexPage
    parents = {HomePage, ProgramPage}
    subpages = {ClinicSitePage}

    def test_lists_the_tracks_sites_by_role(self):
        index = self.tree.sites_index
        response = self.client.get(index.url)
        self.assertEqual(response.status_code, 200)
        groups = [(group["label"], group["items"]) for group in response.context["site_groups"]]
        self.assertEqual(
            groups,
            [("Continuity clinic sites", [self.tree.continuity_site]), ("Elective sites", [self.tree.elective_site])],
        )
        text = visible_text(response.content.decode())
        self.assertIn(self.tree.continuity_site.title, text)
        self.assertIn(self.tree.elective_site.title, text)
        self.assertIn(f'href="{self.tree.continuity_site.url}"', response.content.decode())

    def test_leaves_out_drafts_and_other_tracks_sites(self):
        other = ProgramPageFactory(parent=self.tree.home)
        ClinicSitePageFactory(parent=self.tree.sites_index, title="Other Track Clinic", programs=[other])
        ClinicSitePageFactory(
            parent=self.tree.sites_index, title="Draft Clinic", programs=[self.tree.track], live=False
        )
        text = visible_text(self.get_html(self.tree.sites_index))
        self.assertNotIn("Other Track Clinic", text)
        self.assertNotIn("Draft Clinic", text)

    def test_home_level_index_lists_its_own_children(self):
        index = ClinicSiteIndexPageFactory(parent=self.tree.home, title="All clinic sites")
        ClinicSitePageFactory(parent=index, title="Westside Clinic")
        self.assertEqual([site.title for site in index.get_sites()], ["Westside Clinic"])
        self.assertIn("Westside Clinic", visible_text(self.get_html(index)))

    def test_one_index_per_parent(self):
        self.assertFalse(ClinicSiteIndexPage.can_create_at(self.tree.track))

    def test_is_previewable(self):
        self.assert_previewable(self.tree.sites_index, self.tree.continuity_site.title)


class ClinicSitePageTests(PageTypeRulesMixin, SiteTestCase):
    model = ClinicSitePage
    parents = {ClinicSiteIndexPage}
    subpages = set()

    def test_factory_stores_programs(self):
        other = ProgramPageFactory(parent=self.tree.home)
        site = ClinicSitePageFactory(parent=self.tree.sites_index, programs=[self.tree.track, other])
        stored = ClinicSitePage.objects.get(pk=site.pk)
        self.assertEqual(set(stored.programs.all()), {self.tree.track, other})
        self.assertEqual(set(ClinicSitePage.objects.filter(programs=other)), {site})

    def test_renders_kind_address_preceptors_and_tracks(self):
        site = self.tree.continuity_site
        text = visible_text(self.get_html(site))
        for expected in [
            site.title,
            site.introduction,
            "Federally qualified health center (FQHC)",
            site.patients_served,
            "Residents keep a panel of their own patients.",
            site.street_address,
            "Exampleville, CA 90000",
            self.tree.director.full_name,
            self.tree.preceptor.full_name,
            self.tree.track.title,
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_preceptors_are_live_faculty_who_precept_there(self):
        FacultyPageFactory(parent=self.tree.faculty_index, clinic_sites=[self.tree.continuity_site], live=False)
        self.assertEqual(set(self.tree.continuity_site.get_preceptors()), {self.tree.director, self.tree.preceptor})

    def test_can_create_linked_to_tracks(self):
        self.login()
        data = nested_form_data(
            {
                "title": "Harbor Clinic",
                "slug": "harbor-clinic",
                "kind": "lgbtq_hiv",
                "role": "continuity",
                "introduction": "A clinic by the harbor.",
                "patients_served": "",
                "resident_role": rich_text("<p>Residents see their own patients.</p>"),
                "street_address": "1 Harbor Way",
                "address_line_2": "",
                "city": "Exampleville",
                "region": "CA",
                "postal_code": "90001",
                "programs": [str(self.tree.track.pk)],
            }
        )
        data["programs"] = str(self.tree.track.pk)
        self.assertCanCreate(self.tree.sites_index, ClinicSitePage, data)
        site = ClinicSitePage.objects.get(slug="harbor-clinic")
        self.assertEqual(list(site.programs.all()), [self.tree.track])
        self.assertIn(site, self.tree.track.live_continuity_sites())

    def test_is_previewable(self):
        self.assert_previewable(self.tree.continuity_site, self.tree.continuity_site.introduction)


class ApplyPageTests(PageTypeRulesMixin, SiteTestCase):
    model = ApplyPage
    parents = {ProgramPage}
    subpages = set()

    def test_renders_timeline_facts_and_faq(self):
        track = self.tree.track
        html = self.get_html(self.tree.apply)
        text = visible_text(html)
        for expected in [
            self.tree.apply.introduction,
            "Submit your application through ERAS.",
            "PCT: ERAS opens to applicants",
            "PCT: Interview season",
            "Three letters of recommendation.",
            "Can I apply to more than one track?",
            track.nrmp_program_code,
            "Approximately 7",
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertIn(ContactSettings.load().eras_url, html)
        self.assertRegex(html, r'<time\b[^>]*datetime="2026-06-01"')

    def test_timeline_is_in_date_order_and_marks_past_events(self):
        apply = ApplyPageFactory(
            parent=ProgramPageFactory(parent=self.tree.home),
            timeline=[
                {"date": datetime.date(2026, 9, 1), "title": "Later"},
                {"date": datetime.date(2026, 1, 1), "end_date": datetime.date(2026, 2, 1), "title": "Earlier"},
            ],
        )
        events = apply.get_timeline(today=datetime.date(2026, 3, 1))
        self.assertEqual([(e.title, e.is_past) for e in events], [("Earlier", True), ("Later", False)])

    def test_end_date_before_start_date_is_rejected(self):
        event = ApplyTimelineEvent(
            page=self.tree.apply, date=datetime.date(2026, 9, 2), end_date=datetime.date(2026, 9, 1), title="Bad"
        )
        with self.assertRaises(ValidationError) as caught:
            event.full_clean()
        self.assertIn("end_date", caught.exception.message_dict)

    def test_one_apply_page_per_track(self):
        self.assertFalse(ApplyPage.can_create_at(self.tree.track))

    def test_can_create_with_timeline_and_faq(self):
        track = ProgramPageFactory(parent=self.tree.home)
        self.login()
        data = nested_form_data(
            {
                "title": "How to apply",
                "slug": "apply",
                "introduction": "Apply through ERAS.",
                "how_to_apply": rich_text("<p>Use ERAS.</p>"),
                "requirements": rich_text(""),
                "timeline": inline_formset(
                    [
                        {
                            "date": "2026-09-01",
                            "end_date": "",
                            "title": "ERAS opens",
                            "description": "",
                            "milestone": "applications_open",
                        },
                        {
                            "date": "2026-10-15",
                            "end_date": "2027-01-31",
                            "title": "Interviews",
                            "description": "",
                            "milestone": "",
                        },
                    ]
                ),
                "open_houses": inline_formset(
                    [
                        {
                            "title": "Virtual open house",
                            "date": "2026-09-17",
                            "start_time": "17:00",
                            "end_time": "18:30",
                            "time_zone": "America/Chicago",
                            "format": "virtual",
                            "location": "",
                            "registration_url": "https://example.org/register",
                            "capacity": "0",
                            "description": "Meet the residents.",
                        }
                    ]
                ),
                "faq": streamfield(
                    [("question", {"question": "Do you sponsor visas?", "answer": rich_text("<p>J-1 only.</p>")})]
                ),
            }
        )
        self.assertCanCreate(track, ApplyPage, data)
        apply = ApplyPage.objects.child_of(track).get()
        self.assertEqual([event.title for event in apply.get_timeline()], ["ERAS opens", "Interviews"])
        (open_house,) = apply.get_open_houses()
        self.assertEqual(open_house.starts_at.isoformat(), "2026-09-17T17:00:00-05:00")
        text = visible_text(self.get_html(apply))
        self.assertIn("Do you sponsor visas?", text)
        self.assertIn("Virtual open house", text)

    def test_is_previewable(self):
        self.assert_previewable(self.tree.apply, "PCT: ERAS opens to applicants")
