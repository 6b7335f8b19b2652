"""How to apply to a track: the apply page, its dated timeline and its open houses."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.blocks import FAQStreamBlock
from core.models import RICH_TEXT_FEATURES, BasePage, ContactSettings
from core.seo import absolute, compact, excerpt, meta_image_url, organization_id
from programs.calendar import calendar_response
from programs.models.program import ProgramChildMixin


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

    takes_applications = True

    def get_apply_page(self):
        return self

    def get_milestone_dates(self):
        """The application dates as schema.org names them, ISO dates ('' where the timeline has none)."""
        names = {
            "applicationStartDate": ApplyTimelineEvent.Milestone.APPLICATIONS_OPEN,
            "applicationDeadline": ApplyTimelineEvent.Milestone.APPLICATION_DEADLINE,
            "startDate": ApplyTimelineEvent.Milestone.PROGRAM_START,
        }
        dates = {name: self.get_milestone(milestone) for name, milestone in names.items()}
        return {name: date_value.isoformat() if date_value else "" for name, date_value in dates.items()}

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
        return calendar_response(request, self, self.get_timeline(), self.get_open_houses(), "calendar", feed=True)

    @path("dates/<int:event_id>/", name="timeline_event")
    def timeline_event_ics(self, request, event_id):
        event = next((event for event in self.timeline.all() if event.pk == event_id), None)
        if event is None:
            raise Http404("No such date on this page.")
        return calendar_response(request, self, [event], [], slugify(event.title) or "date")

    @path("open-houses/<int:open_house_id>/", name="open_house")
    def open_house_ics(self, request, open_house_id):
        open_house = next((item for item in self.open_houses.all() if item.pk == open_house_id), None)
        if open_house is None:
            raise Http404("No such open house on this page.")
        return calendar_response(request, self, [], [open_house], slugify(open_house.title) or "open-house")

    def get_structured_data(self, request):
        """Each open house to come as a schema.org Event, with what Google's event results ask for: name, dates,
        location (a PostalAddress in person, a VirtualLocation online, both for hybrid), attendance mode, status,
        image, organizer and a free offer."""
        modes = {
            OpenHouse.Format.VIRTUAL: "OnlineEventAttendanceMode",
            OpenHouse.Format.IN_PERSON: "OfflineEventAttendanceMode",
            OpenHouse.Format.HYBRID: "MixedEventAttendanceMode",
        }
        contact = ContactSettings.load(request_or_site=request)
        organizer = {
            "@type": "Hospital",
            "@id": organization_id(request),
            "name": contact.institution_name or contact.program_name,
            "url": absolute(request, "/"),
        }
        image = meta_image_url(request, self)
        page_url = self.get_full_url(request)
        program_name = self.program.title if self.program else contact.program_name
        events = []
        for open_house in self.get_open_houses():
            if open_house.is_past:
                continue  # search engines list what is still to come
            url = open_house.registration_url or page_url
            online = {"@type": "VirtualLocation", "url": url}
            in_person = {
                "@type": "Place",
                "name": open_house.location.split(",")[0],
                "address": compact(
                    {
                        "@type": "PostalAddress",
                        "streetAddress": open_house.location,
                        "addressLocality": contact.city,
                        "addressRegion": contact.region,
                        "addressCountry": "US",
                    }
                ),
            }
            location = {
                OpenHouse.Format.VIRTUAL: online,
                OpenHouse.Format.IN_PERSON: in_person,
                OpenHouse.Format.HYBRID: [in_person, online],
            }.get(open_house.format, online)
            event = {
                "@type": "Event",
                "name": open_house.title,
                "description": excerpt(open_house.description, 300)
                or f"{open_house.get_format_display()} open house for applicants to the {program_name}.",
                "startDate": open_house.starts_at.isoformat(),
                "endDate": open_house.ends_at.isoformat(),
                "eventAttendanceMode": f"https://schema.org/{modes.get(open_house.format, modes['virtual'])}",
                "eventStatus": "https://schema.org/EventScheduled",
                "location": location,
                "image": [image],
                "organizer": organizer,
                "isAccessibleForFree": True,
                "offers": {
                    "@type": "Offer",
                    "price": 0,
                    "priceCurrency": "USD",
                    "availability": "https://schema.org/InStock",
                    "url": url,
                },
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
        # The site's own address (its Site, as every absolute URL), for calendar apps; webcal: asks the app to
        # subscribe (and keep checking for new dates) rather than import the dates once.
        context["calendar_feed_address"] = absolute(request, feed_url) if feed_url else ""
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
    capacity = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text=(
            "Seats for registering on this site: applicants register here, get a confirmation with a calendar file "
            "and a reminder, and join a waitlist when it is full (see Applicants → Open-house sessions). "
            "0: no registration on this site (use the registration link above instead). Removing an open house "
            "deletes its registrations."
        ),
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldRowPanel([FieldPanel("time_zone"), FieldPanel("format")]),
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_url")]),
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
