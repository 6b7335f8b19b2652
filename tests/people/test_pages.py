import datetime
from unittest import mock

from wagtail.test.utils.form_data import nested_form_data, rich_text

from core.factories import CustomImageFactory
from home.models import HomePage
from people.factories import FacultyPageFactory, PersonIndexPageFactory, ResidentPageFactory
from people.models import FacultyPage, PersonIndexPage, ResidentPage, latest_graduated_class
from programs.factories import ClinicSitePageFactory, ProgramPageFactory
from programs.models import ProgramPage
from tests.utils import CURRENT_CLASS_YEAR, PageTypeRulesMixin, SiteTestCase, parse_tags, visible_text


class PersonIndexPageTests(PageTypeRulesMixin, SiteTestCase):
    model = PersonIndexPage
    parents = {HomePage, ProgramPage}
    subpages = {FacultyPage, ResidentPage}

    def test_faculty_index_lists_leadership_then_faculty_and_no_residents(self):
        response = self.client.get(self.tree.faculty_index.url)
        self.assertEqual(response.status_code, 200)
        groups = [(group["label"], group["items"]) for group in response.context["people_groups"]]
        self.assertEqual(groups, [("Program leadership", [self.tree.director]), ("Faculty", [self.tree.preceptor])])
        html = response.content.decode()
        text = visible_text(html)
        self.assertIn(self.tree.director.full_name, text)
        self.assertIn(f"Director, {self.tree.track.title}", text)
        self.assertIn(self.tree.preceptor.full_name, text)
        self.assertNotIn(self.tree.resident.full_name, text)
        self.assertIn(f'href="{self.tree.director.url}"', html)
        self.assertLess(text.index(self.tree.director.full_name), text.index(self.tree.preceptor.full_name))

    def test_residents_index_lists_classes_and_graduates_with_outcomes(self):
        response = self.client.get(self.tree.residents_index.url)
        self.assertEqual(response.status_code, 200)
        groups = [(group["label"], group["items"]) for group in response.context["people_groups"]]
        self.assertEqual(
            groups,
            [
                (f"Class of {CURRENT_CLASS_YEAR} · {self.tree.resident.pgy_label}", [self.tree.resident]),
                ("Graduates", [self.tree.graduate]),
            ],
        )
        text = visible_text(response.content.decode())
        self.assertIn(f"Class of {CURRENT_CLASS_YEAR}", text)
        self.assertIn(self.tree.resident.full_name, text)
        self.assertIn(self.tree.graduate.full_name, text)
        self.assertIn("Geriatric medicine fellowship, Example University", text)
        self.assertNotIn(self.tree.director.full_name, text)

    def test_lists_people_of_its_track_wherever_they_live(self):
        elsewhere = PersonIndexPageFactory(parent=self.tree.home, title="Everyone")
        guest = FacultyPageFactory(parent=elsewhere, programs=[self.tree.track], last_name="Elsewhere")
        self.assertIn(guest, self.tree.faculty_index.scope(FacultyPage.objects.all()))
        self.assertIn(guest.full_name, visible_text(self.get_html(self.tree.faculty_index)))

    def test_leaves_out_drafts(self):
        draft = FacultyPageFactory(parent=self.tree.faculty_index, programs=[self.tree.track], live=False)
        self.assertNotIn(draft.full_name, visible_text(self.get_html(self.tree.faculty_index)))

    def test_home_level_index_lists_its_own_children(self):
        index = PersonIndexPageFactory(parent=self.tree.home, title="Everyone")
        person = FacultyPageFactory(parent=index)
        resident = ResidentPageFactory(parent=index, graduation_year=CURRENT_CLASS_YEAR)
        self.assertEqual(list(index.scope(FacultyPage.objects.all())), [person])
        self.assertEqual(list(index.scope(ResidentPage.objects.all())), [resident])
        text = visible_text(self.get_html(index))
        self.assertIn(person.full_name, text)
        self.assertIn(resident.full_name, text)
        self.assertNotIn(self.tree.director.full_name, text)

    def test_is_previewable(self):
        self.assert_previewable(self.tree.faculty_index, self.tree.director.full_name)


