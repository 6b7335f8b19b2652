"""The Contact page: the program office's details and the questions form, wherever editors place it."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from core.blocks import BodyStreamBlock
from core.models import BasePage
from core.seo import organization_id, page_node
from programs.models import ProgramChildMixin


class ContactPage(ProgramChildMixin, BasePage):
    """How applicants reach the program: its address, phone and email, and a form to send a question.

    Under a track, questions sent from it are filed under that track; under the home page, under none.
    """

    introduction = models.TextField(
        blank=True, help_text="A sentence or two at the top, e.g. when the office answers and how quickly."
    )
    form_heading = models.CharField(
        max_length=120, default="Ask us a question", help_text="The heading above the questions form."
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="Anything more, shown under the form.")

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("introduction"),
        FieldPanel("form_heading"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "programs.ProgramPage"]
    subpage_types = []
    max_count_per_parent = 1

    template = "admissions/contact_page.html"

    def get_structured_data(self, request):
        """The page as a schema.org ContactPage about the program office (the organisation node of every page)."""
        about = {"@id": organization_id(request)}
        return [page_node(self, request, "ContactPage", "webpage", self.introduction, about=about)]
