"""Every public page costs a constant number of SQL queries, however much content it shows.

Each test renders a page with a little content, adds a lot more, and renders it again. Each
measurement renders the page once first (so renditions and settings rows already exist), then counts
a render with the caches warm and a render with every cache emptied. Warm is the normal case: the
chrome (contact settings, social links, menu, breadcrumbs, apply link) is read once per page-cache
generation (core.generation_memo), so a warm page reads only what is its own. Emptied is the first
render after a publish or a flush: the chrome is read again, and rendition lookups that a listing
failed to prefetch show up as extra queries instead of hiding in the rendition cache. The counts are
printed at the end of the run.
"""

import re

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from core.factories import CustomImageFactory
from home.factories import StandardPageFactory
from people.factories import FacultyPageFactory, PersonIndexPageFactory, ResidentPageFactory
from people.models import ResidentPage
from programs.factories import ClinicSitePageFactory, ProgramPageFactory
from programs.models import (
    ApplyTimelineEvent,
    ClinicSitePage,
    CurriculumRotation,
    OpenHouse,
    ProgramContact,
    ProgramSalary,
)
from tests.utils import (
    CURRENT_CLASS_YEAR,
    GRADUATE_CLASS_YEAR,
    QUERY_COUNTS,
    SiteTestCase,
    bulk_create_faculty,
    visible_text,
)

# No public page should need more than this, whatever it shows: with the caches warm (the normal case, and
# what Redis gives every app server) and with them empty (after a publish, a deploy or a flush, or with Redis
# down). The busiest pages (a directory spanning three sections, a track) measured 19 warm and 25 cold when set.
WARM_CEILING = 20
COLD_CEILING = 25
# A standard page (the most common kind) reads 4 with the caches warm: the site, the site's root page, the route
# (the page and every page above it in one query) and the page's specific row; its view restrictions come from the
# restricted paths remembered for the generation.
STANDARD_PAGE_WARM_CEILING = 8


