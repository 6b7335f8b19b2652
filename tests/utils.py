"""Helpers shared by the test suite: the standard site tree and HTML inspection."""

import html
import re
from html.parser import HTMLParser
from types import SimpleNamespace

from django.core.cache import cache
from django.urls import reverse
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text

from core.factories import CustomImageFactory, make_site_root, set_contact_settings
from demo.tree import Node, PageRef, TreeBuilder
from home.factories import HomePageFactory, StandardPageFactory
from home.models import StandardPage
from people.factories import FacultyPageFactory, PersonIndexPageFactory, ResidentPageFactory
from people.models import FacultyPage, PersonIndexPage, ResidentPage, latest_graduated_class
from programs.factories import (
    ApplyPageFactory,
    ClinicSiteIndexPageFactory,
    ClinicSitePageFactory,
    CurriculumPageFactory,
    ProgramPageFactory,
)
from programs.models import (
    ApplyPage,
    ClinicSiteIndexPage,
    ClinicSitePage,
    CurriculumPage,
    CurriculumRotation,
    ProgramPage,
)

# Relative to today, so the resident stays current and the graduate stays graduated whenever the suite runs.
CURRENT_CLASS_YEAR = latest_graduated_class() + 2
GRADUATE_CLASS_YEAR = latest_graduated_class() - 1


def make_home():
    """A HomePage as the root of the default site, replacing Wagtail's welcome page."""
    home = HomePageFactory(parent=Page.get_first_root_node())
    make_site_root(home)
    return home


# The page factory of each page type, so the tree builder can make test pages through them.
PAGE_FACTORIES = {
    factory_class._meta.model: factory_class
    for factory_class in (
        ApplyPageFactory,
        ClinicSiteIndexPageFactory,
        ClinicSitePageFactory,
        CurriculumPageFactory,
        FacultyPageFactory,
        PersonIndexPageFactory,
        ProgramPageFactory,
        ResidentPageFactory,
        StandardPageFactory,
    )
}


def make_with_factory(model, parent, fields):
    """How the tree builder makes a test page: the page type's factory fills in what `fields` leave out."""
    return PAGE_FACTORIES[model](parent=parent, **fields)


