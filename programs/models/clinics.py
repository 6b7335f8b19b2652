"""The clinic sites where residents train, and the page that lists them."""

from django import forms
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from core.models import (
    RICH_TEXT_FEATURES,
    AddressFieldsMixin,
    BasePage,
    images_with_renditions_on_demand,
    live_public,
    phone_validator,
    prefetch_images,
)
from core.pagination import group_by_section, page_links, paginate
from core.seo import page_node, postal_address
from core.text import tel_href
from programs.models.program import ProgramChildMixin, ProgramPage


class ClinicSiteIndexPage(ProgramChildMixin, BasePage):
    """Lists clinic sites. Under a track it lists that track's sites, wherever they live."""

    introduction = models.TextField(blank=True, help_text="A sentence or two above the list of sites.")

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage", "programs.ProgramPage"]
    subpage_types = ["programs.ClinicSitePage"]
    max_count_per_parent = 1

    SITES_PER_PAGE = 24
    cache_query_parameters = ("page",)
    GROUP_HEADINGS = {"continuity": "Continuity clinic sites", "elective": "Elective sites"}

    def get_sites(self):
        """Every live site this page lists: under a track, those linked to it; elsewhere, its own children."""
        sites = live_public(ClinicSitePage.objects.all())
        # Under a track, being linked to it is enough: a site's page may live under another track.
        sites = sites.filter(programs=self.program) if self.program else sites.child_of(self)
        sites = sites.order_by("role", "title", "pk")
        return prefetch_images(sites, "image", "card")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Continuity sites come first ("continuity" sorts before "elective"), a page at a time.
        context["sites_page"] = sites_page = paginate(request, self.get_sites(), self.SITES_PER_PAGE)
        context["site_groups"] = group_by_section(
            [(site.role, site) for site in sites_page.object_list], self.GROUP_HEADINGS
        )
        base = self.get_url(request) or ""
        context["pagination"] = page_links(sites_page, lambda page: f"{base}?page={page}" if page > 1 else base)
        return context


class ClinicSitePage(AddressFieldsMixin, BasePage):
    """A clinic where residents train: who it serves, what residents do there, where it is."""

    class Kind(models.TextChoices):
        FQHC = "fqhc", "Federally qualified health center (FQHC)"
        HOSPITAL_PRACTICE = "hospital_practice", "Hospital-owned practice"
        LGBTQ_HIV = "lgbtq_hiv", "LGBTQIA+ and HIV primary care clinic"
        PRIVATE_NETWORK = "private_network", "Private practice network"
        POPULATION = "population", "Population-based clinic"
        VA = "va", "Veterans Affairs clinic"
        OTHER = "other", "Other"

    class Role(models.TextChoices):
        CONTINUITY = "continuity", "Continuity clinic site"
        ELECTIVE = "elective", "Elective site"

    kind = models.CharField(max_length=30, choices=Kind.choices, help_text="What sort of clinic this is.")
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.CONTINUITY,
        help_text="Continuity sites are where residents keep their own patient panel.",
    )
    introduction = models.TextField(help_text="A sentence or two on the site.")
    patients_served = models.TextField(blank=True, help_text="Who the clinic's patients are.")
    resident_role = RichTextField(
        "what residents do here", blank=True, features=RICH_TEXT_FEATURES, help_text="Residents' work at this site."
    )
    image = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A photo of the site.",
    )
    phone = models.CharField(
        max_length=30,
        blank=True,
        validators=[phone_validator],
        help_text="The clinic's public phone number, e.g. '(323) 555-0142'. Leave blank if it has none.",
    )
    programs = ParentalManyToManyField(
        ProgramPage, blank=True, related_name="clinic_sites", help_text="The tracks whose residents train here."
    )

    content_panels = [
        *BasePage.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("role")]),
        FieldPanel("introduction"),
        FieldPanel("patients_served"),
        FieldPanel("resident_role"),
        FieldPanel("image"),
        MultiFieldPanel([*AddressFieldsMixin.address_panels, FieldPanel("phone")], heading="Address and phone"),
        FieldPanel("programs", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("introduction"),
        index.SearchField("patients_served"),
        index.SearchField("resident_role"),
        index.FilterField("role"),
    ]

    parent_page_types = ["programs.ClinicSiteIndexPage"]
    subpage_types = []

    PRECEPTORS_PER_PAGE = 12
    cache_query_parameters = ("page",)

    def get_preceptors(self):
        """Every live faculty member who precepts here (the page shows them a page at a time)."""
        preceptors = self.preceptors.select_related("photo").only(*self.preceptors.model.card_fields)
        return live_public(preceptors).order_by("last_name", "first_name", "pk")

    def get_primary_image(self):
        return self.image or self.listing_image

    def get_structured_data(self, request):
        """The site as a schema.org MedicalClinic (a primary care clinic), with its address and phone."""
        clinic = page_node(
            self,
            request,
            "MedicalClinic",
            "clinic",
            self.introduction,
            address=postal_address(self),
            telephone=tel_href(self.phone).removeprefix("tel:"),
            medicalSpecialty="https://schema.org/PrimaryCare",
            hasMap=self.maps_url if self.address_lines else "",
        )
        return [clinic]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["preceptors"] = preceptors = paginate(request, self.get_preceptors(), self.PRECEPTORS_PER_PAGE)
        preceptors.object_list = images_with_renditions_on_demand(preceptors.object_list, "photo", "portrait")
        base = f"{self.get_url(request) or ''}"
        context["pagination"] = page_links(
            preceptors,
            lambda page: f"{base}?page={page}#preceptors-heading" if page > 1 else f"{base}#preceptors-heading",
        )
        context["site_programs"] = live_public(ProgramPage.objects.filter(clinic_sites=self))
        return context
