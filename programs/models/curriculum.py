"""A track's curriculum: its rotations as data, shown as a schedule by year."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.blocks import BodyStreamBlock
from core.models import BasePage
from programs.models.program import ProgramChildMixin
from programs.schedule import KIND_CODES, phone_columns, year_grids


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
        schedule = self.get_schedule() if schedule is None else schedule
        labels = dict(CurriculumRotation.Kind.choices)
        return year_grids(schedule, self.cycle_inpatient_weeks, self.cycle_clinic_weeks, labels)

    def get_context(self, request, *args, **kwargs):
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
