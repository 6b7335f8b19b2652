from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.blocks import BodyStreamBlock, FAQStreamBlock, FeatureListBlock
from core.models import (
    RICH_TEXT_FEATURES,
    AddressFieldsMixin,
    BasePage,
    live_public,
    phone_validator,
    prefetch_images,
)


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
        return next((section for section in self.get_sections() if isinstance(section, ApplyPage)), None)

    def get_structured_data(self, request):
        """The track as a schema.org EducationalOccupationalProgram: length, positions and application dates."""
        from core.seo import organization_id, page_node

        dates = {}
        if self.apply_page is not None:
            milestones = ApplyTimelineEvent.Milestone
            for key, milestone in [
                ("applicationStartDate", milestones.APPLICATIONS_OPEN),
                ("applicationDeadline", milestones.APPLICATION_DEADLINE),
                ("startDate", milestones.PROGRAM_START),
            ]:
                date_value = self.apply_page.get_milestone(milestone)
                dates[key] = date_value.isoformat() if date_value else ""
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

    def get_meta_description(self):
        """An editor's search description as it is; a fallback says which page of which track it is, as pages in
        two tracks (or two lists in one) may share an introduction."""
        description = super().get_meta_description()
        if self.search_description or self.program is None or not description:
            return description
        return f"{' · '.join(self.get_meta_title_parts())}: {description}"


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

    @cached_property
    def _rotations(self):
        return list(self.rotations.all())

    def get_schedule(self):
        """Rotations grouped by postgraduate year, with the weeks in each year."""
        years = {}
        for rotation in self._rotations:
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
        for rotation in self._rotations:
            totals[rotation.kind] = totals.get(rotation.kind, 0) + rotation.weeks
        return [
            {"kind": kind, "label": CurriculumRotation.Kind(kind).label, "weeks": weeks}
            for kind, weeks in sorted(totals.items(), key=lambda item: -item[1])
        ]

    def get_year_grids(self, schedule=None):
        """Each postgraduate year as 52 weeks, for the year-at-a-glance grid (programs/schedule.py)."""
        from programs.schedule import year_grids

        schedule = self.get_schedule() if schedule is None else schedule
        labels = dict(CurriculumRotation.Kind.choices)
        return year_grids(schedule, self.cycle_inpatient_weeks, self.cycle_clinic_weeks, labels)

    def get_context(self, request, *args, **kwargs):
        from programs.schedule import KIND_CODES, phone_columns

        context = super().get_context(request, *args, **kwargs)
        context["schedule"] = schedule = self.get_schedule()
        context["totals"] = self.get_totals()
        context["year_grids"] = self.get_year_grids(schedule)
        context["grid_columns"] = phone_columns(self.cycle_inpatient_weeks, self.cycle_clinic_weeks)
        kinds = {item["kind"] for grid in context["year_grids"] for item in grid.legend}
        context["grid_legend"] = [
            {"kind": kind, "label": label, "code": KIND_CODES.get(kind, "·")}
            for kind, label in [*CurriculumRotation.Kind.choices, ("unassigned", "Unscheduled time")]
            if kind in kinds
        ]
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
        from core.pagination import group_by_section, page_links, paginate

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
        from people.models import FacultyPage

        faculty = live_public(FacultyPage.objects.filter(clinic_sites=self)).order_by("last_name", "first_name", "pk")
        return prefetch_images(faculty, "photo", "portrait")

    def get_primary_image(self):
        return self.image or self.listing_image

    def get_structured_data(self, request):
        """The site as a schema.org MedicalClinic (a primary care clinic), with its address and phone."""
        from core.seo import page_node, postal_address
        from core.templatetags.navigation_tags import tel_href

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
        from core.pagination import page_links, paginate

        context = super().get_context(request, *args, **kwargs)
        context["preceptors"] = preceptors = paginate(request, self.get_preceptors(), self.PRECEPTORS_PER_PAGE)
        base = f"{self.get_url(request) or ''}"
        context["pagination"] = page_links(
            preceptors,
            lambda page: f"{base}?page={page}#preceptors-heading" if page > 1 else f"{base}#preceptors-heading",
        )
        context["site_programs"] = live_public(ProgramPage.objects.filter(clinic_sites=self))
        return context