def short_sql(query, width=160):
    """A query's SQL with the column list elided, short enough to read in a failure message."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", query["sql"], flags=re.S)
    return sql if len(sql) <= width else sql[: width - 3] + "..."


class QueryCountTestCase(SiteTestCase):
    def capture(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return queries

    def measure(self, url, clear_cache=True):
        """(warm, cold) queries of a render: with the cache as the previous render left it, and with it emptied."""
        self.assertEqual(self.client.get(url).status_code, 200)  # create renditions and settings rows
        warm = self.capture(url)
        if clear_cache:
            for each in caches.all():
                each.clear()
        cold = self.capture(url)
        return warm, cold

    def assert_constant_queries(self, label, url, grow, clear_cache=True, cold_ceiling=COLD_CEILING):
        small = self.measure(url, clear_cache)
        grow()
        large = self.measure(url, clear_cache)
        QUERY_COUNTS[label] = tuple(len(queries) for queries in (*small, *large))
        for kind, before, after in zip(("warm", "cold"), small, large, strict=True):
            if len(before) != len(after):
                before_sql = [q["sql"] for q in before.captured_queries]
                extra = [q for q in after.captured_queries if q["sql"] not in before_sql]
                self.fail(
                    f"{label} ({kind} cache): {len(before)} queries with a little content, {len(after)} with a lot. "
                    "Queries only in the larger render (first 5):\n" + "\n".join(map(short_sql, extra[:5]))
                )
        warm, cold = large
        self.assertLessEqual(
            len(warm), WARM_CEILING, f"{label}: {len(warm)} queries:\n" + "\n".join(map(short_sql, warm))
        )
        self.assertLessEqual(
            len(cold), cold_ceiling, f"{label}: {len(cold)} queries:\n" + "\n".join(map(short_sql, cold))
        )


class PageQueryCountTests(QueryCountTestCase):
    def test_home_page_with_1_and_5_tracks(self):
        def grow():
            for n in range(4):
                ProgramPageFactory(parent=self.tree.home, title=f"Extra Track {n}", listing_image=CustomImageFactory())

        self.assert_constant_queries("HomePage: 1 vs 5 tracks", self.tree.home.url, grow)

    def test_standard_page_with_few_and_many_blocks(self):
        page = self.tree.benefits

        def grow():
            page.body = [
                *page.body.raw_data,
                *[{"type": "heading", "value": {"text": f"Section {n}", "level": "h2"}} for n in range(10)],
                *[{"type": "paragraph", "value": f"<p>Paragraph {n}</p>"} for n in range(10)],
                *[{"type": "quote", "value": {"quote": f"Quote {n}", "attribution": "PGY-1"}} for n in range(5)],
            ]
            page.save_revision().publish()
            for n in range(5):
                StandardPageFactory(parent=page, title=f"Child page {n}", listing_image=CustomImageFactory())

        self.assert_constant_queries("StandardPage: 2 vs 27 blocks", page.url, grow)
        self.assertLessEqual(QUERY_COUNTS["StandardPage: 2 vs 27 blocks"][2], STANDARD_PAGE_WARM_CEILING)

    def test_standard_page_with_1_and_12_body_images(self):
        """Body images are looked up in one query and their renditions in one more, even with the cache empty."""
        page = StandardPageFactory(parent=self.tree.home, title="Gallery")

        def set_images(count):
            page.body = [("image", {"image": CustomImageFactory(), "caption": f"Photo {n}"}) for n in range(count)]
            page.save_revision().publish()

        set_images(1)
        self.assert_constant_queries("StandardPage: 1 vs 12 body images", page.url, lambda: set_images(12))

    def test_program_page_with_few_and_many_sections_sites_and_salaries(self):
        track = self.tree.track
        ProgramContact.objects.create(page=track, role="director", name="Director", photo=CustomImageFactory())

        def grow():
            for n in range(6):
                StandardPageFactory(parent=track, title=f"Section {n}", listing_image=CustomImageFactory())
            for n in range(5):
                ClinicSitePageFactory(parent=self.tree.sites_index, title=f"More clinic {n}", programs=[track])
            for n in range(5):
                ProgramSalary.objects.create(page=track, year_label=f"PGY-{n + 4}", amount=80000 + n)
            for n in range(5):
                ProgramContact.objects.create(
                    page=track, role="other", name=f"Contact {n}", photo=CustomImageFactory(), email=f"c{n}@example.org"
                )

        # The track's named contacts cost two queries of their own (the contacts with their photos, the photos'
        # portraits), whatever their number: 27 with an empty cache.
        self.assert_constant_queries(
            "ProgramPage: few vs many sections/sites/salaries/contacts", track.url, grow, cold_ceiling=27
        )

    def test_curriculum_with_3_and_30_rotations(self):
        curriculum = self.tree.curriculum

        def grow():
            kinds = list(CurriculumRotation.Kind)
            for n in range(27):
                CurriculumRotation.objects.create(
                    page=curriculum, year=n % 3 + 1, kind=kinds[n % len(kinds)], name=f"Rotation {n}", weeks=2
                )

        self.assert_constant_queries("CurriculumPage: 3 vs 30 rotations", curriculum.url, grow)

    def test_clinic_site_index_with_2_and_40_sites(self):
        """Forty sites run to two pages; the first costs what two sites cost."""

        def grow():
            for n in range(38):
                ClinicSitePageFactory(
                    parent=self.tree.sites_index,
                    title=f"Extra clinic {n}",
                    role=ClinicSitePage.Role.CONTINUITY if n % 2 else ClinicSitePage.Role.ELECTIVE,
                    programs=[self.tree.track],
                )

        self.assert_constant_queries("ClinicSiteIndexPage: 2 vs 40 sites", self.tree.sites_index.url, grow)

    def test_clinic_site_index_with_2_and_12_sites(self):
        def grow():
            for n in range(10):
                ClinicSitePageFactory(
                    parent=self.tree.sites_index,
                    title=f"Extra clinic {n}",
                    role=ClinicSitePage.Role.CONTINUITY if n % 2 else ClinicSitePage.Role.ELECTIVE,
                    programs=[self.tree.track],
                )

        self.assert_constant_queries("ClinicSiteIndexPage: 2 vs 12 sites", self.tree.sites_index.url, grow)

    def test_clinic_site_with_2_and_12_preceptors(self):
        site = self.tree.continuity_site

        def grow():
            for _ in range(10):
                FacultyPageFactory(parent=self.tree.faculty_index, programs=[self.tree.track], clinic_sites=[site])
            for n in range(2):
                other = ProgramPageFactory(parent=self.tree.home, title=f"Other Track {n}")
                site.programs.add(other)
            site.programs.commit()
            for _ in range(5):
                ResidentPageFactory(parent=self.tree.residents_index, continuity_site=site)

        self.assert_constant_queries("ClinicSitePage: 2 vs 12 preceptors", site.url, grow)

    def test_apply_page_with_2_and_20_events(self):
        apply = self.tree.apply

        def grow():
            for n in range(18):
                ApplyTimelineEvent.objects.create(page=apply, date=f"2026-{n % 12 + 1:02d}-10", title=f"Event {n}")
            for n in range(12):
                OpenHouse.objects.create(
                    page=apply,
                    title=f"Open house {n}",
                    date=f"2027-{n % 12 + 1:02d}-14",
                    start_time="17:00",
                    end_time="18:00",
                    registration_url="https://example.org/register",
                )
            apply.faq = [
                ("question", {"question": f"Question {n}?", "answer": RichText(f"<p>Answer {n}.</p>")})
                for n in range(10)
            ]
            apply.save_revision().publish()

        self.assert_constant_queries("ApplyPage: 2 vs 20 dates, 0 vs 12 open houses", apply.url, grow)

    def test_faculty_index_with_5_and_50_people(self):
        sites = [self.tree.continuity_site, self.tree.elective_site]

        def add_faculty(count):
            for n in range(count):
                FacultyPageFactory(
                    parent=self.tree.faculty_index,
                    is_leadership=n % 10 == 0,
                    programs=[self.tree.track],
                    clinic_sites=sites[: n % 3],
                    clinical_interests=[f"Interest {n % 7}", "Primary care"],
                )

        add_faculty(3)
        self.assert_constant_queries(
            "PersonIndexPage (faculty): 5 vs 50 people", self.tree.faculty_index.url, lambda: add_faculty(45)
        )

    def add_residents(self, count):
        for n in range(count):
            graduate = n % 4 == 0
            ResidentPageFactory(
                parent=self.tree.residents_index,
                graduation_year=GRADUATE_CLASS_YEAR - n % 3 if graduate else CURRENT_CLASS_YEAR - 1 + n % 3,
                programs=[self.tree.track],
                continuity_site=self.tree.continuity_site,
                outcome_kind=ResidentPage.Outcome.PRIMARY_CARE if graduate else "",
                outcome_detail="Primary care practice, Example Clinic" if graduate else "",
            )

    def test_residents_index_with_5_and_50_people(self):
        """Current residents only on the first page, in both renders (graduates follow them)."""
        self.add_residents(3)
        url = f"{self.tree.residents_index.url}?group=residents"
        self.assert_constant_queries("PersonIndexPage (residents): 5 vs 50 people", url, lambda: self.add_residents(45))

    def test_graduates_and_outcomes_with_5_and_50_people(self):
        self.add_residents(3)
        url = f"{self.tree.residents_index.url}?group=graduates"
        self.assert_constant_queries("PersonIndexPage (graduates, chart): 5 vs 50", url, lambda: self.add_residents(45))

    def test_directory_page_spanning_faculty_residents_and_graduates(self):
        """One page holding all three sections: their portraits still come in two queries."""
        everyone = PersonIndexPageFactory(parent=self.tree.home, title="Everyone", slug="everyone")

        def add(count):
            for n in range(count):
                FacultyPageFactory(parent=everyone, clinical_interests=[f"Interest {n % 3}"])
                ResidentPageFactory(parent=everyone, graduation_year=CURRENT_CLASS_YEAR - n % 2)
                ResidentPageFactory(
                    parent=everyone, graduation_year=GRADUATE_CLASS_YEAR, outcome_kind=ResidentPage.Outcome.ACADEMIC
                )

        add(2)
        # One more than the ceiling with the caches empty: the site-wide directory also lists the tracks for its
        # track filter (issue 14), a query whatever the number of people.
        self.assert_constant_queries(
            "PersonIndexPage (three sections): 6 vs 24 people", everyone.url, lambda: add(6), cold_ceiling=26
        )

    def test_filtered_directory_with_5_and_50_people(self):
        sites = [self.tree.continuity_site, self.tree.elective_site]

        def add_faculty(count):
            for n in range(count):
                FacultyPageFactory(
                    parent=self.tree.faculty_index,
                    programs=[self.tree.track],
                    clinic_sites=sites[: n % 3],
                    clinical_interests=[f"Interest {n % 7}", "Geriatrics"],
                )

        add_faculty(3)
        url = f"{self.tree.faculty_index.url}?interest=geriatrics&site={self.tree.continuity_site.slug}&role=faculty"
        self.assert_constant_queries("PersonIndexPage (3 filters): 5 vs 50 people", url, lambda: add_faculty(45))

    def test_faculty_page_with_few_and_many_interests_sites_and_tracks(self):
        person = self.tree.director

        def grow():
            for n in range(4):
                person.clinic_sites.add(ClinicSitePageFactory(parent=self.tree.sites_index, programs=[self.tree.track]))
                person.programs.add(ProgramPageFactory(parent=self.tree.home, title=f"Faculty Track {n}"))
            person.clinical_interests.add(*[f"Interest {n}" for n in range(8)])
            person.save_revision().publish()

        self.assert_constant_queries("FacultyPage: few vs many interests/sites/tracks", person.url, grow)

    def test_resident_page_with_1_and_4_tracks(self):
        person = self.tree.resident

        def grow():
            for n in range(3):
                person.programs.add(ProgramPageFactory(parent=self.tree.home, title=f"Resident Track {n}"))
            person.save_revision().publish()

        self.assert_constant_queries("ResidentPage: 1 vs 4 tracks", person.url, grow)

    def test_search_with_2_and_12_results(self):
        def add_pages(count, start):
            for n in range(start, start + count):
                StandardPageFactory(
                    parent=self.tree.home,
                    title=f"Zebrafish page {n}",
                    listing_summary="About zebrafish.",
                    listing_image=CustomImageFactory(),
                )

        add_pages(2, 0)
        self.assert_constant_queries("Search: 2 vs 12 results", "/search/?query=zebrafish", lambda: add_pages(10, 2))


class LargeDirectoryQueryCountTests(QueryCountTestCase):
    """Issue 9: 1,000 faculty with photos in one listing render with the queries of 10 (a page at a time, and no
    query whose size grows with the people: SQLite refuses expressions of more than 1,000 terms)."""

    def test_directories_with_10_and_1000_faculty_with_photos(self):
        tree = self.tree
        everyone = PersonIndexPageFactory(parent=tree.home, title="Everyone", slug="everyone")
        links = {"programs": [tree.track], "clinic_sites": [tree.continuity_site]}
        bulk_create_faculty(everyone, 10, **links)
        urls = {
            "PersonIndexPage (everyone, children)": everyone.url,
            "PersonIndexPage (track faculty, by relation)": tree.faculty_index.url,
            "PersonIndexPage (filtered by site)": f"{everyone.url}?site={tree.continuity_site.slug}&role=faculty",
            "ClinicSitePage (preceptors)": tree.continuity_site.url,
        }
        small = {label: self.measure(url) for label, url in urls.items()}
        bulk_create_faculty(everyone, 990, start=10, **links)
        for label, url in urls.items():
            large = self.measure(url)
            QUERY_COUNTS[f"{label}: 10 vs 1,000 faculty"] = tuple(len(q) for q in (*small[label], *large))
            for kind, before, after in zip(("warm", "cold"), small[label], large, strict=True):
                self.assertEqual(len(before), len(after), f"{label} ({kind} cache): 10 vs 1,000 faculty")
        response = self.client.get(everyone.url)
        self.assertEqual(response.context["people_count"], 1000)
        self.assertEqual(len(response.context["people_page"].object_list), 24)
        self.assertIn("Bulk Person 00999", visible_text(self.client.get(f"{everyone.url}?page=42").content.decode()))
