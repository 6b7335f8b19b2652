"""Shared building blocks: the image model, page mixins and site-wide settings."""

import operator
from functools import reduce
from urllib.parse import urlencode

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from core.admin_utils import is_admin_path
from core.current_request import current_request
from core.generation_memo import remember
from core.images import specs_for
from core.routing import routed_pages_above
from core.storage import is_private_name, private_name
from core.text import excerpt

# The rich text features the design actually styles; editors get nothing else.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
RICH_TEXT_WITH_HEADINGS = ["h2", "h3", *RICH_TEXT_FEATURES]


class CustomImage(AbstractImage):
    """An image in the library. Every image must say what it shows."""

    alt_text = models.CharField(
        "alt text",
        max_length=255,
        help_text=(
            "Describe what the image shows for people who cannot see it, e.g. "
            "'Dr. Rivera talking with a patient in clinic'. Required."
        ),
    )
    admin_form_fields = (*Image.admin_form_fields, "alt_text")

    search_fields = [*AbstractImage.search_fields, index.SearchField("alt_text")]

    # Set on a new image before it is saved: its file is stored privately, under an unguessable name (core.storage).
    store_privately = False

    @property
    def default_alt_text(self):
        return self.alt_text or self.description or self.title

    @property
    def is_private(self):
        return is_private_name(self.file.name)

    def get_upload_to(self, filename):
        if self.store_privately:
            return private_name("original_images", filename)
        return super().get_upload_to(filename)


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    def get_upload_to(self, filename):
        """A private image's renditions are private too (their names start with its unguessable one)."""
        if self.image.is_private:
            return f"private/images/{self.file.field.storage.get_valid_name(filename)}"
        return super().get_upload_to(filename)

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class ListingFieldsMixin(models.Model):
    """How a page presents itself in cards and lists elsewhere on the site."""

    listing_title = models.CharField(
        max_length=120,
        blank=True,
        help_text="Shorter title for cards and lists. Leave blank to use the page title.",
    )
    listing_summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences shown on cards and in search results.",
    )
    listing_image = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Image shown on cards that link to this page.",
    )

    listing_panels = [
        MultiFieldPanel(
            [FieldPanel("listing_title"), FieldPanel("listing_summary"), FieldPanel("listing_image")],
            heading="Cards and lists",
        )
    ]

    class Meta:
        abstract = True


class SocialFieldsMixin(models.Model):
    """What link previews show when the page is shared."""

    social_image = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Image for link previews when the page is shared (1200 x 630 works best).",
    )
    social_text = models.CharField(
        max_length=255,
        blank=True,
        help_text="Text for link previews. Leave blank to use the search description.",
    )

    social_panels = [MultiFieldPanel([FieldPanel("social_image"), FieldPanel("social_text")], heading="Sharing")]

    class Meta:
        abstract = True


class BasePage(ListingFieldsMixin, SocialFieldsMixin, Page):
    """Abstract base of every page type on the site."""

    promote_panels = [
        *Page.promote_panels,
        *ListingFieldsMixin.listing_panels,
        *SocialFieldsMixin.social_panels,
    ]

    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]
    # The query parameters this page type reads (a page number, filters): the page cache keeps a copy per value
    # of these and answers any other parameter from the page's canonical copy (core.page_cache).
    cache_query_parameters = ()

    class Meta:
        abstract = True

    @property
    def card_title(self):
        return self.listing_title or self.title

    # What search engines and link previews show (core/seo.py); page types refine these.

    def get_meta_title_parts(self):
        """The title's parts, most specific first; page types add to them (e.g. the track a page is in)."""
        return [self.seo_title or self.title]

    def get_meta_title(self):
        return " · ".join(self.get_meta_title_parts())

    def get_meta_description(self):
        """The search description, else the listing summary, else the start of the page's introduction."""
        return self.search_description or self.listing_summary or excerpt(getattr(self, "introduction", ""))

    @property
    def meta_description(self):
        return self.get_meta_description()

    def get_primary_image(self):
        """The picture that stands for the page: its own photo where it has one, else its card image."""
        return self.listing_image

    meta_image_set = "social"  # the rendition set (core/images.py) of the link-preview picture

    def get_meta_image(self):
        if self.social_image_id:
            self.meta_image_set = "social"  # chosen for sharing: shown as the wide picture it was made for
            return self.social_image
        return self.get_primary_image()

    def get_structured_data(self, request):
        """schema.org nodes (dicts) describing this page's subject, for its JSON-LD. None by default."""
        return []

    def get_view_restrictions(self):
        """The view restrictions on this page and the pages above it, as Wagtail's, read with no query of its own
        when there are none.

        Wagtail checks them before serving any page, with two queries: the ancestors (for aliases, which take
        their source page's restrictions) and the restrictions. Serving a page on the public site, the paths of
        every restricted page are already known (`restricted_paths`, read once per request or per page-cache
        generation): when none of them is this page or above it, and neither it nor a page above it is an alias,
        there is nothing to check. Anything else (a restriction above, an alias, the admin, where a request may
        have just added a restriction, an address Wagtail routed itself) asks Wagtail.
        """
        request = current_request()
        if request is not None and not is_admin_path(request.path_info):
            paths, above = restricted_paths(request), routed_pages_above(self, request)
            known = paths is not None and above is not None
            if known and not any(page.alias_of_id for page in [self, *above]) and not self.path.startswith(paths):
                return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    # Where "Apply" leads (apply_url in core/templatetags/navigation_tags.py): the page types that take
    # applications say so, and a page that knows its apply page without a query (itself, its track's) returns it.
    takes_applications = False

    def get_apply_page(self):
        return None


