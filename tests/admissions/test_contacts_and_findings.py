"""The track's named contacts, the Contact page type, and the read-through's findings: JSON-LD every page type
gives as Google's rich-results documentation asks, descriptions written from the fields, the track's facts said
once, the filters and empty states of the directories."""

import datetime

from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from admissions.factories import ContactPageFactory
from admissions.models import ContactPage
from core.factories import CustomImageFactory
from core.seo import excerpt
from home.models import HomePage, StandardPage
from programs.models import OpenHouse, ProgramContact, ProgramPage
from tests.core.test_seo import head, nodes
from tests.test_query_counts import QueryCountTestCase
from tests.utils import SiteTestCase, one_page_of_each_type

# What Google's rich-results documentation requires (and, where we promise it, recommends) for each type we
# publish. Written out here, from developers.google.com/search/docs/appearance/structured-data/<type>:
REQUIRED = {
    # event: name, startDate, location (a Place with a PostalAddress, or a VirtualLocation with a url);
    # recommended: description, endDate, eventAttendanceMode, eventStatus, image, offers, organizer (name, url)
    "Event": [
        "name",
        "startDate",
        "endDate",
        "location",
        "description",
        "eventAttendanceMode",
        "eventStatus",
        "image",
        "offers",
        "organizer",
    ],
    # profile-page: mainEntity (a Person or Organization with a name); dateModified is recommended and given when
    # the page has been published (factories' pages have no publishing date)
    "ProfilePage": ["mainEntity", "url"],
    # the Person a profile is about: name; recommended image, jobTitle (and an affiliation or alumniOf)
    "Person": ["name"],
    # breadcrumb: itemListElement, each ListItem with position and name (and item, but the last)
    "BreadcrumbList": ["itemListElement"],
    # organization (logo/local business): name, url; recommended address, telephone
    "Hospital": ["name", "url", "address"],
    # local-business: name, address
    "MedicalClinic": ["name", "address", "url"],
    # sitelinks search box: the WebSite's url and a SearchAction with target and query-input
    "WebSite": ["url", "name", "potentialAction"],
    # education program (the job-training/EducationalOccupationalProgram documentation): name, description,
    # provider, timeToComplete; url
    "EducationalOccupationalProgram": ["name", "description", "provider", "timeToComplete", "url"],
    "ContactPage": ["name", "url", "about"],
}
PLACE_ADDRESS = ["@type", "streetAddress", "addressCountry"]


def check_node(node):
    """The problems of one JSON-LD node against REQUIRED (and its nested parts)."""
    problems = [f"{node['@type']} lacks {name}" for name in REQUIRED.get(node["@type"], []) if not node.get(name)]
    if node["@type"] == "Event":
        locations = node["location"] if isinstance(node["location"], list) else [node["location"]]
        for location in locations:
            if location["@type"] == "Place":
                problems += [
                    f"Event's address lacks {key}" for key in PLACE_ADDRESS if not location["address"].get(key)
                ]
            elif not location.get("url"):
                problems.append("Event's VirtualLocation lacks url")
        problems += [f"Event's organizer lacks {key}" for key in ("name", "url") if not node["organizer"].get(key)]
        problems += [
            f"Event's offer lacks {key}" for key in ("price", "priceCurrency", "url") if key not in node["offers"]
        ]
    if node["@type"] == "BreadcrumbList":
        items = node["itemListElement"]
        problems += [
            f"crumb {i} lacks position/name"
            for i, item in enumerate(items)
            if not (item.get("position") and item.get("name"))
        ]
        problems += [f"crumb {i} lacks item" for i, item in enumerate(items[:-1]) if not item.get("item")]
    if node["@type"] == "WebSite":
        action = node["potentialAction"]
        if not (action.get("target") and action.get("query-input")):
            problems.append("WebSite's SearchAction lacks target or query-input")
    description = node.get("description", "")
    if "&lt;" in description or "&amp;" in description:
        problems.append(f"{node['@type']} description shows entities: {description[:60]}")
    return problems


class StructuredDataTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        cls.contact_page = ContactPageFactory(parent=tree.home, title="Contact us")
        track = tree.track
        ProgramContact.objects.create(
            page=track,
            role="director",
            name="Grace Lindqvist, MD",
            job_title="Director, Primary Care Track",
            photo=CustomImageFactory(),
            email="director@example.org",
            phone="(310) 555-0199",
            sort_order=0,
        )
        ProgramContact.objects.create(
            page=track, role="coordinator", name="Jordan Reyes", email="coordinator@example.org", sort_order=1
        )
        soon = timezone.localdate() + datetime.timedelta(days=20)
        for title, format_, location in [
            ("Online session", OpenHouse.Format.VIRTUAL, ""),
            ("Clinic tour", OpenHouse.Format.IN_PERSON, "Alder Park Community Health Center, 2150 Alder Park Way"),
            ("Both ways", OpenHouse.Format.HYBRID, "The residency office, 100 Example Avenue"),
        ]:
            OpenHouse.objects.create(
                page=tree.apply,
                title=title,
                date=soon,
                start_time="17:00",
                end_time="18:00",
                format=format_,
                location=location,
                capacity=10,
            )

    def graph(self, page):
        return head(self.get_html(page))["graph"]

    def test_every_page_type_gives_what_google_requires_for_its_types(self):
        expected_types = {
            HomePage: {"Hospital", "WebSite"},
            StandardPage: {"Hospital", "BreadcrumbList"},
            ProgramPage: {"Hospital", "BreadcrumbList", "EducationalOccupationalProgram", "Person"},
            ContactPage: {"Hospital", "BreadcrumbList", "ContactPage"},
        }
        problems = []
        pages = [*one_page_of_each_type(self.tree), self.contact_page]
        for page in pages:
            graph = self.graph(page)
            types = {node["@type"] for node in graph}
            wanted = expected_types.get(type(page.specific), set())
            if not wanted <= types:
                problems.append(f"{page.title}: {sorted(wanted - types)} missing")
            for node in graph:
                problems += [f"{page.title}: {problem}" for problem in check_node(node)]
        assert problems == []
        apply_graph = self.graph(self.tree.apply)
        assert sorted(event["name"] for event in nodes(apply_graph, "Event")) == [
            "Both ways",
            "Clinic tour",
            "Online session",
        ]
        (profile,) = nodes(self.graph(self.tree.director), "ProfilePage")
        (person,) = nodes(self.graph(self.tree.director), "Person")
        assert profile["mainEntity"] == {"@id": person["@id"]}

    def test_an_in_person_event_has_a_postal_address_and_a_hybrid_one_both_locations(self):
        events = {event["name"]: event for event in nodes(self.graph(self.tree.apply), "Event")}
        place = events["Clinic tour"]["location"]
        assert place == {
            "@type": "Place",
            "name": "Alder Park Community Health Center",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "Alder Park Community Health Center, 2150 Alder Park Way",
                "addressLocality": "Exampleville",
                "addressRegion": "CA",
                "addressCountry": "US",
            },
        }
        assert [location["@type"] for location in events["Both ways"]["location"]] == ["Place", "VirtualLocation"]
        assert events["Online session"]["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
        assert events["Clinic tour"]["organizer"]["@type"] == "Hospital"

    def test_the_track_names_its_contacts_in_its_questions_box_and_json_ld(self):
        html = self.get_html(self.tree.track)
        box = html.split('id="contact-track"')[1].split("</section>")[0]
        assert "Grace Lindqvist, MD" in box
        assert "Director, Primary Care Track" in box
        assert 'href="mailto:director@example.org"' in box
        assert 'href="tel:+13105550199"' in box
        assert "Jordan Reyes" in box and "Program coordinator" in box
        people = {person["name"]: person for person in nodes(self.graph(self.tree.track), "Person")}
        assert people["Grace Lindqvist, MD"]["jobTitle"] == "Director, Primary Care Track"
        assert people["Grace Lindqvist, MD"]["email"] == "director@example.org"
        assert people["Grace Lindqvist, MD"]["telephone"] == "+13105550199"
        assert people["Grace Lindqvist, MD"]["image"].startswith("http://localhost/")
        assert people["Grace Lindqvist, MD"]["worksFor"] == {"@id": "http://localhost/#organization"}
        assert people["Jordan Reyes"]["jobTitle"] == "Program coordinator"

    def test_the_track_says_each_headline_fact_once(self):
        html = self.get_html(self.tree.track)
        facts_box = html.split('class="facts"')[1].split("</section>")[0]
        assert "More facts" in facts_box
        for headline in ["Residents per year", "Length", "Schedule", "Ambulatory rotation weeks"]:
            assert headline not in facts_box
        assert "NRMP program code" in facts_box
        apply_html = self.get_html(self.tree.apply)
        assert "Residents per year" in apply_html  # no stats band there: the box keeps every fact

    def test_a_person_description_is_a_sentence_from_their_fields(self):
        director = self.tree.director
        director.bio = "<p>Her clinic &lt;b&gt;serves&lt;/b&gt; families and sets goals.</p><p>She also teaches.</p>"
        director.listing_summary = "Director, Primary Care Track"
        director.save_revision().publish()
        html = self.get_html(director)
        meta = head(html)["meta"]["description"]
        assert meta.startswith(f"{director.name_with_credentials}: Director, Primary Care Track. Clinical interests: ")
        assert "Her clinic <b>serves</b> families and sets goals. She" in meta
        (person,) = nodes(head(html)["graph"], "Person")
        assert person["description"] == "Her clinic <b>serves</b> families and sets goals. She also teaches."

        resident = self.tree.resident
        resident_meta = head(self.get_html(resident))["meta"]["description"]
        assert resident_meta.startswith(f"{resident.name_with_credentials}: ")
        assert f"class of {resident.graduation_year}." in resident_meta

    def test_a_graduate_is_described_with_their_outcome(self):
        graduate = self.tree.graduate
        assert graduate.get_meta_description().startswith(
            f"{graduate.name_with_credentials}: a graduate of the residency, class of {graduate.graduation_year}. "
            "Now: Geriatric medicine fellowship, Example University."
        )

    def test_descriptions_are_cut_between_words(self):
        text = "The Primary Care Track trains residents to care for communities and families in health and illness"
        assert excerpt(text, 60) == "The Primary Care Track trains residents to care for…"
        assert excerpt("<p>One.</p><p>Two &amp; three.</p>") == "One. Two & three."

    def test_the_faculty_directorys_empty_state_names_only_its_own_filters(self):
        faculty_index = self.tree.faculty_index
        # The director leads; only the preceptor treats addiction: the two filters together match no one.
        html = self.client.get(faculty_index.url + "?role=leadership&interest=addiction").content.decode()
        assert "Try fewer filters" in html
        assert "class, outcome" not in html
        assert '<details class="filters" data-open-when-wide>' in html
        assert "Filter the list" in html

    def test_a_feature_title_in_a_free_stream_is_not_a_paragraph_of_its_own(self):
        page = self.tree.benefits
        page.body = [("features", [{"heading": "Wellness days", "text": "Two a year."}])]
        page.save_revision().publish()
        html = self.get_html(page)
        run_in = '<strong class="feature__heading feature__heading--run-in">Wellness days</strong>'
        assert f'<p class="feature__text">{run_in} Two a year.</p>' in html
        assert '<p class="feature__heading">' not in html

    def test_the_curriculum_body_and_totals_are_spaced_from_the_year_tables(self):
        html = self.get_html(self.tree.curriculum)
        assert 'class="with-sidebar section curriculum-more"' in html


class ContactPageTests(SiteTestCase):
    def test_created_under_the_home_page_or_a_track_only(self):
        self.assertCanCreateAt(HomePage, ContactPage)
        self.assertCanCreateAt(ProgramPage, ContactPage)
        self.assertCanNotCreateAt(StandardPage, ContactPage)
        self.assertAllowedSubpageTypes(ContactPage, set())

    def test_an_editor_creates_one_in_the_admin(self):
        self.login()
        self.assertCanCreate(
            self.tree.track,
            ContactPage,
            nested_form_data(
                {
                    "title": "Contact the PCT",
                    "slug": "contact",
                    "introduction": "We answer within two working days.",
                    "form_heading": "Ask the PCT",
                    "body": streamfield([("paragraph", rich_text("<p>Or visit us.</p>"))]),
                }
            ),
        )

    def test_renders_the_form_filing_questions_under_its_track(self):
        page = ContactPageFactory(parent=self.tree.track, title="Contact the PCT")
        html = self.get_html(page)
        assert "Ask us a question" in html
        assert f'name="page" value="{page.pk}"' in html
        assert 'action="/applicants/questions/"' in html
        assert "mailto:residency@example.org" in html


class ContactPageQueryCountTests(QueryCountTestCase):
    def test_contact_page_with_few_and_many_blocks(self):
        page = ContactPageFactory(parent=self.tree.home, title="Contact us")

        def grow():
            page.body = [("paragraph", f"<p>Paragraph {n}</p>") for n in range(20)]
            page.save_revision().publish()

        self.assert_constant_queries("ContactPage: 0 vs 20 blocks", page.url, grow)
