from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.defaultfilters import pluralize
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.blocks import BodyStreamBlock, FAQStreamBlock, FeatureListBlock
from core.models import CARD_RENDITIONS, RICH_TEXT_FEATURES, AddressFieldsMixin, BasePage, live_public, prefetch_images


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
        return live_public(ClinicSitePage.objects.filter(programs=self, role=ClinicSitePage.Role.CONTINUITY))

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

    def get_sections(self):
        """The track's own child pages (curriculum, sites, people, apply), for its contents list."""
        children = live_public(self.get_children()).specific()
        return prefetch_images(children, "listing_image", *CARD_RENDITIONS)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["facts"] = self.get_facts()
        context["sections"] = self.get_sections()
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
    @cached_property
    def program(self):
        return find_program(self)


class CurriculumPage(ProgramChildMixin, BasePage):
    """A track's curriculum: its rotations entered as data, shown as a schedule by year."""

    introduction = models.TextField(help_text="A paragraph on what the curriculum is designed to do.")
    cycle_inpatient_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The 'X' in an X+Y schedule: weeks of other rotations in each cycle.",
    )
    cycle_clinic_weeks = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="The 'Y' in an X+Y schedule: weeks of continuity clinic that end each cycle.",
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="Anything more: didactics, electives, scholarly work.")

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("introduction"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("cycle_inpatient_weeks"), FieldPanel("cycle_clinic_weeks")])],
            heading="Schedule cycle",
        ),
        InlinePanel("rotations", heading="Rotations", label="Rotation", min_num=1),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction"), index.SearchField("body")]

    parent_page_types = ["programs.ProgramPage"]
    subpage_types = []
    max_count_per_parent = 1

    @property
    def cycle_label(self):
        return f"{self.cycle_inpatient_weeks}+{self.cycle_clinic_weeks}"

    @property
    def cycle_weeks(self):
        return [False] * self.cycle_inpatient_weeks + [True] * self.cycle_clinic_weeks

    def get_schedule(self):
        """Rotations grouped by postgraduate year, with the weeks in each year."""
        years = {}
        for rotation in self.rotations.all():
            years.setdefault(rotation.year, []).append(rotation)
        return [
            {
                "year": year,
                "label": CurriculumRotation.Year(year).label,
                "rotations": rotations,
                "weeks": sum(r.weeks for r in rotations),
            }
            for year, rotations in sorted(years.items())
        ]

    def get_totals(self):
        """Weeks of each kind of rotation across the whole track."""
        totals = {}
        for rotation in self.rotations.all():
            totals[rotation.kind] = totals.get(rotation.kind, 0) + rotation.weeks
        return [
            {"kind": kind, "label": CurriculumRotation.Kind(kind).label, "weeks": weeks}
            for kind, weeks in sorted(totals.items(), key=lambda item: -item[1])
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["schedule"] = self.get_schedule()
        context["totals"] = self.get_totals()
        return context


class CurriculumRotation(Orderable):
    """One block of the schedule: what the resident does, in which year, for how many weeks."""

    class Year(models.IntegerChoices):
        PGY1 = 1, "PGY-1"
        PGY2 = 2, "PGY-2"
        PGY3 = 3, "PGY-3"

    class Kind(models.TextChoices):
        CONTINUITY = "continuity", "Continuity ambulatory clinic"
        AMBULATORY = "ambulatory", "Ambulatory rotation"
        INPATIENT = "inpatient", "Inpatient and critical care"
        DIDACTIC = "didactic", "Protected didactic week"
        ELECTIVE = "elective", "Elective"
        VACATION = "vacation", "Vacation"

    page = ParentalKey(CurriculumPage, on_delete=models.CASCADE, related_name="rotations")
    year = models.PositiveSmallIntegerField(choices=Year.choices, help_text="The postgraduate year.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="What sort of block this is.")
    name = models.CharField(max_length=120, help_text="e.g. 'Continuity clinic week' or 'Geriatrics'.")
    weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(52)], help_text="Weeks in this year."
    )
    description = models.CharField(max_length=300, blank=True, help_text="Optional: a sentence on what happens.")

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("kind"), FieldPanel("weeks")]),
        FieldPanel("name"),
        FieldPanel("description"),
    ]

    def __str__(self):
        return f"{self.get_year_display()}: {self.name} ({self.weeks} wk)"


