"""Findability: titles, descriptions, canonical URLs, link previews and JSON-LD on every page; the sitemap and
robots.txt."""

import json
import re
import xml.etree.ElementTree as ET

from django.utils import timezone
from wagtail.models import PageViewRestriction

from core.factories import CustomImageFactory, set_contact_settings
from home.factories import StandardPageFactory
from people.factories import PersonIndexPageFactory
from programs.models import ApplyTimelineEvent
from tests.utils import GRADUATE_CLASS_YEAR, SiteTestCase, parse_tags


def head(html):
    """{name or property: content} of the <meta> tags, the canonical link, the title and the JSON-LD graph."""
    tags = parse_tags(html)
    meta = {}
    for tag in tags:
        attrs = tag["attrs"]
        key = attrs.get("name") or attrs.get("property")
        if tag["tag"] == "meta" and key:
            meta[key] = attrs.get("content")
    canonical = [t["attrs"]["href"] for t in tags if t["tag"] == "link" and t["attrs"].get("rel") == "canonical"]
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip()
    scripts = [t["text"] for t in tags if t["tag"] == "script" and t["attrs"].get("type") == "application/ld+json"]
    graph = json.loads(scripts[0])["@graph"] if scripts else []
    return {"meta": meta, "canonical": canonical, "title": title, "graph": graph, "ld_count": len(scripts)}


def nodes(graph, node_type):
    return [node for node in graph if node["@type"] == node_type]


class PageMetaTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        # A second track with the same child titles: titles must still differ.
        from tests.utils import build_track, one_page_of_each_type

        cls.other = build_track(tree.home, title="Categorical Track", short_name="CAT")
        cls.pages = [
            *one_page_of_each_type(tree),
            cls.other.track,
            cls.other.curriculum,
            cls.other.faculty_index,
            cls.other.apply,
        ]

    def heads(self):
        return {page.url: head(self.get_html(page)) for page in self.pages}

    def test_titles_and_descriptions_are_unique_and_present(self):
        heads = self.heads()
        titles = [h["title"] for h in heads.values()]
        self.assertEqual(len(titles), len(set(titles)), titles)
        self.assertIn("Faculty · Primary Care Track | Internal Medicine Residency Program", titles)
        self.assertIn("Faculty · Categorical Track | Internal Medicine Residency Program", titles)
        self.assertEqual(heads["/"]["title"], "Internal Medicine Residency Program | Example Medical Center")
        descriptions = [h["meta"].get("description") for h in heads.values()]
        self.assertTrue(all(descriptions), descriptions)
        self.assertEqual(len(descriptions), len(set(descriptions)), descriptions)
        self.assertTrue(all(len(description) <= 161 for description in descriptions))

    def test_every_page_has_canonical_open_graph_and_twitter_tags(self):
        for url, page_head in self.heads().items():
            with self.subTest(url=url):
                meta = page_head["meta"]
                self.assertEqual(page_head["canonical"], [f"http://localhost{url}"])
                self.assertEqual(meta["og:url"], page_head["canonical"][0])
                self.assertTrue(meta["og:image"].startswith("http://localhost/"), meta["og:image"])
                self.assertTrue(meta["og:image:alt"])
                if url != "/":  # the home page's title names the institution instead (see the test above)
                    self.assertEqual(meta["og:title"] + " | Internal Medicine Residency Program", page_head["title"])
                self.assertIn(meta["twitter:card"], {"summary", "summary_large_image"})
                self.assertEqual(meta["twitter:image"], meta["og:image"])
                self.assertEqual(page_head["ld_count"], 1)
                self.assertEqual(nodes(page_head["graph"], "Hospital")[0]["@id"], "http://localhost/#organization")

    def test_preview_image_is_the_pages_own_then_the_sites_default_then_the_built_in_one(self):
        page = StandardPageFactory(parent=self.tree.home, title="Shared")
        self.assertEqual(
            head(self.get_html(page))["meta"]["og:image"], "http://localhost/static/img/social-default.png"
        )
        default = CustomImageFactory(file__width=1600, file__height=900)
        set_contact_settings(default_social_image=default)
        image = head(self.get_html(page))["meta"]["og:image"]
        self.assertRegex(image, r"^http://localhost/.*fill-1200x630\.format-jpeg\.jpg$")
        page.social_image = CustomImageFactory(title="Own", file__width=1600, file__height=900)
        page.save_revision().publish()
        meta = head(self.get_html(page))["meta"]
        self.assertNotEqual(meta["og:image"], image)
        self.assertEqual((meta["og:image:width"], meta["og:image:height"]), ("1200", "630"))
        self.assertEqual(meta["og:image:alt"], page.social_image.alt_text)

    def test_a_person_shares_their_portrait(self):
        meta = head(self.get_html(self.tree.director))["meta"]
        self.assertIn("fill-600x750-c100.format-jpeg", meta["og:image"])
        self.assertEqual(meta["twitter:card"], "summary")

    def test_json_ld_describes_the_track(self):
        apply = self.tree.apply
        ApplyTimelineEvent.objects.filter(page=apply).delete()
        for date, milestone in [
            ("2026-09-02", "applications_open"),
            ("2026-10-15", "application_deadline"),
            ("2027-07-01", "program_start"),
        ]:
            ApplyTimelineEvent.objects.create(page=apply, date=date, title=milestone, milestone=milestone)
        graph = head(self.get_html(self.tree.track))["graph"]
        (program,) = nodes(graph, "EducationalOccupationalProgram")
        self.assertEqual(program["name"], "Primary Care Track")
        self.assertEqual(program["timeToComplete"], "P3Y")
        # "Approximately 7" is not a maximum: no maximumEnrollment rather than a wrong one.
        self.assertNotIn("maximumEnrollment", program)
        self.assertEqual(program["applicationStartDate"], "2026-09-02")
        self.assertEqual(program["applicationDeadline"], "2026-10-15")
        self.assertEqual(program["startDate"], "2027-07-01")
        self.assertEqual(program["provider"], {"@id": "http://localhost/#organization"})
        (hospital,) = nodes(graph, "Hospital")
        self.assertEqual(hospital["name"], "Example Medical Center")
        self.assertEqual(
            hospital["address"],
            {
                "@type": "PostalAddress",
                "streetAddress": "100 Example Avenue, Suite 200",
                "addressLocality": "Exampleville",
                "addressRegion": "CA",
                "postalCode": "90000",
                "addressCountry": "US",
            },
        )
        self.assertEqual(hospital["telephone"], "+13105550100")
        (crumbs,) = nodes(graph, "BreadcrumbList")
        self.assertEqual(
            [(item["position"], item["name"], item["item"]) for item in crumbs["itemListElement"]],
            [
                (1, "Internal Medicine Residency", "http://localhost/"),
                (2, "Primary Care Track", self.tree.track.full_url),
            ],
        )

    def test_json_ld_describes_people_and_clinics(self):
        graph = head(self.get_html(self.tree.director))["graph"]
        (person,) = nodes(graph, "Person")
        self.assertEqual(person["name"], self.tree.director.full_name)
        self.assertEqual(person["jobTitle"], "Director, Primary Care Track")
        self.assertEqual(person["affiliation"], {"@id": "http://localhost/#organization"})
        self.assertEqual(person["honorificSuffix"], "MD")
        self.assertEqual(sorted(person["knowsAbout"]), ["Geriatrics", "HIV primary care"])

        graph = head(self.get_html(self.tree.graduate))["graph"]
        (graduate,) = nodes(graph, "Person")
        self.assertEqual(graduate["jobTitle"], "Geriatric medicine fellowship, Example University")
        self.assertIn({"@id": "http://localhost/#organization"}, graduate["alumniOf"])
        self.assertNotIn("affiliation", graduate)
        self.assertLess(self.tree.graduate.graduation_year, GRADUATE_CLASS_YEAR + 1)

        site = self.tree.continuity_site
        site.phone = "(323) 555-0142"
        site.save_revision().publish()
        graph = head(self.get_html(site))["graph"]
        (clinic,) = nodes(graph, "MedicalClinic")
        self.assertEqual(clinic["name"], site.title)
        self.assertEqual(clinic["telephone"], "+13235550142")
        self.assertEqual(clinic["address"]["streetAddress"], site.street_address)
        self.assertEqual(clinic["medicalSpecialty"], "https://schema.org/PrimaryCare")

    def test_json_ld_lists_upcoming_open_houses_as_events(self):
        from programs.models import OpenHouse

        OpenHouse.objects.create(
            page=self.tree.apply,
            title="Future open house",
            date="2031-01-15",
            start_time="12:00",
            end_time="13:00",
            time_zone="America/New_York",
            registration_url="https://example.org/register",
        )
        OpenHouse.objects.create(
            page=self.tree.apply, title="Past", date="2020-01-15", start_time="12:00", end_time="13:00"
        )
        graph = head(self.get_html(self.tree.apply))["graph"]
        (event,) = nodes(graph, "Event")
        self.assertEqual(event["name"], "Future open house")
        self.assertEqual(event["startDate"], "2031-01-15T12:00:00-05:00")
        self.assertEqual(event["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode")
        self.assertEqual(event["location"], {"@type": "VirtualLocation", "url": "https://example.org/register"})
        self.assertEqual(event["eventStatus"], "https://schema.org/EventScheduled")
        self.assertEqual(event["organizer"]["name"], "Example Medical Center")
        self.assertEqual(event["organizer"]["url"], "http://localhost/")
        self.assertEqual(event["image"], ["http://localhost/static/img/social-default.png"])

    def test_json_ld_cannot_be_closed_by_content(self):
        page = StandardPageFactory(parent=self.tree.home, title="</script><script>alert(1)</script>")
        html = self.get_html(page)
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S).group(1)
        self.assertNotIn("<", script)
        self.assertIn("</script><script>alert(1)</script>", json.dumps(json.loads(script), ensure_ascii=False))


