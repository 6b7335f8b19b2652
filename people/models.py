from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from core.models import PORTRAIT_RENDITIONS, BasePage, live_public, live_related, prefetch_images
from programs.models import ProgramChildMixin, ProgramPage

BIO_FEATURES = ["bold", "italic", "link"]
RESIDENCY_YEARS = 3


def latest_graduated_class(today=None):
    """The most recent class that has finished residency (academic years end on 30 June)."""
    today = today or date.today()
    return today.year if (today.month, today.day) > (6, 30) else today.year - 1


class PersonPage(BasePage):
    """Fields every profile shares: name, photo, bio, the tracks the person belongs to."""

    first_name = models.CharField(max_length=60, help_text="Given name, e.g. 'Maya'.")
    last_name = models.CharField(max_length=60, help_text="Family name, e.g. 'Okafor'.")
    credentials = models.CharField(max_length=60, blank=True, help_text="Degrees after the name, e.g. 'MD, MPH'.")
    photo = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait, at least 640 px tall. Its alt text is set in the image library.",
    )
    bio = RichTextField(blank=True, features=BIO_FEATURES, help_text="A short biography in the first or third person.")
    programs = ParentalManyToManyField(
        ProgramPage, blank=True, related_name="+", help_text="The tracks this person belongs to."
    )
    email = models.EmailField(
        blank=True, help_text="Optional public email address. Also used to match people on import."
    )
    external_id = models.CharField(
        "person ID",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="A stable ID from the program's records (e.g. the spreadsheet's 'id' column); used to match imports.",
    )

    name_panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name"), FieldPanel("credentials")]),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.AutocompleteField("last_name"),
        index.SearchField("bio"),
    ]
    parent_page_types = ["people.PersonIndexPage"]
    subpage_types = []

    class Meta:
        abstract = True

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def live_programs(self):
        """The person's tracks that applicants can open (drafts and private pages left out)."""
        return live_related(self.programs)

    @property
    def name_with_credentials(self):
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name


class FacultyInterest(TaggedItemBase):
    content_object = ParentalKey("people.FacultyPage", on_delete=models.CASCADE, related_name="interest_items")


class FacultyPage(PersonPage):
    """A faculty member's profile: roles, clinical interests, where they precept."""

    roles = models.CharField(
        max_length=255, blank=True, help_text="Titles and roles, e.g. 'Director, Primary Care Track'."
    )
    is_leadership = models.BooleanField(
        default=False, help_text="List this person under program leadership, above the other faculty."
    )
    clinical_interests = ClusterTaggableManager(
        through=FacultyInterest, blank=True, help_text="Clinical areas, e.g. 'HIV primary care', 'geriatrics'."
    )
    clinic_sites = ParentalManyToManyField(
        "programs.ClinicSitePage", blank=True, related_name="preceptors", help_text="Sites where this person precepts."
    )

    content_panels = [
        *BasePage.content_panels,
        *PersonPage.name_panels,
        FieldPanel("roles"),
        FieldPanel("is_leadership"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("clinical_interests"),
        FieldPanel("clinic_sites", widget=forms.CheckboxSelectMultiple),
        FieldPanel("programs", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("external_id")], heading="Contact"),
    ]
    search_fields = [*PersonPage.search_fields, index.SearchField("roles")]

    def live_clinic_sites(self):
        return live_related(self.clinic_sites)

    class Meta:
        verbose_name = "faculty profile"
        permissions = [("import_people", "Can import people from a spreadsheet")]


