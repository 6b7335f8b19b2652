"""Factories for the programs app's pages: tracks, curricula, clinic sites and apply pages.

Inline rows (salaries, rotations, timeline events) and many-to-many links are
taken as post-generation arguments and committed to the database, e.g.::

    CurriculumPageFactory(parent=track, rotations=30)
    CurriculumPageFactory(parent=track, rotations=[{"name": "Geriatrics", "weeks": 4, "year": 2}])
    ApplyPageFactory(parent=track, timeline=3, open_houses=[{"title": "Clinic tour", "format": "in_person", ...}])
    ClinicSitePageFactory(parent=sites_index, programs=[track, other_track])
"""

import datetime

import factory
import wagtail_factories
from wagtail.rich_text import RichText

from core.factories import CustomImageFactory, body_blocks, related_pages
from programs.models import (
    ApplyPage,
    ApplyTimelineEvent,
    ClinicSiteIndexPage,
    ClinicSitePage,
    CurriculumPage,
    CurriculumRotation,
    OpenHouse,
    ProgramPage,
    ProgramSalary,
)

ROTATION_KINDS = [
    CurriculumRotation.Kind.INPATIENT,
    CurriculumRotation.Kind.CONTINUITY,
    CurriculumRotation.Kind.AMBULATORY,
    CurriculumRotation.Kind.ELECTIVE,
    CurriculumRotation.Kind.DIDACTIC,
]


def _rows(extracted, default_row):
    """Turn a post-generation argument (a count, or a list of dicts) into a list of row dicts."""
    if extracted is None:
        return None
    if isinstance(extracted, int):
        return [default_row(index) for index in range(extracted)]
    return [{**default_row(index), **row} for index, row in enumerate(extracted)]


def _commit_rows(page, relation, model, rows):
    """Replace an inline (ParentalKey) relation's rows and write them to the database."""
    setattr(page, relation, [model(sort_order=index, **row) for index, row in enumerate(rows)])
    getattr(page, relation).commit()


class ProgramPageFactory(wagtail_factories.PageFactory):
    """A track with every fact filled in. Pass a fact as "" or None to leave it out."""

    class Meta:
        model = ProgramPage
        skip_postgeneration_save = True  # post-generation hooks commit their own rows

    title = factory.Sequence(lambda n: f"Test Track {n}")
    short_name = factory.Sequence(lambda n: f"TT{n}")
    introduction = factory.LazyAttribute(lambda page: f"{page.title} trains internists for primary care.")
    mission = "To develop culturally humble leaders in primary care."
    overview = factory.LazyFunction(lambda: body_blocks("Program overview", "Residents learn in diverse settings."))
    distinctive_features = factory.LazyFunction(
        lambda: [
            (
                "features",
                [
                    {"heading": "Personalized mentorship", "text": "Every resident has a mentor."},
                    {"heading": "Protected didactic weeks", "text": "Teaching time away from clinic."},
                ],
            )
        ]
    )
    positions_per_year = 7
    positions_are_approximate = True
    duration_years = 3
    structure = "4+1"
    structure_summary = "one week of continuity clinic every fifth week"
    ambulatory_weeks = 32
    nrmp_program_code = factory.Sequence(lambda n: f"9999{n:03d}C0")
    eras_program_id = ""
    visa_policy = "J-1 sponsored"
    score_policy = ""

    @factory.post_generation
    def salaries(self, create, extracted, **kwargs):
        """`salaries=[("PGY-1", 70000), ...]` adds salary rows."""
        if extracted is None:
            return
        rows = [{"year_label": label, "amount": amount} for label, amount in extracted]
        if create:
            _commit_rows(self, "salaries", ProgramSalary, rows)
        else:
            self.salaries = [ProgramSalary(**row) for row in rows]


def default_rotation(index):
    year = index % 3 + 1
    kind = ROTATION_KINDS[index % len(ROTATION_KINDS)]
    return {
        "year": year,
        "kind": kind,
        "name": f"Rotation {index + 1}",
        "weeks": 4 if kind != CurriculumRotation.Kind.CONTINUITY else 10,
        "description": f"What happens in rotation {index + 1}.",
    }


