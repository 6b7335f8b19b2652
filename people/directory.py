"""The people directory behind a PersonIndexPage: filters, sections, pagination and the graduates' outcomes.

The site-wide directory also filters by track (`?track=<the track page's slug>`); a track's own directory
lists only that track's people already. Filters are a plain GET form, so a filtered list is a link that can be
bookmarked or shared, and works without JavaScript. A value that is not one of a filter's choices (a typo, an old
bookmark, junk) is ignored, never an error: choices come from the people in the directory, so an unknown value
never reaches a query.

Faculty, current residents and graduates are three querysets listed one after another and paginated as one list
(core.pagination.Sections): a page of the directory costs the same queries with 10 people or 10,000.
"""

import hashlib
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from taggit.models import Tag

from core.generation_memo import remember, remember_lasting
from core.models import images_with_renditions_on_demand, live_public
from core.page_cache import note_query
from core.pagination import Sections, group_by_section, page_links, page_number, paginate
from people.residency import FACULTY, GRADUATES, RESIDENCY_YEARS, RESIDENTS, Outcome, latest_graduated_class
from programs.models import ClinicSitePage

__all__ = ["FACULTY", "GRADUATES", "RESIDENTS"]  # the group names, where the directory's callers look for them

PEOPLE_PER_PAGE = 24
FIRST_SCREEN_CARDS = 2  # a row of cards on a phone: their portraits load at once, the rest lazily

GROUP_LABELS = {FACULTY: "Faculty", RESIDENTS: "Residents", GRADUATES: "Graduates"}
ROLE_CHOICES = [("leadership", "Program leadership"), ("faculty", "Faculty")]
# Which groups each filter narrows to: a faculty filter leaves residents out, and so on.
FILTER_GROUPS = {
    "interest": {FACULTY},
    "site": {FACULTY},
    "role": {FACULTY},
    "year": {RESIDENTS, GRADUATES},
    "outcome": {GRADUATES},
}