def maps_url(*parts):
    """A Google Maps search link for an address. It opens the maps app on Android and iOS (or the maps website);
    it is a plain link, so the page loads nothing from another host."""
    query = ", ".join(part for part in parts if part)
    return f"https://www.google.com/maps/search/?{urlencode({'api': 1, 'query': query})}" if query else ""


phone_validator = RegexValidator(r"^[0-9+().\- ]{7,30}$", "Enter a phone number using digits, spaces, +, -, ( and ).")


class AddressFieldsMixin(models.Model):
    """A postal address, entered in parts and shown as lines."""

    street_address = models.CharField(max_length=120, blank=True, help_text="e.g. '8700 Beverly Blvd.'")
    address_line_2 = models.CharField(max_length=120, blank=True, help_text="Suite, floor, room or building.")
    city = models.CharField(max_length=80, blank=True, help_text="e.g. 'Los Angeles'.")
    region = models.CharField("state", max_length=40, blank=True, help_text="e.g. 'CA'.")
    postal_code = models.CharField("ZIP code", max_length=20, blank=True, help_text="e.g. '90048'.")

    address_panels = [
        FieldPanel("street_address"),
        FieldPanel("address_line_2"),
        FieldRowPanel([FieldPanel("city"), FieldPanel("region"), FieldPanel("postal_code")]),
    ]

    class Meta:
        abstract = True

    @property
    def address_lines(self):
        locality = " ".join(part for part in [self.region, self.postal_code] if part)
        last = ", ".join(part for part in [self.city, locality] if part)
        return [line for line in [self.street_address, self.address_line_2, last] if line]

    def get_maps_url(self, name=""):
        """A link that opens the address in the phone's maps app (or maps website): a plain link, no map tiles."""
        return maps_url(name, *self.address_lines)

    @property
    def maps_url(self):
        return self.get_maps_url(getattr(self, "title", ""))


@register_setting(icon="site")
class ContactSettings(AddressFieldsMixin, ClusterableModel, BaseGenericSetting):
    """The program's contact details, shown in the footer and on the apply page."""

    program_name = models.CharField(
        max_length=120,
        default="Internal Medicine Residency Program",
        help_text="Shown in the footer and appended to page titles.",
    )
    institution_name = models.CharField(
        max_length=120, blank=True, help_text="The sponsoring institution, e.g. 'Cedars-Sinai'."
    )
    phone = models.CharField(
        max_length=30, blank=True, validators=[phone_validator], help_text="The program office's phone."
    )
    email = models.EmailField(blank=True, help_text="The program office's email address.")
    eras_url = models.URLField(
        "ERAS link",
        blank=True,
        help_text="Where applicants apply (the ERAS page). Shown on every apply page.",
    )
    footer_text = RichTextField(
        blank=True, features=["bold", "italic", "link"], help_text="A short note at the foot of every page."
    )
    apply_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "Where the 'Apply' button leads from pages outside a track (the home page, people, general pages). "
            "Inside a track it always leads to that track's apply page. Leave blank to use the first track's."
        ),
    )
    default_social_image = models.ForeignKey(
        "core.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "Shown in link previews (e.g. when a page is shared in a message) for pages without an image of their "
            "own. 1200 x 630 works best. Leave blank for the site's built-in picture."
        ),
    )

    panels = [
        MultiFieldPanel([FieldPanel("program_name"), FieldPanel("institution_name")], heading="Program"),
        MultiFieldPanel(
            [*AddressFieldsMixin.address_panels, FieldPanel("phone"), FieldPanel("email")],
            heading="Contact",
        ),
        MultiFieldPanel([FieldPanel("eras_url"), FieldPanel("apply_page")], heading="Applying"),
        InlinePanel("social_links", heading="Social links", label="Social link"),
        FieldPanel("footer_text"),
        FieldPanel("default_social_image"),
    ]

    class Meta:
        verbose_name = "contact details"

    def __str__(self):
        return self.program_name

    @classmethod
    def load(cls, request_or_site=None):
        """Wagtail's load(), with the social links, read once per page-cache generation (core.generation_memo)
        for anonymous visitors instead of twice per request: the footer and every page's JSON-LD show them."""
        if not isinstance(request_or_site, HttpRequest) or hasattr(request_or_site, cls.get_cache_attr_name()):
            return super().load(request_or_site)

        def read():
            contact = cls._get_or_create()
            models.prefetch_related_objects([contact], "social_links")
            return contact

        contact = remember(request_or_site, "contact-settings", read)
        setattr(request_or_site, cls.get_cache_attr_name(), contact)
        return contact

    @property
    def maps_url(self):
        return self.get_maps_url(self.institution_name)


