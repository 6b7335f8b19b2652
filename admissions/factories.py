"""Factories for the admissions app's page type."""

import factory
import wagtail_factories

from admissions.models import ContactPage


class ContactPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ContactPage

    title = factory.Sequence(lambda n: f"Contact us {n}")
    introduction = "The program office answers every question within a few working days."
    form_heading = "Ask us a question"
