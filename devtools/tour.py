"""One live page of every page type, and the states applicants meet (a filtered directory, an empty result, the
graduates' chart, search results, a missing page): what `make screenshots` photographs and the browser tests
check.
"""

from dataclasses import dataclass

from taggit.models import Tag
from wagtail.models import Page, get_page_models

from home.models import HomePage, StandardPage
from people.models import FacultyPage, PersonIndexPage, ResidentPage
from programs.models import ApplyPage, ClinicSiteIndexPage, ClinicSitePage, CurriculumPage, ProgramPage

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, never a browser downloaded by `playwright install`; nothing in the background may reach
# another host (component updates, field trials, first-run pings).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class Stop:
    label: str
    path: str
    status: int = 200

    @property
    def slug(self):
        return "".join(char if char.isalnum() else "-" for char in self.label.lower()).strip("-")


def page_type_stops(site):
    """(label, model, filters) for every page type, and the first live page of each on `site`.

    Returns (stops, untested): `untested` names the page types of the project that this list does not visit.
    """
    wanted = [
        ("home", HomePage, {}),
        ("standard page", StandardPage, {}),
        ("program page", ProgramPage, {}),
        ("curriculum", CurriculumPage, {}),
        ("clinic site index", ClinicSiteIndexPage, {}),
        ("clinic site", ClinicSitePage, {}),
        ("apply", ApplyPage, {}),
        ("faculty index", PersonIndexPage, {"audience": PersonIndexPage.Audience.FACULTY}),
        ("residents index", PersonIndexPage, {"audience": PersonIndexPage.Audience.RESIDENTS}),
        ("faculty page", FacultyPage, {}),
        ("resident page", ResidentPage, {"outcome_kind": ""}),
    ]
    models = {model for model in get_page_models() if not model._meta.abstract and model is not Page}
    untested = sorted(model.__name__ for model in models - {model for _, model, _ in wanted})
    stops, missing = [], []
    for label, model, filters in wanted:
        page = model.objects.live().filter(**filters).order_by("path").first()
        if page is None:
            missing.append(f"{label} ({model.__name__})")
            continue
        stops.append(Stop(label, page.relative_url(site)))
    return stops, untested, missing


def state_stops(site):
    """The pages' other states: filters applied, an empty result, graduates and their outcomes, search, a 404."""
    stops = []
    faculty_index = PersonIndexPage.objects.live().filter(audience=PersonIndexPage.Audience.FACULTY).first()
    everyone = PersonIndexPage.objects.live().filter(audience=PersonIndexPage.Audience.EVERYONE).first()
    residents_index = PersonIndexPage.objects.live().filter(audience=PersonIndexPage.Audience.RESIDENTS).first()
    interest = Tag.objects.filter(people_facultyinterest_items__isnull=False).order_by("name").first()
    if faculty_index is not None and interest is not None:
        stops.append(Stop("faculty filtered", f"{faculty_index.relative_url(site)}?interest={interest.slug}"))
    if everyone is not None:
        graduate = ResidentPage.objects.live().exclude(outcome_kind="").order_by("graduation_year").first()
        year = graduate.graduation_year if graduate else 2000
        # A faculty filter and a class year never match together: the empty state.
        stops.append(Stop("directory no results", f"{everyone.relative_url(site)}?role=leadership&year={year}"))
    if residents_index is not None:
        stops.append(Stop("graduates and outcomes", f"{residents_index.relative_url(site)}?group=graduates"))
    graduate = ResidentPage.objects.live().exclude(outcome_kind="").order_by("path").first()
    if graduate is not None:
        stops.append(Stop("graduate page", graduate.relative_url(site)))
    stops.append(Stop("search results", "/search/?query=clinic"))
    stops.append(Stop("not found", "/this-page-does-not-exist/", status=404))
    return stops


def tour(site):
    """Every stop: the page types, then their states."""
    stops, untested, missing = page_type_stops(site)
    return stops + state_stops(site), untested, missing
