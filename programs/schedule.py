"""A postgraduate year at a glance: 52 weeks laid out from a curriculum's rotations.

The rotations say how many weeks of each block a year has, not in which order, so the grid is one example year:
continuity clinic weeks take the "+1" place of every cycle (week 5, 10, 15, ... in a 4+1 schedule) and the
other blocks fill the weeks between, in the order editors listed them. The tables under the grid give the
exact numbers; the grid shows the rhythm.
"""

from dataclasses import dataclass, field

WEEKS_PER_YEAR = 52

# One letter per kind of block, printed in each week, so the grid does not rely on colour alone.
KIND_CODES = {
    "continuity": "C",
    "ambulatory": "A",
    "inpatient": "I",
    "didactic": "D",
    "elective": "E",
    "vacation": "V",
}
UNASSIGNED = "unassigned"


def lower_first(text):
    return text[:1].lower() + text[1:]


@dataclass
class Week:
    number: int
    kind: str
    name: str
    is_cycle_clinic: bool  # the "+1" place of a cycle

    @property
    def code(self):
        return KIND_CODES.get(self.kind, "·")


@dataclass
class YearGrid:
    year: int
    label: str
    weeks: list
    legend: list = field(default_factory=list)  # [{kind, label, code, weeks}]
    overflow: int = 0  # weeks listed beyond 52, left out of the grid

    @property
    def summary(self):
        """The grid in words, for assistive technology (the grid itself is a picture of the tables)."""
        parts = [
            f"{item['weeks']} {'week' if item['weeks'] == 1 else 'weeks'} of {lower_first(item['label'])}"
            for item in self.legend
        ]
        return f"{self.label}, an example year of {WEEKS_PER_YEAR} weeks: " + "; ".join(parts) + "."


def lay_out_year(rotations, inpatient_weeks, clinic_weeks, weeks_per_year=WEEKS_PER_YEAR):
    """[Week] for one year from its rotations (model instances or anything with kind, name and weeks)."""
    cycle = inpatient_weeks + clinic_weeks
    clinic_slots = [index for index in range(weeks_per_year) if index % cycle >= inpatient_weeks]
    continuity = [rotation for rotation in rotations if rotation.kind == "continuity"]
    others = [rotation for rotation in rotations if rotation.kind != "continuity"]

    slots = [None] * weeks_per_year
    continuity_weeks = [rotation for rotation in continuity for _ in range(rotation.weeks)]
    for index, rotation in zip(clinic_slots, continuity_weeks, strict=False):
        slots[index] = rotation
    # More continuity weeks than cycles (e.g. 11 in a year of ten cycles): the rest go after the other blocks.
    leftover_continuity = continuity_weeks[len(clinic_slots) :]
    queue = [rotation for rotation in others for _ in range(rotation.weeks)] + leftover_continuity
    free = [index for index in range(weeks_per_year) if slots[index] is None]
    for index, rotation in zip(free, queue, strict=False):
        slots[index] = rotation
    overflow = max(0, len(queue) - len(free))

    clinic_places = set(clinic_slots)
    weeks = [
        Week(
            number=index + 1,
            kind=rotation.kind if rotation else UNASSIGNED,
            name=rotation.name if rotation else "Unscheduled time",
            is_cycle_clinic=index in clinic_places and rotation is not None and rotation.kind == "continuity",
        )
        for index, rotation in enumerate(slots)
    ]
    return weeks, overflow


def year_grids(schedule, inpatient_weeks, clinic_weeks, kind_labels):
    """A YearGrid for each year of `schedule` (CurriculumPage.get_schedule's list of years)."""
    grids = []
    for year in schedule:
        weeks, overflow = lay_out_year(year["rotations"], inpatient_weeks, clinic_weeks)
        counts = {}
        for week in weeks:
            counts[week.kind] = counts.get(week.kind, 0) + 1
        order = [*KIND_CODES, UNASSIGNED]
        legend = [
            {
                "kind": kind,
                "label": kind_labels.get(kind, "Unscheduled time"),
                "code": KIND_CODES.get(kind, "·"),
                "weeks": counts[kind],
            }
            for kind in order
            if counts.get(kind)
        ]
        grids.append(YearGrid(year=year["year"], label=year["label"], weeks=weeks, legend=legend, overflow=overflow))
    return grids


def phone_columns(inpatient_weeks, clinic_weeks):
    """How many weeks a row of the grid holds on a phone: whole cycles, so the clinic weeks line up in columns."""
    cycle = inpatient_weeks + clinic_weeks
    return cycle * 2 if cycle * 2 <= 16 else cycle