def track_nodes(title, short_name, facts):
    """The standard track as a tree: a curriculum, clinic sites, an apply page, people indexes and a content page."""
    track = [PageRef("track")]
    continuity_site = PageRef("continuity_site")
    return [
        Node(
            "track",
            ProgramPage,
            None,
            title=title,
            fields={
                "short_name": short_name,
                "listing_image": CustomImageFactory(),
                "salaries": [("PGY-1", 71000), ("PGY-2", 74000), ("PGY-3", 77000)],
                **facts,
            },
        ),
        Node(
            "curriculum",
            CurriculumPage,
            "track",
            fields={
                "listing_image": CustomImageFactory(),
                "rotations": [
                    {
                        "year": 1,
                        "kind": CurriculumRotation.Kind.CONTINUITY,
                        "name": f"{short_name} continuity clinic week",
                        "weeks": 10,
                    },
                    {"year": 1, "kind": CurriculumRotation.Kind.INPATIENT, "name": f"{short_name} wards", "weeks": 24},
                    {
                        "year": 2,
                        "kind": CurriculumRotation.Kind.AMBULATORY,
                        "name": f"{short_name} geriatrics",
                        "weeks": 4,
                    },
                ],
            },
        ),
        Node(
            "sites_index",
            ClinicSiteIndexPage,
            "track",
            slug="clinic-sites",
            title="Clinic sites",
            fields={"listing_image": CustomImageFactory()},
        ),
        Node(
            "continuity_site",
            ClinicSitePage,
            "sites_index",
            title=f"{short_name} Community Health Center",
            fields={"kind": ClinicSitePage.Kind.FQHC, "role": ClinicSitePage.Role.CONTINUITY, "programs": track},
        ),
        Node(
            "elective_site",
            ClinicSitePage,
            "sites_index",
            title=f"{short_name} Street Medicine Clinic",
            fields={"kind": ClinicSitePage.Kind.OTHER, "role": ClinicSitePage.Role.ELECTIVE, "programs": track},
        ),
        Node(
            "apply",
            ApplyPage,
            "track",
            fields={
                "timeline": [
                    {"title": f"{short_name}: ERAS opens to applicants"},
                    {"title": f"{short_name}: Interview season"},
                ]
            },
        ),
        Node(
            "faculty_index",
            PersonIndexPage,
            "track",
            slug="faculty",
            title="Faculty",
            fields={"audience": PersonIndexPage.Audience.FACULTY},
        ),
        Node(
            "residents_index",
            PersonIndexPage,
            "track",
            slug="residents",
            title="Residents and graduates",
            fields={"audience": PersonIndexPage.Audience.RESIDENTS},
        ),
        Node(
            "director",
            FacultyPage,
            "faculty_index",
            fields={
                "is_leadership": True,
                "roles": f"Director, {title}",
                "programs": track,
                "clinic_sites": [continuity_site],
                "clinical_interests": ["HIV primary care", "Geriatrics"],
            },
        ),
        Node(
            "preceptor",
            FacultyPage,
            "faculty_index",
            fields={"programs": track, "clinic_sites": [continuity_site], "clinical_interests": ["Addiction"]},
        ),
        Node(
            "resident",
            ResidentPage,
            "residents_index",
            fields={"graduation_year": CURRENT_CLASS_YEAR, "programs": track, "continuity_site": continuity_site},
        ),
        Node(
            "graduate",
            ResidentPage,
            "residents_index",
            fields={
                "graduation_year": GRADUATE_CLASS_YEAR,
                "programs": track,
                "outcome_kind": ResidentPage.Outcome.FELLOWSHIP,
                "outcome_detail": "Geriatric medicine fellowship, Example University",
            },
        ),
        Node("wellness", StandardPage, "track", title=f"{short_name} wellness"),
    ]


def build_track(home, title="Primary Care Track", short_name="PCT", **facts):
    """A track under `home` with one page of each of its page types, built by the demo's tree builder."""
    builder = TreeBuilder(root=home, make_page=make_with_factory, publish=False)
    return SimpleNamespace(**builder.build(track_nodes(title, short_name, facts)).pages)


def one_page_of_each_type(tree):
    """One page of every page type of the standard tree (home, content page, track and all its children)."""
    return [
        tree.home,
        tree.benefits,
        tree.track,
        tree.curriculum,
        tree.sites_index,
        tree.continuity_site,
        tree.apply,
        tree.faculty_index,
        tree.residents_index,
        tree.director,
        tree.resident,
        tree.graduate,
        tree.wellness,
    ]


def build_site():
    """The standard test site: a home page, one track with one of every page type, contact settings."""
    home = make_home()
    set_contact_settings()
    pct = build_track(home)
    benefits = StandardPageFactory(parent=home, title="Benefits", slug="benefits")
    cache.clear()
    return SimpleNamespace(home=home, benefits=benefits, pct=pct, **vars(pct))