class SocialLink(Orderable):
    settings = ParentalKey(ContactSettings, on_delete=models.CASCADE, related_name="social_links")
    label = models.CharField(max_length=40, help_text="e.g. 'Instagram'.")
    url = models.URLField(help_text="The full address of the profile.")

    panels = [FieldPanel("label"), FieldPanel("url")]

    def __str__(self):
        return self.label


# Up to this many restricted pages are left out of listings by their paths; beyond it, by a subquery.
MAX_LISTED_RESTRICTIONS = 20


def live_public(queryset):
    """Live pages without a view restriction on them or an ancestor: `.live().public()` without a query of its own.

    Inside a request, the restricted pages' paths are read once (`restricted_paths`) and each listing leaves out
    the pages under them: usually there are none, and the listing is simply `.live()`. Outside a request (a
    command, a task), or with more restrictions than MAX_LISTED_RESTRICTIONS, the listing's own query excludes
    them with a NOT EXISTS on path prefixes. Wagtail's `.public()` would run a query of its own every time.
    """
    queryset = queryset.live()
    paths = restricted_paths(current_request())
    if paths is None:
        restricted = PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
        return queryset.exclude(Exists(restricted))
    if paths:
        return queryset.exclude(reduce(operator.or_, (Q(path__startswith=path) for path in paths)))
    return queryset


def restricted_paths(request):
    """The paths of the pages that have a view restriction (a password, signed-in users, groups), or None outside
    a request or when there are more than MAX_LISTED_RESTRICTIONS.

    Read once per request, and for anonymous visitors once per page-cache generation (core.generation_memo): a
    restriction's save or delete starts a new generation (core.signals), as a page's move does, so a listing
    never goes on showing a page that has just been made private.
    """
    if request is None:
        return None
    if not hasattr(request, "_restricted_paths"):

        def read():
            paths = PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
            paths = sorted(paths[: MAX_LISTED_RESTRICTIONS + 1])
            return tuple(paths) if len(paths) <= MAX_LISTED_RESTRICTIONS else None

        request._restricted_paths = remember(request, "restricted-paths", read)
    return request._restricted_paths


def live_related(manager):
    """The live, public pages of a many-to-many relation.

    In a preview the relation holds unsaved objects in memory (modelcluster's
    FakeQuerySet), which has no `.live()`; filter those in Python instead.
    """
    pages = manager.all()
    if isinstance(pages, QuerySet):
        return live_public(pages)
    return [page for page in pages if page.live]


class RenditionsOnDemand:
    """The renditions of a listing's images, fetched for all of them in one query when the first picture needs them
    (core.images.existing_renditions asks).

    A listing remembers its pictures' markup (core.generation_memo), so after a publish elsewhere most pictures
    need no rendition at all; prefetching them anyway was one query, and the largest, of every directory page.
    Marking the images instead makes that query only if one of them has to be worked out, and then once for the
    whole listing, so the page's queries stay constant whatever its size.
    """

    def __init__(self, images, name):
        self.images = [image for image in images if image is not None]
        self.name = name
        self.loaded = False
        for image in self.images:
            image.renditions_on_demand = self

    def load(self):
        if not self.loaded:
            self.loaded = True
            unread = [image for image in self.images if image._get_prefetched_renditions() is None]
            prefetch_renditions_of(unread, self.name)


def images_with_renditions_on_demand(objects, field, set_name):
    """`objects` as a list, with the image behind `field` (no query if it came with them, else one for all), and
    the renditions of the named set fetched in one more only if a picture is not remembered (RenditionsOnDemand)."""
    objects = list(objects)
    prefetch_related_objects(objects, Prefetch(field, queryset=CustomImage.objects.all()))
    RenditionsOnDemand([getattr(each, field) for each in objects], set_name)
    return objects


def prefetch_images(queryset, field, *set_names):
    """Fetch the image behind `field` and the renditions of the named sets (core/images.py) in two queries."""
    images = CustomImage.objects.prefetch_renditions(*specs_for(*set_names))
    return queryset.prefetch_related(Prefetch(field, queryset=images))


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life (core.worker): a task whose worker stopped beating has been abandoned."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"worker {self.worker_id} last seen {self.last_seen:%Y-%m-%d %H:%M:%S}"


def prefetch_renditions_of(images, *names):
    """Fetch the named sets' renditions for a list of image instances in one query (whatever their number).

    For images that were not loaded through a queryset (e.g. the images of a StreamField), where
    `prefetch_images` cannot help.
    """
    images = [image for image in images if image is not None]
    if images:
        renditions = CustomRendition.objects.filter(filter_spec__in=specs_for(*names))
        prefetch_related_objects(images, Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions"))
    return images