class ClinicSiteIndexPage(ProgramChildMixin, BasePage):
    """Lists clinic sites. Under a track it lists that track's sites, wherever they live."""

    introduction = models.TextField(blank=True, help_text="A sentence or two above the list of sites.")

    content_panels = [*BasePage.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage", "programs.ProgramPage"]
    subpage_types = ["programs.ClinicSitePage"]
    max_count_per_parent = 1

    def get_sites(self):
        sites = live_public(ClinicSitePage.objects.all())
        # Under a track, being linked to it is enough: a site's page may live under another track.
        sites = sites.filter(programs=self.program) if self.program else sites.child_of(self)
        sites = sites.order_by("role", "title")
        return prefetch_images(sites, "image", *CARD_RENDITIONS)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sites = list(self.get_sites())
        context["continuity_sites"] = [s for s in sites if s.role == ClinicSitePage.Role.CONTINUITY]
        context["elective_sites"] = [s for s in sites if s.role != ClinicSitePage.Role.CONTINUITY]
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
        MultiFieldPanel(AddressFieldsMixin.address_panels, heading="Address"),
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

    def get_preceptors(self):
        from core.models import PORTRAIT_RENDITIONS
        from people.models import FacultyPage

        faculty = live_public(FacultyPage.objects.filter(clinic_sites=self)).order_by("last_name", "first_name")
        return prefetch_images(faculty, "photo", *PORTRAIT_RENDITIONS)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["preceptors"] = self.get_preceptors()
        context["site_programs"] = live_public(ProgramPage.objects.filter(clinic_sites=self))
        return context


class ApplyPage(ProgramChildMixin, BasePage):
    """How to apply to a track: ERAS, the dated timeline, requirements and FAQ."""

    introduction = models.TextField(help_text="One or two sentences: how and where to apply.")
    how_to_apply = RichTextField(features=RICH_TEXT_FEATURES, help_text="The steps of applying, e.g. through ERAS.")
    requirements = RichTextField(
        blank=True, features=RICH_TEXT_FEATURES, help_text="What an application must include (letters, scores, ...)."
    )
    faq = StreamField(FAQStreamBlock(), blank=True, help_text="Questions applicants ask, with answers.")

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("introduction"),
        FieldPanel("how_to_apply"),
        InlinePanel("timeline", heading="Timeline", label="Date"),
        FieldPanel("requirements"),
        FieldPanel("faq"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("introduction"),
        index.SearchField("how_to_apply"),
        index.SearchField("requirements"),
        index.SearchField("faq"),
    ]

    parent_page_types = ["programs.ProgramPage"]
    subpage_types = []
    max_count_per_parent = 1

    def get_timeline(self, today=None):
        today = today or date.today()
        events = sorted(self.timeline.all(), key=lambda event: event.date)
        for event in events:
            event.is_past = (event.end_date or event.date) < today
        return events

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["timeline"] = self.get_timeline()
        context["program"] = self.program
        context["facts"] = self.program.get_facts() if self.program else []
        return context


class ApplyTimelineEvent(Orderable):
    page = ParentalKey(ApplyPage, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField(help_text="The date, or the first day of a period.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day, if this is a period (e.g. interview season)."
    )
    title = models.CharField(max_length=120, help_text="e.g. 'ERAS opens to applicants'.")
    description = models.CharField(max_length=300, blank=True, help_text="Optional: a sentence of detail.")

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("end_date")]),
        FieldPanel("title"),
        FieldPanel("description"),
    ]

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})