class ApplyPage(RoutablePageMixin, ProgramChildMixin, BasePage):
    """How to apply to a track: ERAS, the dated timeline, open houses, requirements and FAQ.

    Every date and open house can be downloaded as an .ics event, and the whole page as a calendar that applicants
    subscribe to (see programs/calendar.py).
    """

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
        InlinePanel(
            "open_houses",
            heading="Open houses",
            label="Open house",
            help_text="Information sessions for applicants. Past ones stay listed, marked as past.",
        ),
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

    @cached_property
    def _timeline(self):
        return sorted(self.timeline.all(), key=lambda event: event.date)

    def get_timeline(self, today=None):
        """The dated entries in order, each marked as past (its last day has gone) or current (under way today)."""
        today = today or timezone.localdate()
        for event in self._timeline:
            event.is_past = event.last_date < today
            event.is_current = not event.is_past and event.date <= today
        return self._timeline

    @cached_property
    def _open_houses(self):
        return sorted(self.open_houses.all(), key=lambda open_house: open_house.starts_at)

    def get_open_houses(self):
        """The open houses by date and time (past ones included; each knows whether it `is_past`)."""
        return self._open_houses

    def get_next_event(self, today=None):
        """The first date on the timeline that has not passed (under way or to come), or None."""
        return next((event for event in self.get_timeline(today) if not event.is_past), None)

    def get_milestone(self, milestone):
        """The date of the first timeline entry marked as `milestone` (e.g. the application deadline), or None."""
        return next((event.date for event in self._timeline if event.milestone == milestone), None)

    # Calendar downloads: one event, one open house, or everything as a subscribable feed. (Wagtail's page URLs
    # take no dots, so the addresses end in a slash; the responses name their files .ics.)

    def calendar_url(self, request, route_name="calendar", *args):
        url = self.get_url(request)
        return url + self.reverse_subpage(route_name, args=args) if url else ""

    @path("calendar/", name="calendar")
    def calendar_feed(self, request):
        from programs.calendar import calendar_response

        return calendar_response(request, self, self.get_timeline(), self.get_open_houses(), "calendar", feed=True)

    @path("dates/<int:event_id>/", name="timeline_event")
    def timeline_event_ics(self, request, event_id):
        from programs.calendar import calendar_response

        event = next((event for event in self.timeline.all() if event.pk == event_id), None)
        if event is None:
            raise Http404("No such date on this page.")
        return calendar_response(request, self, [event], [], slugify(event.title) or "date")

    @path("open-houses/<int:open_house_id>/", name="open_house")
    def open_house_ics(self, request, open_house_id):
        from programs.calendar import calendar_response

        open_house = next((item for item in self.open_houses.all() if item.pk == open_house_id), None)
        if open_house is None:
            raise Http404("No such open house on this page.")
        return calendar_response(request, self, [], [open_house], slugify(open_house.title) or "open-house")

    def get_structured_data(self, request):
        """Each open house as a schema.org Event, so search engines can list it with its date and format."""
        from core.seo import compact, excerpt, organization_id

        modes = {
            OpenHouse.Format.VIRTUAL: "OnlineEventAttendanceMode",
            OpenHouse.Format.IN_PERSON: "OfflineEventAttendanceMode",
            OpenHouse.Format.HYBRID: "MixedEventAttendanceMode",
        }
        page_url = self.get_full_url(request)
        events = []
        for open_house in self.get_open_houses():
            if open_house.is_past:
                continue  # search engines list what is still to come
            url = open_house.registration_url or page_url
            if open_house.format == OpenHouse.Format.VIRTUAL:
                location = {"@type": "VirtualLocation", "url": url}
            else:
                location = {"@type": "Place", "name": open_house.location, "address": open_house.location}
            event = {
                "@type": "Event",
                "name": open_house.title,
                "description": excerpt(open_house.description, 300),
                "startDate": open_house.starts_at.isoformat(),
                "endDate": open_house.ends_at.isoformat(),
                "eventAttendanceMode": f"https://schema.org/{modes.get(open_house.format, modes['virtual'])}",
                "eventStatus": "https://schema.org/EventScheduled",
                "location": location,
                "organizer": {"@id": organization_id(request)},
                "isAccessibleForFree": True,
                "url": url,
            }
            events.append(compact(event))
        return events

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["timeline"] = self.get_timeline()
        context["open_houses"] = self.get_open_houses()
        context["next_event"] = self.get_next_event()
        context["next_open_house"] = next((item for item in context["open_houses"] if not item.is_past), None)
        for event in context["timeline"]:
            event.calendar_url = self.calendar_url(request, "timeline_event", event.pk)
        for open_house in context["open_houses"]:
            open_house.calendar_url = self.calendar_url(request, "open_house", open_house.pk)
        feed_url = self.calendar_url(request)
        context["calendar_feed_url"] = feed_url
        # The address as this visitor reached the site, for calendar apps; webcal: asks the app to subscribe
        # (and keep checking for new dates) rather than import the dates once.
        context["calendar_feed_address"] = request.build_absolute_uri(feed_url) if feed_url else ""
        context["calendar_subscribe_url"] = "webcal://" + context["calendar_feed_address"].split("://", 1)[-1]
        context["program"] = self.program
        context["facts"] = self.program.get_facts() if self.program else []
        return context


