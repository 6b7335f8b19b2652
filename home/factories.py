"""Factories for the home app's pages."""

import factory
import wagtail_factories

from core.factories import body_blocks
from home.models import HomePage, StandardPage


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Internal Medicine Residency"
    hero_heading = "Internal Medicine Residency"
    hero_text = "Training internists for every setting where patients need them."
    introduction = "<p>Welcome to the residency.</p>"
    tracks_heading = "Our tracks"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Standard page {n}")
    introduction = factory.LazyAttribute(lambda page: f"An introduction to {page.title.lower()}.")
    body = factory.LazyAttribute(lambda page: body_blocks(f"About {page.title}", f"The body of {page.title}."))