class SiteTestCase(WagtailPageTestCase):
    """A WagtailPageTestCase with the standard site tree, built once for the class."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tree = build_site()

    def setUp(self):
        super().setUp()
        cache.clear()

    def assert_previewable(self, page, *expected_texts):
        """The page previews in the admin (with its StreamField content), and the preview shows `expected_texts`."""
        user = self.login()
        data = preview_post_data(self.client, page)
        self.assertPageIsPreviewable(page, post_data=data, user=user)
        self.client.force_login(user)
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        self.assertEqual(self.client.post(preview_url, data).json(), {"is_valid": True, "is_available": True})
        response = self.client.get(preview_url)
        self.assertEqual(response.status_code, 200)
        text = visible_text(response.content.decode())
        for expected in expected_texts:
            self.assertIn(expected, text)
        self.client.logout()

    def get_html(self, page, client=None):
        response = (client or self.client).get(page.url)
        self.assertEqual(response.status_code, 200, f"{page.url} returned {response.status_code}")
        return response.content.decode()


# -- admin form data -------------------------------------------------------------------------


def block_form_data(block, value):
    """The admin form data for a block value, as a nested structure for `nested_form_data`.

    The edit form renders StreamFields with JavaScript, so their data cannot be scraped from its HTML.
    """
    if isinstance(block, blocks.StreamBlock):
        data = {
            str(index): {
                "type": child.block_type,
                "value": block_form_data(child.block, child.value),
                "id": child.id or "",
                "deleted": "",
                "order": str(index),
            }
            for index, child in enumerate(value)
        }
        data["count"] = str(len(value))
        return data
    if isinstance(block, blocks.StructBlock):
        return {name: block_form_data(child, value.get(name)) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.ListBlock):
        data = {
            str(index): {
                "value": block_form_data(block.child_block, child.value),
                "id": child.id or "",
                "deleted": "",
                "order": str(index),
            }
            for index, child in enumerate(value.bound_blocks)
        }
        data["count"] = str(len(value.bound_blocks))
        return data
    if isinstance(block, blocks.RichTextBlock):
        return rich_text(value.source if value else "", features=block.features)
    if isinstance(block, blocks.ChooserBlock):
        return str(value.pk) if value else ""
    if isinstance(block, blocks.BooleanBlock):
        return "on" if value else ""
    return "" if value is None else str(value)


def preview_post_data(client, page):
    """The edit form's data for `page` (client must be logged in), StreamFields included."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    markup = response.content.decode()
    data = querydict_from_html(markup, form_id="page-edit-form")
    # querydict_from_html posts a ticked checkbox that has no value attribute as "", which Django reads as False.
    form = WagtailPageTestCase.get_soup(markup).find("form", attrs={"id": "page-edit-form"})
    for checkbox in form.find_all("input", attrs={"type": "checkbox"}):
        if checkbox.has_attr("checked") and "value" not in checkbox.attrs:
            data[checkbox["name"]] = "on"
    specific = page.specific
    for field in specific._meta.get_fields():
        if isinstance(field, StreamField):
            stream = nested_form_data({field.name: block_form_data(field.stream_block, getattr(specific, field.name))})
            for key, value in stream.items():
                data[key] = value
    return data