class ApplyTimelineEvent(Orderable):
    class Milestone(models.TextChoices):
        APPLICATIONS_OPEN = "applications_open", "Applications open"
        APPLICATION_DEADLINE = "application_deadline", "Application deadline"
        PROGRAM_START = "program_start", "Residency begins"

    page = ParentalKey(ApplyPage, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField(help_text="The date, or the first day of a period.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day, if this is a period (e.g. interview season)."
    )
    title = models.CharField(max_length=120, help_text="e.g. 'ERAS opens to applicants'.")
    description = models.CharField(max_length=300, blank=True, help_text="Optional: a sentence of detail.")
    milestone = models.CharField(
        max_length=30,
        choices=Milestone.choices,
        blank=True,
        help_text=(
            "Optional: mark the date applications open, the application deadline and the day residency begins, "
            "so search engines can show them."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("end_date")]),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("milestone"),
    ]

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})

    @property
    def last_date(self):
        return self.end_date or self.date


# The time zones of the United States, for open houses; an event's time is shown in its own zone.
TIME_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
]


def default_time_zone():
    """The site's own time zone (settings.TIME_ZONE) when it is one of the choices, else Pacific."""
    return settings.TIME_ZONE if settings.TIME_ZONE in dict(TIME_ZONES) else "America/Los_Angeles"


class OpenHouse(Orderable):
    """An open house or information session for applicants: when, in which time zone, where, how to register."""

    class Format(models.TextChoices):
        VIRTUAL = "virtual", "Online"
        IN_PERSON = "in_person", "In person"
        HYBRID = "hybrid", "In person and online"

    page = ParentalKey(ApplyPage, on_delete=models.CASCADE, related_name="open_houses")
    title = models.CharField(
        max_length=120, help_text="e.g. 'Virtual open house: meet the residents' or 'Clinic tour at Alder Park'."
    )
    date = models.DateField(help_text="The day of the event.")
    start_time = models.TimeField(help_text="When it starts, in the time zone below, e.g. 17:00.")
    end_time = models.TimeField(help_text="When it ends, in the same time zone.")
    time_zone = models.CharField(
        max_length=40,
        choices=TIME_ZONES,
        default=default_time_zone,
        help_text="The time zone of the times above. Applicants see it next to the time.",
    )
    format = models.CharField(
        max_length=20, choices=Format.choices, default=Format.VIRTUAL, help_text="Online, in person, or both."
    )
    location = models.CharField(
        max_length=200,
        blank=True,
        help_text="For in-person events, where (e.g. 'Alder Park Community Health Center, 2150 Alder Park Way').",
    )
    registration_url = models.URLField(
        "registration link", blank=True, help_text="Where applicants register (and, for online events, get the link)."
    )
    description = models.CharField(max_length=300, blank=True, help_text="Optional: a sentence on what to expect.")

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldRowPanel([FieldPanel("time_zone"), FieldPanel("format")]),
        FieldPanel("location"),
        FieldPanel("registration_url"),
        FieldPanel("description"),
    ]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def clean(self):
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The end time must be after the start time."})
        if self.format != self.Format.VIRTUAL and not self.location:
            raise ValidationError({"location": "Say where an in-person event takes place."})

    @property
    def zone(self):
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(default_time_zone())

    @property
    def starts_at(self):
        return datetime.combine(self.date, self.start_time, tzinfo=self.zone)

    @property
    def ends_at(self):
        return datetime.combine(self.date, self.end_time, tzinfo=self.zone)

    @property
    def time_zone_abbreviation(self):
        """'PDT' or 'PST', as the event's date has it."""
        return self.starts_at.tzname()

    @property
    def is_past(self):
        return self.ends_at < timezone.now()
