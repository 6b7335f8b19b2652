"""Content freshness: what in the profiles and apply pages needs an editor's attention.

Each public function returns a list of `Finding` rows (what, the problem in a sentence, and where to
fix it) and runs a fixed number of SQL queries however many people, pages or dates there are.

Profiles are judged as an editor sees them in the page editor: when a page has unpublished
changes, its photo, bio and timeline are read from its latest revision (a draft waiting for
review that adds a photo is not reported as missing one); otherwise from the page itself.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from wagtail.models import Page, Revision

from core.models import CustomImage
from people.models import FacultyPage, ResidentPage
from programs.models import ApplyPage, ApplyTimelineEvent, OpenHouse

STALE_AFTER = timedelta(days=365)
DATE_FORMAT = "j F Y"


class Problem(models.TextChoices):
    """The kinds of finding, in the order the report lists them."""

    NO_PHOTO = "no_photo", "No photo"
    NO_ALT_TEXT = "no_alt_text", "Photo has no alt text"
    NO_BIO = "no_bio", "No bio"
    STALE = "stale", "Not updated in the last 12 months"
    PAST_DATE = "past_date", "Timeline date has passed"
    PAST_OPEN_HOUSE = "past_open_house", "Open house has passed"


@dataclass
class Finding:
    """One thing to fix: `item` (a profile page or a timeline event) has `problem`; edit it at `edit_url`."""

    kind: Problem
    item: object
    page: Page
    title: str
    context: str
    detail: str
    edit_url: str

    @property
    def problem(self):
        return self.kind.label

    @property
    def page_title(self):
        return self.page.get_admin_display_title()

    @property
    def page_type(self):
        return capfirst(self.page._meta.verbose_name)

    @property
    def status(self):
        return page_status(self.page)


def page_status(page):
    """Live or draft, without the extra queries of Page.status_string."""
    if not page.live:
        return "Draft"
    if page.has_unpublished_changes:
        return "Live, with unpublished changes"
    return "Live"


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


_TAGS = re.compile(r"<[^>]*>")
_INVISIBLE = "\u200b\u200c\u200d\ufeff"


def is_blank_rich_text(value):
    """True for rich text with no visible words: empty, whitespace, `<p></p>`, `<p><br/></p>`, `&nbsp;`."""
    text = html.unescape(_TAGS.sub(" ", value or ""))
    return not text.strip().strip(_INVISIBLE).strip()


def _latest_drafts(pages):
    """{revision id: content} of the latest revision of each page with unpublished changes. One query at most."""
    revision_ids = [
        page.latest_revision_id for page in pages if page.has_unpublished_changes and page.latest_revision_id
    ]
    if not revision_ids:
        return {}
    return dict(Revision.objects.filter(pk__in=revision_ids).values_list("pk", "content"))


def _draft_of(page, drafts):
    content = drafts.get(page.latest_revision_id) if page.has_unpublished_changes else None
    return content if isinstance(content, dict) else None


# -- Profiles ----------------------------------------------------------------------------------


@dataclass
class Profile:
    """A person's page with the photo and bio an editor would see in the page editor."""

    page: FacultyPage | ResidentPage
    photo: CustomImage | None
    bio: str

    @property
    def context(self):
        page = self.page
        if isinstance(page, FacultyPage):
            return "Faculty"
        if page.is_graduate:
            return f"Graduate, class of {page.graduation_year}"
        return f"Resident, class of {page.graduation_year}"

    @property
    def is_graduate(self):
        return isinstance(self.page, ResidentPage) and self.page.is_graduate

    @property
    def updated_at(self):
        """When the profile was last edited or published, or None if Wagtail has no record of either."""
        stamps = [stamp for stamp in (self.page.latest_revision_created_at, self.page.last_published_at) if stamp]
        return max(stamps) if stamps else None

    def finding(self, kind, detail=""):
        return Finding(
            kind=kind,
            item=self.page,
            page=self.page,
            title=self.page.get_admin_display_title(),
            context=self.context,
            detail=detail,
            edit_url=edit_url(self.page),
        )