class FacultyPageTests(PageTypeRulesMixin, SiteTestCase):
    model = FacultyPage
    parents = {PersonIndexPage}
    subpages = set()

    def test_factory_stores_relations(self):
        director = FacultyPage.objects.get(pk=self.tree.director.pk)
        self.assertEqual(list(director.programs.all()), [self.tree.track])
        self.assertEqual(list(director.clinic_sites.all()), [self.tree.continuity_site])
        self.assertEqual({tag.name for tag in director.clinical_interests.all()}, {"HIV primary care", "Geriatrics"})
        self.assertIn(director, FacultyPage.objects.filter(programs=self.tree.track))
        self.assertIsNotNone(director.photo)
        self.assertTrue(director.photo.alt_text)

    def test_renders_profile(self):
        director = self.tree.director
        html = self.get_html(director)
        text = visible_text(html)
        for expected in [
            director.name_with_credentials,
            director.roles,
            f"{director.first_name} {director.last_name} is a fictional person.",
            "HIV primary care",
            "Geriatrics",
            self.tree.continuity_site.title,
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertIn(f'href="{self.tree.continuity_site.url}"', html)
        images = [tag for tag in parse_tags(html) if tag["tag"] == "img"]
        self.assertIn(director.photo.alt_text, [image["attrs"].get("alt") for image in images])

    def test_renders_without_photo_or_interests(self):
        person = FacultyPageFactory(parent=self.tree.faculty_index, photo=None, credentials="", roles="")
        self.assertIn(person.full_name, visible_text(self.get_html(person)))

    def test_can_create_with_tracks_sites_and_interests(self):
        photo = CustomImageFactory()
        self.login()
        data = nested_form_data(
            {
                "title": "Noor Testperson",
                "slug": "noor-testperson",
                "first_name": "Noor",
                "last_name": "Testperson",
                "credentials": "MD, MPH",
                "roles": "Associate Director",
                "photo": str(photo.pk),
                "bio": rich_text("<p>Noor precepts at the health center.</p>"),
                "clinical_interests": "Geriatrics, Palliative care",
                "email": "",
                "user": "",
            }
        )
        data["clinic_sites"] = str(self.tree.continuity_site.pk)
        data["programs"] = str(self.tree.track.pk)
        self.assertCanCreate(self.tree.faculty_index, FacultyPage, data)
        person = FacultyPage.objects.get(slug="noor-testperson")
        self.assertEqual(list(person.programs.all()), [self.tree.track])
        self.assertEqual(list(person.clinic_sites.all()), [self.tree.continuity_site])
        self.assertEqual({tag.name for tag in person.clinical_interests.all()}, {"Geriatrics", "Palliative care"})
        self.assertIn(person, self.tree.faculty_index.scope(FacultyPage.objects.all()))

    def test_is_previewable(self):
        self.assert_previewable(self.tree.director, self.tree.director.roles)


class ResidentPageTests(PageTypeRulesMixin, SiteTestCase):
    model = ResidentPage
    parents = {PersonIndexPage}
    subpages = set()

    def test_renders_profile(self):
        resident = self.tree.resident
        text = visible_text(self.get_html(resident))
        for expected in [
            resident.full_name,
            resident.medical_school,
            resident.interests,
            f"{resident.first_name} loves continuity clinic.",
            self.tree.continuity_site.title,
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_graduate_shows_outcome(self):
        text = visible_text(self.get_html(self.tree.graduate))
        self.assertIn("Geriatric medicine fellowship, Example University", text)

    def test_graduate_without_detail_shows_the_kind_of_outcome(self):
        graduate = ResidentPageFactory(
            parent=self.tree.residents_index,
            graduation_year=latest_graduated_class() - 2,
            programs=[self.tree.track],
            outcome_kind=ResidentPage.Outcome.HOSPITAL_MEDICINE,
        )
        self.assertIn("Hospital medicine", visible_text(self.get_html(graduate)))
        self.assertIn("Hospital medicine", visible_text(self.get_html(self.tree.residents_index)))

    def test_factory_stores_programs(self):
        other = ProgramPageFactory(parent=self.tree.home)
        site = ClinicSitePageFactory(parent=self.tree.sites_index)
        resident = ResidentPageFactory(
            parent=self.tree.residents_index, programs=[self.tree.track, other], continuity_site=site
        )
        stored = ResidentPage.objects.get(pk=resident.pk)
        self.assertEqual(set(stored.programs.all()), {self.tree.track, other})
        self.assertEqual(stored.continuity_site, site)

    def test_latest_graduated_class_turns_over_on_the_first_of_july(self):
        self.assertEqual(latest_graduated_class(datetime.date(2026, 6, 30)), 2025)
        self.assertEqual(latest_graduated_class(datetime.date(2026, 7, 1)), 2026)

    def test_pgy_label_and_graduate_status(self):
        with mock.patch("people.models.latest_graduated_class", return_value=2026):
            labels = {year: ResidentPage(graduation_year=year).pgy_label for year in (2026, 2027, 2028, 2029, 2030)}
            graduates = {year: ResidentPage(graduation_year=year).is_graduate for year in (2025, 2026, 2027)}
        self.assertEqual(labels, {2026: "", 2027: "PGY-3", 2028: "PGY-2", 2029: "PGY-1", 2030: ""})
        self.assertEqual(graduates, {2025: True, 2026: True, 2027: False})

    def test_outcome_text_prefers_the_detail(self):
        self.assertEqual(self.tree.graduate.outcome, "Geriatric medicine fellowship, Example University")
        self.assertEqual(ResidentPage(outcome_kind=ResidentPage.Outcome.CHIEF).outcome, "Chief resident")
        self.assertEqual(self.tree.resident.outcome, "")

    def test_is_previewable(self):
        self.assert_previewable(self.tree.resident, self.tree.resident.medical_school)
