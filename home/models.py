from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from core.blocks import BodyStreamBlock
from core.models import RICH_TEXT_FEATURES, BasePage, live_public, prefetch_images
from core.routing import DirectRoutingMixin
from programs.models import ProgramPage


class HomePage(DirectRoutingMixin, BasePage):
    """The residency's landing page and the root of the site: hero, welcome, the tracks, highlights."""

    hero_heading = models.CharField(
        max_length=120, help_text="The large heading at the top of the page, e.g. the residency's name."
    )
    hero_text = models.CharField(
        max_length=300, blank=True, help_text="One sentence under the heading that says who the site is for."
    )
    hero_image = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A wide photo behind or beside the heading (at least 1600 px wide).",
    )
    introduction = RichTextField(
        blank=True, features=RICH_TEXT_FEATURES, help_text="A short welcome shown under the hero."
    )
    tracks_heading = models.CharField(
        max_length=80, default="Our tracks", help_text="Heading above the list of tracks."
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="Highlights and anything else below the tracks.")

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text"), FieldPanel("hero_image")], heading="Hero"
        ),
        FieldPanel("introduction"),
        FieldPanel("tracks_heading"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("hero_text"), index.SearchField("introduction")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "programs.ProgramPage",
        "people.PersonIndexPage",
        "programs.ClinicSiteIndexPage",
        "home.StandardPage",
        "admissions.ContactPage",
    ]
    max_count = 1

    def get_primary_image(self):
        return self.hero_image or self.listing_image

    def get_tracks(self):
        tracks = live_public(ProgramPage.objects.child_of(self))
        return prefetch_images(tracks, "listing_image", "card")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tracks"] = list(self.get_tracks())  # a list: the hero links to the first, the cards show all
        return context


class StandardPage(BasePage):
    """An ordinary content page: wellness, benefits, FAQ, life in the city."""

    introduction = models.TextField(blank=True, help_text="A sentence or two at the top of the page.")
    body = StreamField(BodyStreamBlock(), blank=True, help_text="The page's content.")

    content_panels = [*BasePage.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage", "programs.ProgramPage"]
    subpage_types = ["home.StandardPage"]
