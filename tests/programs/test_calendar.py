"""The apply page's calendar: each date and open house as an .ics event, and a feed of them all, that calendar
apps read with the right dates and time zone."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from icalendar import Calendar

from programs.factories import ApplyPageFactory, ProgramPageFactory
from programs.models import ApplyTimelineEvent, OpenHouse
from tests.utils import SiteTestCase, parse_tags, visible_text


class CalendarTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        track = ProgramPageFactory(parent=cls.tree.home, title="Calendar Track", short_name="CAL")
        cls.apply = ApplyPageFactory(
            parent=track,
            timeline=[
                {"date": datetime.date(2026, 9, 2), "title": "Applications open", "milestone": "applications_open"},
                {
                    "date": datetime.date(2026, 10, 1),
                    "end_date": datetime.date(2027, 1, 29),
                    "title": "Interview season",
                },
            ],
            open_houses=[
                {
                    "title": "Evening open house",
                    "date": datetime.date(2030, 11, 7),  # the first Thursday after the clocks go back
                    "start_time": datetime.time(17, 30),
                    "end_time": datetime.time(19, 0),
                    "time_zone": "America/Chicago",
                    "format": OpenHouse.Format.HYBRID,
                    "location": "Alder Park, 2150 Alder Park Way",
                    "registration_url": "https://example.org/register",
                    "description": "Dinner, then questions; commas, semicolons; and a very long line " * 3,
                }
            ],
        )
        cls.dates = list(cls.apply.timeline.order_by("date"))
        cls.open_house = cls.apply.open_houses.get()

    def fetch(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        calendar = Calendar.from_ical(response.content)
        return response, calendar

    def events(self, calendar):
        return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}

    def test_feed_has_every_date_and_open_house(self):
        response, calendar = self.fetch(self.apply.url + "calendar/")
        self.assertIn("inline", response["Content-Disposition"])
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "Calendar Track: How to apply")
        self.assertEqual(calendar["REFRESH-INTERVAL"].dt, datetime.timedelta(days=1))
        self.assertEqual(
            sorted(self.events(calendar)),
            ["Applications open (CAL)", "Evening open house (CAL)", "Interview season (CAL)"],
        )
        uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
        self.assertEqual(len(set(uids)), 3)
        self.assertTrue(all(uid.endswith("@localhost") for uid in uids), uids)

    def test_timeline_dates_are_all_day_events_with_an_exclusive_end(self):
        _, calendar = self.fetch(self.apply.url + "calendar/")
        events = self.events(calendar)
        single = events["Applications open (CAL)"]
        self.assertEqual(single["DTSTART"].dt, datetime.date(2026, 9, 2))
        self.assertEqual(single["DTEND"].dt, datetime.date(2026, 9, 3))
        period = events["Interview season (CAL)"]
        self.assertEqual(period["DTSTART"].dt, datetime.date(2026, 10, 1))
        self.assertEqual(period["DTEND"].dt, datetime.date(2027, 1, 30))
        self.assertEqual(str(single["TRANSP"]), "TRANSPARENT")
        self.assertIn("http://localhost/calendar-track/how-to-apply/", str(single["DESCRIPTION"]))

    def test_open_houses_keep_their_time_zone(self):
        response, calendar = self.fetch(self.apply.url + f"open-houses/{self.open_house.pk}/")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="evening-open-house.ics"')
        (event,) = calendar.walk("VEVENT")
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        self.assertEqual(start, datetime.datetime(2030, 11, 7, 17, 30, tzinfo=ZoneInfo("America/Chicago")))
        self.assertEqual(start.utcoffset(), datetime.timedelta(hours=-6))  # CST, the clocks went back on Nov 3
        self.assertEqual(end - start, datetime.timedelta(minutes=90))
        self.assertEqual(event["DTSTART"].params["TZID"], "America/Chicago")
        (zone,) = calendar.walk("VTIMEZONE")
        self.assertEqual(str(zone["TZID"]), "America/Chicago")
        self.assertEqual(str(event["LOCATION"]), "Alder Park, 2150 Alder Park Way")
        self.assertEqual(str(event["URL"]), "https://example.org/register")
        self.assertIn("Format: In person and online", str(event["DESCRIPTION"]))
        raw = response.content.decode()
        self.assertIn("\r\n", raw)
        self.assertTrue(all(len(line.encode()) <= 75 for line in raw.split("\r\n")), "lines must be folded")
        self.assertIn("commas\\, semicolons\\;", raw.replace("\r\n ", ""))

    def test_one_date_downloads_alone(self):
        _, calendar = self.fetch(self.apply.url + f"dates/{self.dates[1].pk}/")
        self.assertEqual(list(self.events(calendar)), ["Interview season (CAL)"])

    def test_unknown_or_foreign_events_are_404(self):
        other = self.tree.apply.timeline.first()
        for path in ["dates/999999/", f"dates/{other.pk}/", "open-houses/999999/", "dates/abc/"]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(self.apply.url + path).status_code, 404)

    def test_page_lists_open_houses_with_time_zone_and_calendar_links(self):
        html = self.get_html(self.apply)
        text = visible_text(html)
        self.assertIn("Evening open house", text)
        self.assertIn("Thursday, November 7, 2030, 5:30 PM – 7:00 PM CST", text)
        self.assertIn('<time datetime="2030-11-07T17:30:00-06:00">', html)
        self.assertIn("In person and online: Alder Park, 2150 Alder Park Way", text)
        hrefs = [tag["attrs"].get("href", "") for tag in parse_tags(html) if tag["tag"] == "a"]
        self.assertIn(f"/calendar-track/how-to-apply/open-houses/{self.open_house.pk}/", hrefs)
        self.assertIn("/calendar-track/how-to-apply/calendar/", hrefs)
        # On the site's own address (its Site: localhost), not whatever Host the request named (testserver).
        self.assertIn("webcal://localhost/calendar-track/how-to-apply/calendar/", hrefs)

    def test_past_open_houses_are_marked_and_offer_no_registration(self):
        past = OpenHouse.objects.create(
            page=self.apply,
            title="Long gone open house",
            date=datetime.date(2020, 1, 1),
            start_time=datetime.time(9),
            end_time=datetime.time(10),
            registration_url="https://example.org/old",
        )
        self.assertTrue(past.is_past)
        html = self.get_html(self.apply)
        self.assertIn("Long gone open house", visible_text(html))
        self.assertNotIn("https://example.org/old", html)

    def test_open_house_validation(self):
        base = {"page": self.apply, "title": "x", "date": datetime.date(2026, 9, 1)}
        with self.assertRaises(ValidationError) as caught:
            OpenHouse(**base, start_time=datetime.time(18), end_time=datetime.time(17)).clean()
        self.assertIn("end_time", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            OpenHouse(
                **base, start_time=datetime.time(9), end_time=datetime.time(10), format=OpenHouse.Format.IN_PERSON
            ).clean()
        self.assertIn("location", caught.exception.message_dict)

    def test_milestones_reach_the_tracks_structured_data(self):
        self.assertEqual(
            self.apply.get_milestone(ApplyTimelineEvent.Milestone.APPLICATIONS_OPEN), datetime.date(2026, 9, 2)
        )
        self.assertIsNone(self.apply.get_milestone(ApplyTimelineEvent.Milestone.APPLICATION_DEADLINE))