def load_profiles():
    """Every faculty and resident profile, live or draft, graduates included. Two to four queries."""
    pages = []
    for model in (FacultyPage, ResidentPage):
        pages += model.objects.filter(alias_of__isnull=True).select_related("photo")
    drafts = _latest_drafts(pages)

    draft_photo_ids = set()
    for page in pages:
        draft = _draft_of(page, drafts)
        if draft is not None and draft.get("photo") and draft.get("photo") != page.photo_id:
            draft_photo_ids.add(draft["photo"])
    draft_photos = CustomImage.objects.in_bulk(draft_photo_ids) if draft_photo_ids else {}

    profiles = []
    for page in pages:
        draft = _draft_of(page, drafts)
        if draft is None:
            photo, bio = page.photo, page.bio
        else:
            photo_id = draft.get("photo")
            photo = page.photo if photo_id == page.photo_id else draft_photos.get(photo_id)
            bio = draft.get("bio") or ""
        profiles.append(Profile(page=page, photo=photo, bio=bio))
    profiles.sort(key=lambda p: (p.page.last_name.lower(), p.page.first_name.lower(), p.page.pk))
    return profiles


def people_without_photo(profiles=None):
    profiles = load_profiles() if profiles is None else profiles
    return [profile.finding(Problem.NO_PHOTO) for profile in profiles if profile.photo is None]


def photos_without_alt_text(profiles=None):
    profiles = load_profiles() if profiles is None else profiles
    return [
        profile.finding(Problem.NO_ALT_TEXT, f"Image: {profile.photo.title}")
        for profile in profiles
        if profile.photo is not None and not (profile.photo.alt_text or "").strip()
    ]


def people_without_bio(profiles=None):
    profiles = load_profiles() if profiles is None else profiles
    return [profile.finding(Problem.NO_BIO) for profile in profiles if is_blank_rich_text(profile.bio)]


def stale_profiles(profiles=None, now=None):
    """Profiles whose latest revision and last publication are both more than 365 days old, oldest first.

    A page Wagtail has no date for (created in code, never edited or published) is not reported.
    """
    profiles = load_profiles() if profiles is None else profiles
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = [profile for profile in profiles if profile.updated_at and profile.updated_at < cutoff]
    stale.sort(key=lambda profile: profile.updated_at)
    return [
        profile.finding(
            Problem.STALE, f"Last updated {format_date(timezone.localtime(profile.updated_at), DATE_FORMAT)}"
        )
        for profile in stale
    ]


# -- Apply page timelines ----------------------------------------------------------------------


def _parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _draft_events(page, draft):
    """The timeline rows stored in a draft revision, as unsaved ApplyTimelineEvent objects."""
    events = []
    for row in draft.get("timeline") or []:
        start = _parse_date(row.get("date")) if isinstance(row, dict) else None
        if start is None:
            continue
        event = ApplyTimelineEvent(
            pk=row.get("pk"),
            date=start,
            end_date=_parse_date(row.get("end_date")),
            title=row.get("title") or "",
            description=row.get("description") or "",
        )
        event.page = page
        events.append(event)
    return events


def _track_titles(pages):
    """{page id: title of its parent page} (an apply page's parent is its track). One query."""
    parent_paths = {page.pk: page.path[: -Page.steplen] for page in pages}
    titles = dict(Page.objects.filter(path__in=set(parent_paths.values())).values_list("path", "title"))
    return {pk: titles.get(path, "") for pk, path in parent_paths.items()}


def _describe_event(event):
    start = format_date(event.date, DATE_FORMAT)
    if event.end_date:
        return f"Ended {format_date(event.end_date, DATE_FORMAT)} (from {start})"
    return f"Was on {start}"


def load_apply_pages():
    """(apply pages, their waiting drafts, {page id: track title}): what the timeline and open-house checks read.
    Three queries, or one when there is no apply page."""
    apply_pages = list(ApplyPage.objects.filter(alias_of__isnull=True).defer_streamfields().order_by("path"))
    if not apply_pages:
        return [], {}, {}
    return apply_pages, _latest_drafts(apply_pages), _track_titles(apply_pages)