class CurriculumPageFactory(wagtail_factories.PageFactory):
    """A curriculum. `rotations=N` adds N generated rotations; `rotations=[{...}]` adds the given ones."""

    class Meta:
        model = CurriculumPage
        skip_postgeneration_save = True  # post-generation hooks commit their own rows

    title = "Curriculum"
    introduction = "The curriculum is built around continuity of care."
    cycle_inpatient_weeks = 4
    cycle_clinic_weeks = 1
    body = factory.LazyFunction(lambda: body_blocks("Didactics", "Protected didactic weeks every year."))

    @factory.post_generation
    def rotations(self, create, extracted, **kwargs):
        rows = _rows(3 if extracted is None else extracted, default_rotation)
        if create:
            _commit_rows(self, "rotations", CurriculumRotation, rows)
        else:
            self.rotations = [CurriculumRotation(**row) for row in rows]


class ClinicSiteIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ClinicSiteIndexPage

    title = factory.Sequence(lambda n: f"Clinic sites {n}")
    introduction = "Where residents keep their continuity clinic, and where they take electives."


class ClinicSitePageFactory(wagtail_factories.PageFactory):
    """A clinic site with a photo. `programs=[track, ...]` links it to tracks."""

    class Meta:
        model = ClinicSitePage
        skip_postgeneration_save = True  # post-generation hooks commit their own rows

    title = factory.Sequence(lambda n: f"Clinic Site {n}")
    kind = ClinicSitePage.Kind.FQHC
    role = ClinicSitePage.Role.CONTINUITY
    introduction = factory.LazyAttribute(lambda page: f"{page.title} serves the neighbourhood around it.")
    patients_served = "Adults of all ages, many uninsured."
    resident_role = "<p>Residents keep a panel of their own patients.</p>"
    image = factory.SubFactory(CustomImageFactory)
    street_address = factory.Sequence(lambda n: f"{100 + n} Example Street")
    city = "Exampleville"
    region = "CA"
    postal_code = "90000"

    programs = related_pages("programs")


def default_event(index):
    start = datetime.date(2026, 6, 1) + datetime.timedelta(weeks=2 * index)
    return {"date": start, "title": f"Timeline event {index + 1}", "description": f"Detail of event {index + 1}."}


def default_open_house(index):
    return {
        "title": f"Open house {index + 1}",
        "date": datetime.date(2026, 9, 10) + datetime.timedelta(weeks=4 * index),
        "start_time": datetime.time(17, 0),
        "end_time": datetime.time(18, 30),
        "time_zone": "America/Los_Angeles",
        "format": OpenHouse.Format.VIRTUAL,
        "location": "",
        "registration_url": f"https://example.org/open-house-{index + 1}",
        "description": f"Meet the residents, session {index + 1}.",
    }


class ApplyPageFactory(wagtail_factories.PageFactory):
    """An apply page. `timeline=N` adds N dated events; `timeline=[{...}]` adds the given ones."""

    class Meta:
        model = ApplyPage
        skip_postgeneration_save = True  # post-generation hooks commit their own rows

    title = "How to apply"
    introduction = "Apply through the Electronic Residency Application Service (ERAS)."
    how_to_apply = "<p>Submit your application through ERAS.</p>"
    requirements = "<p>Three letters of recommendation.</p>"
    faq = factory.LazyFunction(
        lambda: [
            (
                "question",
                {"question": "Can I apply to more than one track?", "answer": RichText("<p>Yes, you can.</p>")},
            )
        ]
    )

    @factory.post_generation
    def timeline(self, create, extracted, **kwargs):
        rows = _rows(2 if extracted is None else extracted, default_event)
        if create:
            _commit_rows(self, "timeline", ApplyTimelineEvent, rows)
        else:
            self.timeline = [ApplyTimelineEvent(**row) for row in rows]

    @factory.post_generation
    def open_houses(self, create, extracted, **kwargs):
        """`open_houses=N` adds N online open houses; `open_houses=[{...}]` adds the given ones. None by default."""
        rows = _rows(extracted, default_open_house)
        if rows is None:
            return
        if create:
            _commit_rows(self, "open_houses", OpenHouse, rows)
        else:
            self.open_houses = [OpenHouse(**row) for row in rows]
