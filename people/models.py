from urllib.parse import urlencode

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from core.models import BasePage, live_public, live_related
from core.seo import compact, image_url, organization_id, page_node, plain_text, shorten
from people.directory import Directory
from people.residency import FACULTY, GRADUATES, RESIDENCY_YEARS, RESIDENTS, Outcome, latest_graduated_class
from programs.models import ProgramChildMixin, ProgramPage

__all__ = ["RESIDENCY_YEARS", "latest_graduated_class"]  # the residency's years, named where they always were

BIO_FEATURES = ["bold", "italic", "link"]


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

    # A listing sets it on the cards it shows first (people.directory): their portraits load at once. A default
    # here also spares the template a failed lookup per card (Django answers one by calling dir() on the page).
    first_on_screen = False

    # The columns a card in a listing reads (people_tags.person_card, the directory's headings): listings load only
    # these (`.only()`), not the bio, the spotlight and the twenty-odd columns of Wagtail's page. Reading any other
    # field of a listed person would cost a query per card, which the query-count tests would show.
    card_fields = (
        *("id", "path", "depth", "url_path", "title", "live", "locale", "translation_key", "content_type", "alias_of"),
        *("first_name", "last_name", "credentials", "photo"),
    )

    class Meta:
        abstract = True

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def live_programs(self):
        """The person's tracks that applicants can open (drafts and private pages left out)."""
        return live_related(self.programs)

    @property
    def initials(self):
        """What stands in for a missing portrait, e.g. 'MO'."""
        return f"{self.first_name[:1]}{self.last_name[:1]}"

    @property
    def name_with_credentials(self):
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name

    def card_lines(self):
        """(meta, detail): the two short lines under the name on the person's card in a listing."""
        return "", ""

    # Display helpers for search engines and link previews (core/seo.py).

    meta_image_set = "portrait"  # a link preview shows the whole portrait, not a wide crop of it

    def get_primary_image(self):
        return self.photo

    def get_job_title(self):
        return ""

    def describe(self):
        """A sentence about the person from their fields, e.g. 'Maya Okafor, MD, MPH: Director, Primary Care
        Track. Clinical interests: HIV primary care.' Page types add what they know."""
        title = self.get_job_title()
        return f"{self.name_with_credentials}: {title}." if title else f"{self.name_with_credentials}."

    def get_meta_description(self):
        """An editor's search description as it is; else a sentence from the fields, then the start of the bio."""
        if self.search_description:
            return self.search_description
        return shorten(f"{self.describe()} {plain_text(self.bio)}".strip())

    def get_structured_data(self, request):
        """The profile as a schema.org ProfilePage whose main entity is the Person: job title, photo, affiliation
        (the hospital), interests, school."""
        url = self.get_full_url(request)
        person = page_node(
            self,
            request,
            "Person",
            "person",
            self.bio,
            name=self.full_name,
            givenName=self.first_name,
            familyName=self.last_name,
            honorificSuffix=self.credentials,
            jobTitle=self.get_job_title(),
            image=image_url(request, self.photo, "portrait") if self.photo_id else "",
            affiliation={"@id": organization_id(request)},
        )
        profile = compact(
            {
                "@type": "ProfilePage",
                "@id": f"{url}#webpage",
                "url": url,
                "name": self.title,
                "dateModified": self.last_published_at.isoformat() if self.last_published_at else "",
                "mainEntity": {"@id": person["@id"]},
            }
        )
        return [profile, compact({**person, **self.get_structured_details(request)})]

    def get_structured_details(self, request):
        return {}

    def directory_url(self, request=None, **filters):
        """The people index this profile is listed in (its parent), filtered by `filters`; "" if not public."""
        if not hasattr(self, "_directory_page"):
            parent = self.get_parent()
            self._directory_page = parent if parent is not None and parent.live else None
        if self._directory_page is None:
            return ""
        url = self._directory_page.get_url(request) or ""
        return f"{url}?{urlencode(filters)}" if url and filters else url


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

    card_fields = (*PersonPage.card_fields, "roles", "is_leadership")

    def live_clinic_sites(self):
        return live_related(self.clinic_sites)

    def get_job_title(self):
        return self.roles or "Faculty physician"

    def card_lines(self):
        return self.roles, ""

    def describe(self):
        interests = ", ".join(tag.name for tag in self.interests)
        return super().describe() + (f" Clinical interests: {interests}." if interests else "")

    @cached_property
    def interests(self):
        """The clinical interests (tags), read once for the chips and the JSON-LD."""
        return list(self.clinical_interests.all())

    def interest_links(self, request=None):
        """[(interest, link to the directory filtered by it)]: the chips on the profile."""
        return [(tag.name, self.directory_url(request, interest=tag.slug)) for tag in self.interests]

    def get_structured_details(self, request):
        return {"knowsAbout": [tag.name for tag in self.interests]}

    class Meta:
        verbose_name = "faculty profile"
        permissions = [("import_people", "Can import people from a spreadsheet")]


