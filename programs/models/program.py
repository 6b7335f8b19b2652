"""A track of the residency (ProgramPage) and what every page inside a track shares (ProgramChildMixin)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.defaultfilters import pluralize
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.blocks import BodyStreamBlock, FeatureListBlock
from core.models import BasePage, live_public, prefetch_images
from core.seo import organization_id, page_node


class ProgramPage(BasePage):
    """One track of the residency (e.g. the Primary Care Track).

    The track's facts live here and only here: the at-a-glance card, the apply
    page and the curriculum all read them from this page. A fact left empty is
    not shown anywhere.
    """

    short_name = models.CharField(max_length=20, blank=True, help_text="Abbreviation used in running text, e.g. 'PCT'.")
    introduction = models.TextField(help_text="The opening paragraph: who the track is for, in two or three sentences.")
    mission = models.TextField(blank=True, help_text="The track's mission statement.")
    overview = StreamField(BodyStreamBlock(), blank=True, help_text="The program overview, in sections.")
    distinctive_features = StreamField(
        [("features", FeatureListBlock())],
        blank=True,
        max_num=1,
        help_text="What makes the track distinctive, as short highlights.",
    )

    positions_per_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Residents the track takes each year.",
    )
    positions_are_approximate = models.BooleanField(
        default=False, help_text="Tick to show the number as 'approximately N'."
    )
    duration_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Length of the track in years, e.g. 3.",
    )
    structure = models.CharField(
        max_length=40, blank=True, help_text="The schedule model in a few characters, e.g. '4+1'."
    )
    structure_summary = models.CharField(
        max_length=255,
        blank=True,
        help_text="The schedule model in a sentence, e.g. 'one week of continuity clinic every fifth week'.",
    )
    ambulatory_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(156)],
        help_text="Weeks of ambulatory rotations beyond continuity clinic, e.g. 32.",
    )
    nrmp_program_code = models.CharField(
        "NRMP program code", max_length=20, blank=True, help_text="The track's NRMP code, e.g. '1234140C0'."
    )
    eras_program_id = models.CharField("ERAS program ID", max_length=30, blank=True, help_text="Optional.")
    visa_policy = models.CharField(
        max_length=255,
        blank=True,
        help_text="Which visas the track sponsors, e.g. 'J-1 sponsored; H-1B not sponsored'.",
    )
    score_policy = models.CharField(
        max_length=255, blank=True, help_text="USMLE/COMLEX expectations, e.g. 'Step 2 CK required by interview'."
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("short_name"),
        FieldPanel("introduction"),
        FieldPanel("mission"),
        FieldPanel("overview"),
        FieldPanel("distinctive_features"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("positions_per_year"), FieldPanel("positions_are_approximate")]),
                FieldRowPanel([FieldPanel("duration_years"), FieldPanel("structure")]),
                FieldPanel("structure_summary"),
                FieldPanel("ambulatory_weeks"),
                FieldRowPanel([FieldPanel("nrmp_program_code"), FieldPanel("eras_program_id")]),
                FieldPanel("visa_policy"),
                FieldPanel("score_policy"),
                InlinePanel("salaries", heading="Salary by year", label="Salary"),
            ],
            heading="Facts at a glance",
            help_text="Shown on the track page and the apply page. Leave a fact empty to hide it.",
        ),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("introduction"),
        index.SearchField("mission"),
        index.SearchField("overview"),
        index.SearchField("short_name"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = [
        "programs.CurriculumPage",
        "programs.ClinicSiteIndexPage",
        "programs.ApplyPage",
        "people.PersonIndexPage",
        "home.StandardPage",
    ]

    @property
    def display_name(self):
        return self.short_name or self.title

    def live_continuity_sites(self):
        sites = self.clinic_sites  # the ClinicSitePages linked to this track
        return live_public(sites.filter(role=sites.model.Role.CONTINUITY))

    @cached_property
    def continuity_site_count(self):
        # Counted from the site pages themselves so the number never disagrees with them.
        return self.live_continuity_sites().count()

    def get_facts(self):
        """The track's facts as (label, value) pairs, leaving out the empty ones."""
        facts = []
        if self.positions_per_year:
            prefix = "Approximately " if self.positions_are_approximate else ""
            facts.append(("Residents per year", f"{prefix}{self.positions_per_year}"))
        if self.duration_years:
            facts.append(("Length", f"{self.duration_years} year{pluralize(self.duration_years)}"))
        if self.structure:
            value = self.structure
            if self.structure_summary:
                value = f"{value}: {self.structure_summary}"
            facts.append(("Schedule", value))
        if self.continuity_site_count:
            facts.append(("Continuity clinic sites", str(self.continuity_site_count)))
        if self.ambulatory_weeks:
            facts.append(("Ambulatory rotation weeks", str(self.ambulatory_weeks)))
        if self.nrmp_program_code:
            facts.append(("NRMP program code", self.nrmp_program_code))
        if self.eras_program_id:
            facts.append(("ERAS program ID", self.eras_program_id))
        salaries = list(self.salaries.all())
        if salaries:
            facts.append(("Salary", "; ".join(f"{s.year_label}: ${s.amount:,}" for s in salaries)))
        if self.visa_policy:
            facts.append(("Visas", self.visa_policy))
        if self.score_policy:
            facts.append(("Board scores", self.score_policy))
        return facts

    def get_stats(self):
        """The headline numbers for the stats band: (number, what it counts), leaving out the unknown ones."""
        stats = []
        if self.positions_per_year:
            label = "residents a year, approximately" if self.positions_are_approximate else "residents a year"
            stats.append((str(self.positions_per_year), label))
        if self.duration_years:
            stats.append((str(self.duration_years), f"year{pluralize(self.duration_years)} of training"))
        if self.structure:
            stats.append((self.structure, self.structure_summary or "schedule"))
        if self.continuity_site_count:
            stats.append((str(self.continuity_site_count), "continuity clinic sites to choose from"))
        if self.ambulatory_weeks:
            stats.append((str(self.ambulatory_weeks), "weeks of ambulatory rotations"))
        return stats

    @cached_property
    def apply_page(self):
        """The track's live apply page, or None (one of its sections, so no query of its own)."""
        return next((section for section in self.get_sections() if getattr(section, "takes_applications", False)), None)

    def get_apply_page(self):
        return self.apply_page

    def get_structured_data(self, request):
        """The track as a schema.org EducationalOccupationalProgram: length, positions and application dates."""
        dates = self.apply_page.get_milestone_dates() if self.apply_page is not None else {}
        program = page_node(
            self,
            request,
            "EducationalOccupationalProgram",
            "program",
            self.introduction,
            alternateName=self.short_name,
            provider={"@id": organization_id(request)},
            programType="Graduate medical education (residency)",
            educationalProgramMode="onsite",
            timeToComplete=f"P{self.duration_years}Y" if self.duration_years else "",
            maximumEnrollment=self.positions_per_year,
            **dates,
        )
        return [program]

    @cached_property
    def _sections(self):
        children = live_public(self.get_children()).specific()
        return list(prefetch_images(children, "listing_image", "card"))

    def get_sections(self):
        """The track's own child pages (curriculum, sites, people, apply), for its contents list."""
        return self._sections

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["facts"] = self.get_facts()
        context["stats"] = self.get_stats()
        context["sections"] = self.get_sections()
        context["apply_page"] = self.apply_page
        context["next_event"] = self.apply_page.get_next_event() if self.apply_page else None
        return context


class ProgramSalary(Orderable):
    page = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="salaries")
    year_label = models.CharField(max_length=20, help_text="e.g. 'PGY-1'.")
    amount = models.PositiveIntegerField(help_text="Annual salary in US dollars, whole dollars.")

    panels = [FieldRowPanel([FieldPanel("year_label"), FieldPanel("amount")])]


def find_program(page):
    """The track a page belongs to: the nearest ProgramPage above it, or None."""
    return ProgramPage.objects.ancestor_of(page).order_by("-depth").first()


class ProgramChildMixin:
    """For pages inside a track: which track, and a title that says so (two tracks each have a 'Faculty')."""

    @cached_property
    def program(self):
        return find_program(self)

    def get_meta_title_parts(self):
        parts = super().get_meta_title_parts()
        if self.program is not None and self.program.title not in parts[0]:
            parts.append(self.program.title)
        return parts

    def get_meta_description(self, title_parts=None):
        """An editor's search description as it is; a fallback says which page of which track it is, as pages in
        two tracks (or two lists in one) may share an introduction. `title_parts` as the page's title has them."""
        description = super().get_meta_description()
        if self.search_description or self.program is None or not description:
            return description
        return f"{' · '.join(title_parts or self.get_meta_title_parts())}: {description}"