class ResidentPage(PersonPage):
    """A resident's profile and spotlight. After graduation it keeps its page and gains an outcome."""

    class Outcome(models.TextChoices):
        FELLOWSHIP = "fellowship", "Fellowship"
        PRIMARY_CARE = "primary_care", "Primary care practice"
        ACADEMIC = "academic", "Academic medicine"
        CHIEF = "chief", "Chief resident"
        HOSPITAL_MEDICINE = "hospital_medicine", "Hospital medicine"
        LEADERSHIP = "leadership", "Health system or public health leadership"
        OTHER = "other", "Other"

    graduation_year = models.PositiveSmallIntegerField(
        "class of",
        validators=[MinValueValidator(1970), MaxValueValidator(2100)],
        help_text="The year the resident finishes residency, e.g. 2028.",
    )
    medical_school = models.CharField(
        max_length=160, blank=True, help_text="e.g. 'University of Example School of Medicine'."
    )
    interests = models.CharField(
        max_length=255, blank=True, help_text="Interests in a phrase, e.g. 'addiction medicine, advocacy'."
    )
    spotlight = RichTextField(
        blank=True,
        features=BIO_FEATURES,
        help_text="A paragraph or a quote that introduces the resident to applicants.",
    )
    continuity_site = models.ForeignKey(
        "programs.ClinicSitePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuity_residents",
        help_text="Where the resident keeps their continuity clinic.",
    )
    outcome_kind = models.CharField(
        "outcome", max_length=30, choices=Outcome.choices, blank=True, help_text="For graduates: what they went on to."
    )
    outcome_detail = models.CharField(
        max_length=200, blank=True, help_text="For graduates, e.g. 'Geriatric medicine fellowship, Example University'."
    )

    content_panels = [
        *BasePage.content_panels,
        *PersonPage.name_panels,
        FieldRowPanel([FieldPanel("graduation_year"), FieldPanel("medical_school")]),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("interests"),
        FieldPanel("spotlight"),
        FieldPanel("continuity_site"),
        FieldPanel("programs", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("outcome_kind"), FieldPanel("outcome_detail")], heading="After graduation"),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("external_id")], heading="Contact"),
    ]
    search_fields = [
        *PersonPage.search_fields,
        index.SearchField("medical_school"),
        index.SearchField("interests"),
        index.SearchField("spotlight"),
        index.SearchField("outcome_detail"),
        index.FilterField("graduation_year"),
    ]

    class Meta:
        verbose_name = "resident profile"

    @property
    def is_graduate(self):
        return self.graduation_year <= latest_graduated_class()

    @property
    def pgy_label(self):
        if self.is_graduate:
            return ""
        pgy = RESIDENCY_YEARS - (self.graduation_year - latest_graduated_class() - 1)
        return f"PGY-{pgy}" if 1 <= pgy <= RESIDENCY_YEARS else ""

    @property
    def outcome(self):
        """The detail says more than the kind ('Geriatric medicine fellowship, ...'); the kind is the fallback."""
        return self.outcome_detail or self.get_outcome_kind_display()


class PersonIndexPage(ProgramChildMixin, BasePage):
    """A list of people. Under a track it lists that track's people, wherever their pages live."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Faculty, residents and graduates"
        FACULTY = "faculty", "Faculty"
        RESIDENTS = "residents", "Residents and graduates"

    introduction = models.TextField(blank=True, help_text="A sentence or two above the list.")
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.EVERYONE, help_text="Whom this page lists."
    )

    content_panels = [*BasePage.content_panels, FieldPanel("introduction"), FieldPanel("audience")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage", "programs.ProgramPage"]
    subpage_types = ["people.FacultyPage", "people.ResidentPage"]

    def _scope(self, queryset):
        queryset = live_public(queryset)
        if self.program:
            # Linked to the track is enough: a person's page may live anywhere.
            return queryset.filter(programs=self.program)
        return queryset.child_of(self)

    def get_faculty(self):
        faculty = self._scope(FacultyPage.objects.all()).order_by("-is_leadership", "last_name", "first_name")
        return prefetch_images(faculty, "photo", *PORTRAIT_RENDITIONS)

    def get_residents(self):
        residents = self._scope(ResidentPage.objects.all()).order_by("-graduation_year", "last_name", "first_name")
        return prefetch_images(residents, "photo", *PORTRAIT_RENDITIONS)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.audience in (self.Audience.EVERYONE, self.Audience.FACULTY):
            faculty = list(self.get_faculty())
            context["leadership"] = [person for person in faculty if person.is_leadership]
            context["faculty"] = [person for person in faculty if not person.is_leadership]
        if self.audience in (self.Audience.EVERYONE, self.Audience.RESIDENTS):
            cutoff = latest_graduated_class()
            residents = list(self.get_residents())
            classes = {}
            for resident in residents:
                if resident.graduation_year > cutoff:
                    classes.setdefault(resident.graduation_year, []).append(resident)
            context["resident_classes"] = [
                {"year": year, "label": f"Class of {year}", "residents": people}
                for year, people in sorted(classes.items())
            ]
            context["graduates"] = [r for r in residents if r.graduation_year <= cutoff]
        return context