# -- HTML inspection ---------------------------------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def visible_text(markup):
    """Text of an HTML document or fragment: tags stripped, entities unescaped, whitespace and quotes normalised."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return normalise(html.unescape(_TAGS.sub(" ", markup)))


def normalise(text):
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


class TagCollector(HTMLParser):
    """Records every start tag with its attributes (and the body of each <script>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        entry = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.tags.append(entry)
        if tag == "script":
            self._in_script = entry

    def handle_startendtag(self, tag, attrs):
        self.tags.append({"tag": tag, "attrs": dict(attrs), "text": ""})

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["text"] += data


def parse_tags(markup):
    collector = TagCollector()
    collector.feed(markup)
    collector.close()
    return collector.tags


# -- page type rules ---------------------------------------------------------------------------


def all_page_models():
    """Every concrete page type of the project, plus Wagtail's root Page type."""
    from wagtail.models import get_page_models

    return [model for model in get_page_models() if not model._meta.abstract]


class PageTypeRulesMixin:
    """Checks a page type's parent and child rules against the whole set of page types.

    Subclasses set `model`, `parents` and `subpages` (sets of page classes).
    """

    model = None
    parents = set()
    subpages = set()

    def test_allowed_parent_page_types(self):
        self.assertAllowedParentPageTypes(self.model, self.parents)

    def test_allowed_subpage_types(self):
        self.assertAllowedSubpageTypes(self.model, self.subpages)

    def test_can_create_only_under_allowed_parents(self):
        for parent in all_page_models():
            with self.subTest(parent=parent.__name__):
                if parent in self.parents:
                    self.assertCanCreateAt(parent, self.model)
                else:
                    self.assertCanNotCreateAt(parent, self.model)

    def test_can_create_only_allowed_children(self):
        for child in all_page_models():
            with self.subTest(child=child.__name__):
                if child in self.subpages:
                    self.assertCanCreateAt(self.model, child)
                else:
                    self.assertCanNotCreateAt(self.model, child)


# -- query counting ----------------------------------------------------------------------------

# Filled in by the query-count tests and printed at the end of the run (see conftest.py).
QUERY_COUNTS = {}


def is_refused(response):
    """An admin refusal: 403, or a redirect to sign in or (for a person confined to it) to My profile."""
    if response.status_code == 403:
        return True
    if response.status_code != 302:
        return False
    return response["Location"].split("?")[0] in (reverse("wagtailadmin_login"), reverse("editorial_my_profile"))


# -- many people, fast ------------------------------------------------------------------------------


def bulk_create_faculty(parent, count, programs=(), clinic_sites=(), start=0):
    """`count` live faculty pages under `parent`, each with a photo of its own, in a few bulk INSERTs.

    Wagtail's add_child writes one page at a time (a dozen queries each); this writes the tree rows, the
    faculty rows, the images and the links in bulk, so a test of 1,000 people takes about a second. The photos
    are separate image rows that share one small file, so each has its own renditions, as real photos would.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from core.models import CustomImage
    from people.models import FacultyPage

    original = CustomImageFactory(title="Bulk portrait original")
    images = CustomImage.objects.bulk_create(
        [
            CustomImage(
                title=f"Bulk portrait {start + n}",
                alt_text=f"Portrait of Bulk Person {start + n}",
                file=original.file.name,
                width=original.width,
                height=original.height,
                file_size=original.file_size,
                file_hash=original.file_hash,
                collection_id=original.collection_id,
            )
            for n in range(count)
        ]
    )
    parent = Page.objects.get(pk=parent.pk)
    content_type = ContentType.objects.get_for_model(FacultyPage)
    now = timezone.now()
    pages = []
    for n in range(count):
        number = start + n
        slug = f"bulk-person-{number}"
        pages.append(
            Page(
                title=f"Bulk Person {number}",
                draft_title=f"Bulk Person {number}",
                slug=slug,
                path=Page._get_path(parent.path, parent.depth + 1, parent.numchild + n + 1),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                content_type=content_type,
                locale_id=parent.locale_id,
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
        )
    pages = Page.objects.bulk_create(pages)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    if not all(page.pk for page in pages):  # databases that do not return ids from a bulk insert
        slugs = [page.slug for page in pages]
        ids = dict(Page.objects.filter(slug__in=slugs, path__startswith=parent.path).values_list("slug", "pk"))
        for page in pages:
            page.pk = page.id = ids[page.slug]
    for page, image in zip(pages, images, strict=True):
        number = page.slug.rsplit("-", 1)[1]
        person = FacultyPage(
            page_ptr_id=page.pk,
            first_name="Bulk",
            last_name=f"Person {number.zfill(5)}",
            credentials="MD",
            roles="Core faculty",
            photo_id=image.pk,
            bio=f"<p>Bulk Person {number} is a fictional person.</p>",
        )
        person.save_base(raw=True, force_insert=True)  # the faculty row only: the page row exists
    for relation, targets in (("programs", programs), ("clinic_sites", clinic_sites)):
        through = getattr(FacultyPage, relation).through
        target_field = [field.name for field in through._meta.fields if field.name not in ("id", "facultypage")][0]
        links = [{"facultypage_id": page.pk, f"{target_field}_id": target.pk} for page in pages for target in targets]
        through.objects.bulk_create([through(**link) for link in links])
    return pages