class DirectoryFilterForm(forms.Form):
    """The filters a directory offers, with the choices its people have. Every field is optional."""

    group = forms.ChoiceField(label="Show", required=False)
    track = forms.ChoiceField(label="Track", required=False)
    interest = forms.ChoiceField(label="Clinical interest", required=False)
    site = forms.ChoiceField(label="Clinic site", required=False)
    role = forms.ChoiceField(label="Role", required=False)
    year = forms.ChoiceField(label="Class", required=False)
    outcome = forms.ChoiceField(label="After residency", required=False)

    def __init__(self, data, choices):
        super().__init__(data)
        for name in list(self.fields):
            offered = choices.get(name, [])
            asked_for = len(offered) == 1 and data.get(name) == offered[0][0]
            if len(offered) < 2 and not asked_for:
                # Nothing to choose between (or a group the directory does not list): no filter. A link that asks
                # for the one value there is (a profile's interest chip) still gets its filter shown.
                del self.fields[name]
                continue
            self.fields[name].choices = [("", f"Any {self.fields[name].label.lower()}"), *choices[name]]
        if "group" in self.fields:
            self.fields["group"].choices = [("", "Everyone"), *choices["group"]]

    def active(self):
        """{name: value} of the filters that hold a valid choice; invalid ones are simply left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class Directory:
    """One request's view of a PersonIndexPage: what it lists, filtered and paginated."""

    def __init__(self, index, request):
        self.index = index
        self.request = request
        self.cutoff = latest_graduated_class()
        self.groups = index.listed_groups()
        # The choices change only with a publish: once per page-cache generation (core.generation_memo).
        self.choices = remember(request, ("directory-choices", index.pk, self.cutoff), self.get_choices)
        self.form = DirectoryFilterForm(request.GET, self.choices)
        self.filters = self.form.active()
        note_query(request, **self.filters)  # the page cache stores only filters that hold a valid choice

    # -- what is in scope, before filtering ----------------------------------------------------------------

    # Built once per request: the choices, the track filter and the lists all start from them.
    @cached_property
    def faculty_scope(self):
        return self.index.scoped_faculty() if FACULTY in self.groups else None

    @cached_property
    def resident_scope(self):
        if not set(self.groups) & {RESIDENTS, GRADUATES}:
            return None
        return self.index.scoped_residents()

    def get_choices(self):
        """The choices of each filter, from the people in scope: one query per filter."""
        choices = {"group": [(group, GROUP_LABELS[group]) for group in self.groups]}
        choices["track"] = self.track_choices()
        faculty = self.faculty_scope
        if faculty is not None:
            tags = Tag.objects.filter(people_facultyinterest_items__content_object__in=faculty.values("pk"))
            choices["interest"] = [(tag.slug, tag.name) for tag in tags.distinct().order_by("name")]
            sites = live_public(ClinicSitePage.objects.filter(preceptors__in=faculty.values("pk")))
            choices["site"] = list(sites.order_by("title").values_list("slug", "title").distinct())
            leadership = {is_leadership for is_leadership, _ in self.faculty_breakdown}
            choices["role"] = [(value, label) for value, label in ROLE_CHOICES if (value == "leadership") in leadership]
        if self.resident_scope is not None:
            years = sorted({year for year, _, _ in self.resident_breakdown})
            choices["year"] = [(str(year), self.class_label(year)) for year in years]
            kinds = {kind for year, kind, _ in self.resident_breakdown if year <= self.cutoff}
            choices["outcome"] = [(kind, label) for kind, label in Outcome.choices if kind in kinds]
        return choices

    def track_choices(self):
        """The live tracks the people in scope belong to, in one query; none under a track (its own people)."""
        from programs.models import ProgramPage

        if self.index.program:
            return []
        linked = Q(pk__in=[])
        for people in (self.faculty_scope, self.resident_scope):
            if people is not None:
                through = people.model.programs.through
                person_field = f"{people.model._meta.model_name}__in"
                linked |= Q(pk__in=through.objects.filter(**{person_field: people.values("pk")}).values("programpage"))
        tracks = live_public(ProgramPage.objects.filter(linked))
        return list(tracks.order_by("title").values_list("slug", "title").distinct())

    @cached_property
    def faculty_breakdown(self):
        """[(is leadership, number of people)] for the faculty in scope, in one query: the role filter's choices
        and, unfiltered, the faculty's count come from it."""
        faculty = self.faculty_scope
        if faculty is None:
            return []
        return list(faculty.order_by().values_list("is_leadership").annotate(number=Count("pk")))

    def unfiltered_counts(self):
        """{section: number of people} without filters, from the breakdowns the choices were made from (no query
        when they have just been read, as after a publish)."""
        return {
            FACULTY: sum(number for _, number in self.faculty_breakdown),
            RESIDENTS: sum(number for year, _, number in self.resident_breakdown if year > self.cutoff),
            GRADUATES: sum(number for year, _, number in self.resident_breakdown if year <= self.cutoff),
        }

    @cached_property
    def resident_breakdown(self):
        """[(class year, outcome kind, number of people)] for everyone in scope, in one query: the class and
        outcome filters' choices and the graduates' outcomes all come from it."""
        residents = self.resident_scope
        if residents is None:
            return []
        counts = residents.order_by().values_list("graduation_year", "outcome_kind").annotate(number=Count("pk"))
        return list(counts)

    def outcomes(self):
        """Where the graduates in scope went (outcome_summary), whatever the filters: once per page-cache
        generation, like the choices made from the same breakdown (a filtered or later page reads it again)."""
        return remember(
            self.request,
            ("directory-outcomes", self.index.pk, self.cutoff),
            lambda: outcome_summary([row for row in self.resident_breakdown if row[0] <= self.cutoff]),
        )

    def class_label(self, year):
        pgy = RESIDENCY_YEARS - (year - self.cutoff - 1)
        if year <= self.cutoff:
            return f"Class of {year} (graduates)"
        if 1 <= pgy <= RESIDENCY_YEARS:
            return f"Class of {year} (PGY-{pgy})"
        return f"Class of {year}"

    # -- the filtered list -----------------------------------------------------------------------------------

    def shown_groups(self):
        """The groups left after the filters: each filter keeps only the groups it applies to."""
        groups = set(self.groups)
        if self.filters.get("group"):
            groups &= {self.filters["group"]}
        for name in self.filters:
            groups &= FILTER_GROUPS.get(name, groups)
        return groups

    def filtered_faculty(self):
        faculty = self.faculty_scope
        if faculty is None or FACULTY not in self.shown_groups():
            return None
        if "track" in self.filters:
            faculty = faculty.filter(programs__slug=self.filters["track"])
        if "interest" in self.filters:
            faculty = faculty.filter(clinical_interests__slug=self.filters["interest"])
        if "site" in self.filters:
            faculty = faculty.filter(clinic_sites__slug=self.filters["site"])
        if "role" in self.filters:
            faculty = faculty.filter(is_leadership=self.filters["role"] == "leadership")
        if self.filters.keys() & {"track", "interest", "site"}:
            # A join with a second track, an interest or a site can meet one person more than once. Without one,
            # the scope's one track link lists each person once, and the list and its count need no DISTINCT.
            faculty = faculty.distinct()
        faculty = faculty.select_related("photo").only(*faculty.model.card_fields)
        return faculty.order_by("-is_leadership", "last_name", "first_name", "pk")

    def filtered_residents(self, group):
        residents = self.resident_scope
        if residents is None or group not in self.shown_groups():
            return None
        if group == RESIDENTS:
            residents = residents.filter(graduation_year__gt=self.cutoff).order_by("graduation_year")
        else:
            residents = residents.filter(graduation_year__lte=self.cutoff).order_by("-graduation_year")
        if "track" in self.filters:
            residents = residents.filter(programs__slug=self.filters["track"]).distinct()
        if "year" in self.filters:
            residents = residents.filter(graduation_year=int(self.filters["year"]))
        if "outcome" in self.filters:
            residents = residents.filter(outcome_kind=self.filters["outcome"])
        residents = residents.select_related("photo").only(*residents.model.card_fields)
        return residents.order_by(*residents.query.order_by, "last_name", "first_name", "pk")

    def sections(self):
        sections = Sections(
            [
                (FACULTY, self.filtered_faculty()),
                (RESIDENTS, self.filtered_residents(RESIDENTS)),
                (GRADUATES, self.filtered_residents(GRADUATES)),
            ]
        )
        # How many people each section holds changes only with a publish: counted once per page-cache generation
        # for these filters (core.generation_memo), so a later page or another visitor reads only its slice.
        key = ("directory-counts", self.index.pk, self.cutoff, tuple(sorted(self.filters.items())))
        count = sections.counts if self.filters else self.unfiltered_counts
        sections.use_counts(remember(self.request, key, count))
        return sections

    def get_page(self):
        """The requested page of people with their portraits: the photos come with the people, and their renditions
        in one more query, whichever sections the page spans, only if a card's picture is not remembered."""
        page_of_people = paginate(self.request, self.sections(), PEOPLE_PER_PAGE)
        people = images_with_renditions_on_demand(
            [person for _, person in page_of_people.object_list], "photo", "portrait"
        )
        for person in people[:FIRST_SCREEN_CARDS]:
            person.first_on_screen = True
        return page_of_people

    def group_headings(self, items):
        """The page's people under headings: leadership and faculty, residents by class, graduates."""
        keyed = []
        for group, person in items:
            if group == FACULTY:
                keyed.append(("leadership" if person.is_leadership else "faculty", person))
            elif group == RESIDENTS:
                keyed.append((f"class-{person.graduation_year}", person))
            else:
                keyed.append(("graduates", person))
        labels = {"leadership": "Program leadership", "faculty": "Faculty", "graduates": "Graduates"}
        for key, person in keyed:
            if key.startswith("class-"):
                pgy = person.pgy_label
                labels[key] = f"Class of {person.graduation_year}" + (f" · {pgy}" if pgy else "")
        if not any(key == "leadership" for key, _ in keyed):
            labels["faculty"] = "Faculty" if FACULTY not in self.groups or len(self.groups) > 1 else "Our faculty"
        return group_by_section(keyed, labels)

    # -- links --------------------------------------------------------------------------------------------------

    @cached_property
    def base_url(self):
        return self.index.get_url(self.request) or ""

    def url(self, page=None, **changes):
        """The directory's address with the active filters (changed by `changes`; None removes one)."""
        params = {**self.filters, **changes}
        params = {name: value for name, value in params.items() if value}
        if page and page > 1:
            params["page"] = page
        return f"{self.base_url}?{urlencode(params)}" if params else self.base_url

    def filtered_url(self, **params):
        """The directory's address with exactly these filters (none of the active ones)."""
        params = {name: value for name, value in params.items() if value}
        return f"{self.base_url}?{urlencode(params)}" if params else self.base_url

    def filter_fields(self):
        """The filter form's fields as HTML. Rendering a form's selects is one of a directory's dearest parts, and
        they depend on nothing but the choices, the valid filters (the selected options) and the fields with junk
        in them (Django marks those aria-invalid). So they are remembered across page-cache generations
        (core.generation_memo's `remember_lasting`) under a digest of exactly those: a publish that changes the
        choices makes a new key, one that does not (most) finds them made."""
        key = repr((self.choices, sorted(self.filters.items()), sorted(self.form.errors)))
        return remember_lasting(
            self.request,
            "directory-filter-fields:" + hashlib.sha256(key.encode()).hexdigest(),
            lambda: render_to_string("includes/directory_filter_fields.html", {"form": self.form}),
        )

    def active_filters(self):
        """[{label, value label, remove url}] for the filters in use, to show and undo one at a time."""
        active = []
        for name, value in self.filters.items():
            field = self.form.fields[name]
            value_label = dict(field.choices).get(value, value)
            active.append({"label": field.label, "value": value_label, "remove_url": self.url(**{name: None})})
        return active

    def get_context(self):
        page_of_people = self.get_page()
        sections = page_of_people.paginator.object_list
        counts = sections.counts()
        context = {
            "directory": self,
            "filter_form": self.form if self.form.fields else None,
            "active_filters": self.active_filters(),
            "people_page": page_of_people,
            "people_groups": self.group_headings(page_of_people.object_list),
            "people_count": page_of_people.paginator.count,
            "group_counts": counts,
            "pagination": page_links(page_of_people, self.url),
            "clear_filters_url": self.url(**dict.fromkeys(self.filters)) if self.filters else "",
        }
        # A filtered list is a view of the page, not a page of its own: search engines index the plain list.
        number = page_number(self.request)
        if self.filters:
            context["noindex"] = True
            context["canonical_url"] = self.index.get_full_url(self.request)
        elif number > 1 and page_of_people.number == number:
            context["canonical_url"] = self.index.get_full_url(self.request) + f"?page={number}"
        return context