class SitemapAndRobotsTests(SiteTestCase):
    def test_sitemap_lists_live_public_pages_with_lastmod(self):
        self.tree.benefits.save_revision().publish()  # published as editors do, so it has a date
        draft = StandardPageFactory(parent=self.tree.home, title="Draft", live=False)
        private = StandardPageFactory(parent=self.tree.home, title="Private")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        root = ET.fromstring(response.content)
        entries = {url.find("s:loc", namespace).text: url.find("s:lastmod", namespace) for url in root}
        self.assertIn("http://localhost/", entries)
        self.assertIn(self.tree.director.full_url, entries)
        self.assertIn(self.tree.apply.full_url, entries)
        self.assertNotIn(draft.full_url, entries)
        self.assertNotIn(private.full_url, entries)
        lastmod = entries[self.tree.benefits.full_url]
        published = type(self.tree.benefits).objects.get(pk=self.tree.benefits.pk).last_published_at
        self.assertEqual(lastmod.text, timezone.localtime(published).date().isoformat())

    def test_robots_txt_names_the_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("User-agent: *", lines)
        self.assertIn("Disallow: /admin/", lines)
        self.assertIn("Sitemap: http://localhost/sitemap.xml", lines)

    def test_a_directory_at_home_level_is_in_the_sitemap_once(self):
        index = PersonIndexPageFactory(parent=self.tree.home, title="Everyone")
        locations = re.findall(r"<loc>([^<]+)</loc>", self.client.get("/sitemap.xml").content.decode())
        self.assertEqual(locations.count(index.full_url), 1)
