"""Factories for the people app's pages: person indexes, faculty and resident profiles.

Names come from fixed lists of fictional names whose lengths (20 and 23) are
coprime, indexed by the sequence counter that every page factory shares, so any
460 consecutive pages made by factories never repeat a person's name (or
slug). Every person gets a generated photo unless `photo=None` is passed.
Many-to-many links and interests are post-generation arguments that are
written to the database::

    FacultyPageFactory(parent=index, programs=[track], clinic_sites=[site], clinical_interests=["HIV"])
"""

import factory
import wagtail_factories
from django.utils.text import slugify

from core.factories import CustomImageFactory, related_pages
from people.models import FacultyPage, PersonIndexPage, ResidentPage

FIRST_NAMES = [
    "Avery", "Bashir", "Camila", "Dmitri", "Esi", "Farid", "Greta", "Hana", "Ines", "Jonah",
    "Kofi", "Lena", "Mateo", "Nadia", "Oren", "Priya", "Quinn", "Rafael", "Sanna", "Tomas",
]  # fmt: skip
LAST_NAMES = [
    "Abernathy", "Brightwater", "Castellano", "Dunmore", "Eskildsen", "Fairweather", "Galloway",
    "Hollinger", "Ibarrola", "Jessup", "Kettering", "Lindqvist", "Marchetti", "Northcott",
    "Okonkwo-Test", "Pemberton", "Quintero", "Rasmussen", "Stavros", "Thornbury", "Underhill",
    "Vantongeren", "Whitcombe",
]  # fmt: skip


class PersonIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PersonIndexPage

    title = factory.Sequence(lambda n: f"People {n}")
    introduction = "The people of the track."
    audience = PersonIndexPage.Audience.EVERYONE


class PersonPageFactory(wagtail_factories.PageFactory):
    """Shared declarations of FacultyPageFactory and ResidentPageFactory (PersonPage is abstract)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True  # post-generation hooks commit their own rows

    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[n % len(LAST_NAMES)])
    title = factory.LazyAttribute(lambda person: f"{person.first_name} {person.last_name}")
    slug = factory.LazyAttribute(lambda person: slugify(person.title))
    credentials = "MD"
    photo = factory.SubFactory(
        CustomImageFactory,
        title=factory.LazyAttribute(lambda image: f"Portrait of {image.factory_parent.title}"),
        alt_text=factory.LazyAttribute(lambda image: f"Portrait of {image.factory_parent.title}"),
    )
    bio = factory.LazyAttribute(lambda person: f"<p>{person.first_name} {person.last_name} is a fictional person.</p>")

    programs = related_pages("programs")


class FacultyPageFactory(PersonPageFactory):
    class Meta:
        model = FacultyPage

    roles = "Core faculty"
    is_leadership = False

    clinic_sites = related_pages("clinic_sites")

    @factory.post_generation
    def clinical_interests(self, create, extracted, **kwargs):
        """`clinical_interests=["HIV primary care", ...]`: tags."""
        if not extracted:
            return
        self.clinical_interests.add(*extracted)
        if create:
            self.interest_items.commit()


class ResidentPageFactory(PersonPageFactory):
    class Meta:
        model = ResidentPage

    graduation_year = 2028
    medical_school = "University of Example School of Medicine"
    interests = "Addiction medicine, advocacy"
    spotlight = factory.LazyAttribute(lambda person: f"<p>{person.first_name} loves continuity clinic.</p>")
