"""A track of the residency (ProgramPage) and what every page inside a track shares (ProgramChildMixin)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.template.defaultfilters import pluralize
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BodyStreamBlock, FeatureListBlock
from core.current_request import current_request
from core.generation_memo import remember
from core.models import BasePage, live_public, phone_validator, prefetch_images, prefetch_renditions_of
from core.routing import routed_pages_above
from core.seo import compact, image_url, organization_id, page_node
from core.text import tel_href


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
        InlinePanel(
            "contacts",
            heading="Contacts",
            label="Contact",
            help_text=(
                "The people applicants can write to: shown in the track's “Questions?” box and to search engines."
            ),
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
        "admissions.ContactPage",
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

    # The facts the track page's stats band shows as headline numbers; its "At a glance" box leaves them out.
    HEADLINE_FACTS = (
        "Residents per year",
        "Length",
        "Schedule",
        "Continuity clinic sites",
        "Ambulatory rotation weeks",
    )

    def get_facts(self, headline=True):
        """The track's facts as (label, value) pairs, leaving out the empty ones (and the headline ones, which the
        stats band shows, unless `headline`)."""
        facts = self._all_facts()
        return facts if headline else [(label, value) for label, value in facts if label not in self.HEADLINE_FACTS]

    def _all_facts(self):
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

    @cached_property
    def _contacts(self):
        contacts = self.contacts.all()
        if isinstance(contacts, QuerySet):  # a preview holds them in memory
            # The photos with the contacts, and their portraits in one more query, only when there are any.
            contacts = list(contacts.select_related("photo"))
            prefetch_renditions_of([contact.photo for contact in contacts], "portrait")
        return list(contacts)

    def get_contacts(self):
        """The named people applicants can write to (director, coordinator...), in the editors' order."""
        return self._contacts

    def get_structured_data(self, request):
        """The track as a schema.org EducationalOccupationalProgram: length, positions and application dates; its
        contacts as Persons who work for the institution."""
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
            # An approximate number is not a maximum: say it in words instead.
            maximumEnrollment=None if self.positions_are_approximate else self.positions_per_year,
            **dates,
        )
        contacts = enumerate(self.get_contacts(), 1)
        people = [contact.get_structured_data(request, program["url"], number) for number, contact in contacts]
        return [program, *people]

    @cached_property
    def _sections(self):
        children = live_public(self.get_children()).specific()
        return list(prefetch_images(children, "listing_image", "card"))

    def get_sections(self):
        """The track's own child pages (curriculum, sites, people, apply), for its contents list."""
        return self._sections

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stats"] = self.get_stats()
        context["facts"] = self.get_facts(headline=not context["stats"])
        context["sections"] = self.get_sections()
        context["contacts"] = self.get_contacts()
        context["apply_page"] = self.apply_page
        context["next_event"] = self.apply_page.get_next_event() if self.apply_page else None
        return context


class ProgramContact(Orderable):
    """A named person applicants can write to about the track: its director, coordinator..."""

    class Role(models.TextChoices):
        DIRECTOR = "director", "Program director"
        ASSOCIATE_DIRECTOR = "associate_director", "Associate program director"
        COORDINATOR = "coordinator", "Program coordinator"
        OTHER = "other", "Other"

    page = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=30, choices=Role.choices, help_text="What they are to applicants.")
    name = models.CharField(max_length=120, help_text="With credentials, e.g. 'Grace Lindqvist, MD'.")
    job_title = models.CharField(
        max_length=150,
        blank=True,
        help_text="Optional: their title as it should be shown, e.g. 'Director, Primary Care Track'. "
        "Leave blank to show the role.",
    )
    photo = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional: a portrait (shown small, square).",
    )
    email = models.EmailField(blank=True, help_text="Where applicants can write to them.")
    phone = models.CharField(max_length=30, blank=True, validators=[phone_validator], help_text="Optional.")

    panels = [
        FieldRowPanel([FieldPanel("role"), FieldPanel("name")]),
        FieldPanel("job_title"),
        FieldPanel("photo"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
    ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def title(self):
        return self.job_title or self.get_role_display()

    def get_structured_data(self, request, program_url, number):
        return compact(
            {
                "@type": "Person",
                "@id": f"{program_url}#contact-{number}",
                "name": self.name,
                "jobTitle": self.title,
                "email": self.email,
                "telephone": tel_href(self.phone).removeprefix("tel:"),
                "image": image_url(request, self.photo, "portrait") if self.photo_id else "",
                "worksFor": {"@id": organization_id(request)},
            }
        )


class ProgramSalary(Orderable):
    page = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="salaries")
    year_label = models.CharField(max_length=20, help_text="e.g. 'PGY-1'.")
    amount = models.PositiveIntegerField(help_text="Annual salary in US dollars, whole dollars.")

    panels = [FieldRowPanel([FieldPanel("year_label"), FieldPanel("amount")])]


def find_program(page, request=None):
    """The track a page belongs to: the nearest ProgramPage above it, or None.

    For the page a request routed to, the pages above it are known already (core.routing) with their types: a page
    in no track reads nothing, one in a track reads only its track."""
    above = routed_pages_above(page, request)
    if above is None:
        return ProgramPage.objects.ancestor_of(page).order_by("-depth").first()
    tracks = [each for each in above if issubclass(each.specific_class or Page, ProgramPage)]
    return ProgramPage.objects.filter(pk=tracks[-1].pk).first() if tracks else None


class ProgramChildMixin:
    """For pages inside a track: which track, and a title that says so (two tracks each have a 'Faculty')."""

    @cached_property
    def program(self):
        # A page's track changes only with a publish or a move, both of which start a new page-cache generation:
        # worked out once per generation for visitors (core.generation_memo), not once per request.
        request = current_request()
        return remember(request, ("program-of", self.pk, self.path), lambda: find_program(self, request))

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