class ResidentPage(PersonPage):
    """A resident's profile and spotlight. After graduation it keeps its page and gains an outcome."""

    Outcome = Outcome  # ResidentPage.Outcome, as forms and the importer name it

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

    card_fields = (*PersonPage.card_fields, "graduation_year", "interests", "outcome_kind", "outcome_detail")

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

    def card_lines(self):
        if self.is_graduate:
            return f"Class of {self.graduation_year}", self.outcome
        pgy = f"{self.pgy_label} · " if self.pgy_label else ""
        return f"{pgy}Class of {self.graduation_year}", self.interests

    @property
    def class_directory_url(self):
        """The directory filtered to this person's class."""
        return self.directory_url(year=self.graduation_year)

    @property
    def outcome_directory_url(self):
        """The directory filtered to graduates with the same kind of outcome."""
        return self.directory_url(outcome=self.outcome_kind) if self.is_graduate and self.outcome_kind else ""

    def get_job_title(self):
        if self.is_graduate:
            return self.outcome_detail
        return f"{self.pgy_label} resident physician" if self.pgy_label else "Resident physician"

    def describe(self):
        name = self.name_with_credentials
        school = f" Medical school: {self.medical_school}." if self.medical_school else ""
        if self.is_graduate:
            now = f" Now: {self.outcome}." if self.outcome else ""
            return f"{name}: a graduate of the residency, class of {self.graduation_year}.{now}{school}"
        return f"{name}: {self.get_job_title()}, class of {self.graduation_year}.{school}"

    def get_structured_details(self, request):
        schools = [{"@type": "CollegeOrUniversity", "name": self.medical_school}] if self.medical_school else []
        if self.is_graduate:
            # A graduate is an alumnus of the residency, no longer a member of it.
            return {"alumniOf": [*schools, {"@id": organization_id(request)}], "affiliation": None}
        return {"alumniOf": schools}

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
    # The page number and the directory's filters (people/directory.py).
    cache_query_parameters = ("page", "group", "interest", "site", "role", "year", "outcome")

    def scope(self, queryset):
        """The live, public people of `queryset` that this page lists."""
        queryset = live_public(queryset)
        if self.program:
            # Linked to the track is enough: a person's page may live anywhere.
            return queryset.filter(programs=self.program)
        return queryset.child_of(self)

    def scoped_faculty(self):
        return self.scope(FacultyPage.objects.all())

    def scoped_residents(self):
        return self.scope(ResidentPage.objects.all())

    def listed_groups(self):
        """Which of faculty, residents and graduates this page lists, in the order it lists them."""
        groups = []
        if self.audience in (self.Audience.EVERYONE, self.Audience.FACULTY):
            groups.append(FACULTY)
        if self.audience in (self.Audience.EVERYONE, self.Audience.RESIDENTS):
            groups += [RESIDENTS, GRADUATES]
        return groups

    def get_meta_title_parts(self, directory=None, page_of_people=None):
        """A filtered or later page of the list says so in its title: 'Faculty: geriatrics (page 2 of 3)'.

        `directory` and `page_of_people` are the request's Directory and page of the list (get_context passes them).
        """
        parts = super().get_meta_title_parts()
        if directory is not None:
            chosen = [item["value"] for item in directory.active_filters()]
            if chosen:
                parts[0] = f"{parts[0]}: {', '.join(chosen)}"
        if page_of_people is not None and page_of_people.number > 1:
            parts[0] = f"{parts[0]} (page {page_of_people.number} of {page_of_people.paginator.num_pages})"
        return parts

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        directory = Directory(self, request)
        context.update(directory.get_context())
        if GRADUATES in self.listed_groups():
            outcomes = directory.outcomes()
            if outcomes:  # each row links to its graduates (new rows: the summary is remembered as it is)
                rows = [{**row, "url": directory.filtered_url(outcome=row["kind"]) if row["kind"] else ""}
                        for row in outcomes["rows"]]  # fmt: skip
                outcomes = {**outcomes, "rows": rows}
            context["outcomes"] = outcomes
        # The page's title and description (core/seo.py reads them from the context) name the filters and the page.
        title_parts = self.get_meta_title_parts(directory, context["people_page"])
        context["meta_title"] = " · ".join(title_parts)
        context["meta_description"] = self.get_meta_description(title_parts)
        return context