def past_timeline_events(today=None, apply_pages=None):
    """Apply-page timeline events whose date, or end date if it has one, is before `today`. One query beside
    `load_apply_pages()`."""
    today = today or date.today()
    apply_pages, drafts, tracks = apply_pages or load_apply_pages()
    if not apply_pages:
        return []

    events = []
    published = {page.pk: page for page in apply_pages if _draft_of(page, drafts) is None}
    if published:
        stored = (
            ApplyTimelineEvent.objects.filter(page_id__in=published)
            .annotate(last_day=Coalesce("end_date", "date"))
            .filter(last_day__lt=today)
        )
        for event in stored:
            event.page = published[event.page_id]
            events.append(event)
    for page in apply_pages:
        draft = _draft_of(page, drafts)
        if draft is not None:
            events += [event for event in _draft_events(page, draft) if (event.end_date or event.date) < today]

    events.sort(key=lambda event: (event.end_date or event.date, event.title))
    findings = []
    for event in events:
        page = event.page
        where = page.get_admin_display_title()
        if tracks.get(page.pk):
            where = f"{tracks[page.pk]}: {where}"
        findings.append(
            Finding(
                kind=Problem.PAST_DATE,
                item=event,
                page=page,
                title=event.title,
                context=where,
                detail=_describe_event(event),
                edit_url=edit_url(page),
            )
        )
    return findings


def _draft_open_houses(page, draft):
    """The open houses stored in a draft revision, as unsaved OpenHouse objects (with what the report shows)."""
    open_houses = []
    for row in draft.get("open_houses") or []:
        day = _parse_date(row.get("date")) if isinstance(row, dict) else None
        if day is None:
            continue
        open_house = OpenHouse(pk=row.get("pk"), date=day, title=row.get("title") or "")
        open_house.page = page
        open_houses.append(open_house)
    return open_houses


def past_open_houses(today=None, apply_pages=None):
    """Open houses whose day is before `today`: still listed (marked past), but an editor should remove them or
    add the next ones. As the timeline: the latest revision's rows where a draft waits. One query beside
    `load_apply_pages()`."""
    today = today or date.today()
    apply_pages, drafts, tracks = apply_pages or load_apply_pages()
    if not apply_pages:
        return []
    published = {page.pk: page for page in apply_pages if _draft_of(page, drafts) is None}
    past = []
    for open_house in OpenHouse.objects.filter(page_id__in=published, date__lt=today).only(
        "pk", "page_id", "date", "title"
    ):
        open_house.page = published[open_house.page_id]
        past.append(open_house)
    for page in apply_pages:
        draft = _draft_of(page, drafts)
        if draft is not None:
            past += [item for item in _draft_open_houses(page, draft) if item.date < today]
    past.sort(key=lambda item: (item.date, item.title))
    findings = []
    for open_house in past:
        page = open_house.page
        where = (
            f"{tracks[page.pk]}: {page.get_admin_display_title()}"
            if tracks.get(page.pk)
            else page.get_admin_display_title()
        )
        detail = f"Was on {format_date(open_house.date, DATE_FORMAT)}"
        findings.append(
            Finding(Problem.PAST_OPEN_HOUSE, open_house, page, open_house.title, where, detail, edit_url(page))
        )
    return findings


# -- Everything --------------------------------------------------------------------------------


def all_findings(today=None, now=None):
    """Every finding, grouped by problem in `Problem` order. A constant number of queries (at most nine)."""
    profiles = load_profiles()
    apply_pages = load_apply_pages()
    return [
        *people_without_photo(profiles),
        *photos_without_alt_text(profiles),
        *people_without_bio(profiles),
        *stale_profiles(profiles, now=now),
        *past_timeline_events(today=today, apply_pages=apply_pages),
        *past_open_houses(today=today, apply_pages=apply_pages),
    ]


def group_findings(findings):
    """[{"kind", "problem", "count", "findings"}] for every kind of problem, empty ones included."""
    groups = {problem: [] for problem in Problem}
    for finding in findings:
        groups[finding.kind].append(finding)
    return [
        {"kind": problem.value, "problem": problem.label, "count": len(rows), "findings": rows}
        for problem, rows in groups.items()
    ]
