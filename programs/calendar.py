"""An apply page's dates and open houses as iCalendar (RFC 5545): one .ics event, or a calendar to subscribe to.

Built with the `icalendar` library, which gets the fiddly parts right (escaping, line folding, VTIMEZONE
definitions for the open houses' time zones). Timeline entries are all-day events (an end date in iCalendar is
exclusive, hence the extra day); open houses keep the time zone editors entered, so a calendar shows 5 p.m.
Pacific as 8 p.m. to an applicant in New York.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vDuration

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How often a subscribed calendar app should look for changes.
REFRESH_INTERVAL = timedelta(days=1)


class _Source:
    """What every event of one calendar shares: the apply page's address, host, program name and timestamp."""

    def __init__(self, request, page):
        self.page_url = page.get_full_url(request)
        self.host = urlsplit(self.page_url).hostname or "residency-portal"
        self.program = page.program
        self.program_name = self.program.display_name if self.program else ""
        self.stamp = page.last_published_at or timezone.now()

    def uid(self, kind, pk):
        # Stable across downloads and feed refreshes, so a calendar updates an event rather than adding it twice.
        return f"{kind}-{pk}@{self.host}"

    def summary(self, title):
        return f"{title} ({self.program_name})" if self.program_name else title

    def event(self, kind, pk, title):
        """A VEVENT with what every event needs: a stable UID, a timestamp and a summary naming the track."""
        event = Event()
        event.add("uid", self.uid(kind, pk))
        event.add("dtstamp", self.stamp)
        event.add("summary", self.summary(title))
        return event


def timeline_event(entry, source):
    event = source.event("apply-date", entry.pk, entry.title)
    event.add("dtstart", entry.date)
    event.add("dtend", entry.last_date + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add("description", "\n\n".join(part for part in [entry.description, f"Details: {source.page_url}"] if part))
    event.add("url", source.page_url)
    return event


def open_house_event(open_house, source):
    event = source.event("open-house", open_house.pk, open_house.title)
    event.add("dtstart", open_house.starts_at)
    event.add("dtend", open_house.ends_at)
    event.add("location", open_house.location or open_house.get_format_display())
    lines = [open_house.description, f"Format: {open_house.get_format_display()}"]
    if open_house.registration_url:
        lines.append(f"Register: {open_house.registration_url}")
    lines.append(f"Details: {source.page_url}")
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("url", open_house.registration_url or source.page_url)
    return event


def build_calendar(request, page, timeline, open_houses):
    """The iCalendar document for `timeline` entries and `open_houses` of the apply page `page`."""
    source = _Source(request, page)
    calendar = Calendar()
    calendar.add("prodid", "-//Residency Portal//Apply dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = f"{source.program.title}: {page.title}" if source.program else page.title
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    calendar.add("url", source.page_url)
    for entry in timeline:
        calendar.add_component(timeline_event(entry, source))
    for open_house in open_houses:
        calendar.add_component(open_house_event(open_house, source))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_response(request, page, timeline, open_houses, filename, feed=False):
    """The .ics file: a download for one event (phones offer to add it), shown inline for the subscribed feed."""
    response = HttpResponse(build_calendar(request, page, timeline, open_houses), content_type=CONTENT_TYPE)
    disposition = "inline" if feed else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.ics"'
    return response