def outcome_summary(counts):
    """Where graduates went, by kind and by class year, from [(class year, outcome kind, number)] of graduates.

    Returns None without graduates, else {"total", "years", "year_totals", "rows": [{kind, label, total,
    by_year, share}], "chart": geometry for the SVG bar chart}.
    """
    cells = {}
    for year, kind, number in counts:
        cells[(kind or "", year)] = cells.get((kind or "", year), 0) + number
    if not cells:
        return None
    years = sorted({year for _, year in cells})
    labels = dict(Outcome.choices)
    labels[""] = "Not yet recorded"
    total = sum(cells.values())
    rows = []
    for kind in [*labels]:
        by_year = [cells.get((kind, year), 0) for year in years]
        if sum(by_year):
            rows.append(
                {
                    "kind": kind,
                    "label": labels[kind],
                    "total": sum(by_year),
                    "by_year": by_year,
                    "share": round(100 * sum(by_year) / total),
                }
            )
    rows.sort(key=lambda row: (row["kind"] == "", -row["total"]))
    year_totals = [sum(row["by_year"][index] for row in rows) for index in range(len(years))]
    return {"total": total, "years": years, "year_totals": year_totals, "rows": rows, "chart": bar_chart(rows)}


# The SVG bar chart's geometry. The chart has no viewBox: it is as wide as its column and its text stays at the
# size site.css gives it (a scaled chart would shrink its labels to 10 px on a phone). Heights are in px, bar
# lengths in % of the width, leaving room after the longest bar for its number.
CHART_LABEL_HEIGHT = 24
CHART_BAR_HEIGHT = 18
CHART_ROW_GAP = 16
CHART_LONGEST_BAR = 72  # % of the chart's width


def bar_chart(rows):
    """Horizontal bars, one per outcome, each labelled above with its name and at its end with its number."""
    longest = max((row["total"] for row in rows), default=1)
    bars, y = [], 0
    for row in rows:
        length = max(1.0, round(CHART_LONGEST_BAR * row["total"] / longest, 1))
        bars.append(
            {
                **row,
                "label_y": y + 17,
                "bar_y": y + CHART_LABEL_HEIGHT,
                "bar_width": f"{length}%",
                "value_x": f"{length}%",
                "value_y": y + CHART_LABEL_HEIGHT + 14,
            }
        )
        y += CHART_LABEL_HEIGHT + CHART_BAR_HEIGHT + CHART_ROW_GAP
    return {"height": max(y - CHART_ROW_GAP, 1), "bar_height": CHART_BAR_HEIGHT, "bars": bars}
