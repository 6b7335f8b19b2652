"""The curriculum's year at a glance: 52 weeks per postgraduate year, laid out from the rotations."""

from types import SimpleNamespace

from programs.models import CurriculumRotation
from programs.schedule import WEEKS_PER_YEAR, lay_out_year, phone_columns
from tests.utils import SiteTestCase, parse_tags


def rotation(kind, weeks, name=None):
    return SimpleNamespace(kind=kind, weeks=weeks, name=name or kind.title())


class YearLayoutTests(SiteTestCase):
    def test_continuity_weeks_take_every_fifth_week_in_a_4_plus_1_year(self):
        rotations = [rotation("continuity", 10), rotation("inpatient", 30), rotation("ambulatory", 8)]
        weeks, overflow = lay_out_year(rotations, 4, 1)
        self.assertEqual(len(weeks), WEEKS_PER_YEAR)
        self.assertEqual(overflow, 0)
        clinic = [week.number for week in weeks if week.kind == "continuity"]
        self.assertEqual(clinic, [5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
        self.assertTrue(all(week.is_cycle_clinic for week in weeks if week.kind == "continuity"))
        self.assertEqual([week.kind for week in weeks[:4]], ["inpatient"] * 4)  # the blocks in listed order
        self.assertEqual(sum(week.kind == "unassigned" for week in weeks), 52 - 48)

    def test_extra_continuity_weeks_and_overflow(self):
        weeks, overflow = lay_out_year([rotation("continuity", 11), rotation("inpatient", 41)], 4, 1)
        clinic = [week for week in weeks if week.kind == "continuity"]
        self.assertEqual(len(clinic), 11)
        self.assertEqual(sum(week.is_cycle_clinic for week in clinic), 10)  # the eleventh is after the others
        _, overflow = lay_out_year([rotation("continuity", 10), rotation("inpatient", 50)], 4, 1)
        self.assertEqual(overflow, 8)

    def test_other_cycles(self):
        weeks, _ = lay_out_year([rotation("continuity", 20), rotation("inpatient", 32)], 6, 2)
        self.assertEqual([w.number for w in weeks if w.kind == "continuity"][:4], [7, 8, 15, 16])
        self.assertEqual(phone_columns(4, 1), 10)
        self.assertEqual(phone_columns(6, 2), 16)
        self.assertEqual(phone_columns(12, 4), 16)
        self.assertEqual(phone_columns(1, 1), 4)


class YearGridPageTests(SiteTestCase):
    def test_page_draws_a_year_per_pgy_with_a_key_and_keeps_the_tables(self):
        curriculum = self.tree.curriculum
        response = self.client.get(curriculum.url)
        grids = response.context["year_grids"]
        self.assertEqual([grid.label for grid in grids], ["PGY-1", "PGY-2"])
        self.assertTrue(all(len(grid.weeks) == WEEKS_PER_YEAR for grid in grids))
        html = response.content.decode()
        tags = parse_tags(html)
        images = [tag["attrs"] for tag in tags if tag["attrs"].get("role") == "img"]
        self.assertEqual(len(images), 2)
        summary = images[0]["aria-label"]
        self.assertTrue(summary.startswith("PGY-1, an example year of 52 weeks: 10 weeks of continuity"), summary)
        self.assertIn("24 weeks of inpatient and critical care; 18 weeks of unscheduled time", summary)
        weeks = [tag for tag in tags if "week--" in tag["attrs"].get("class", "") and tag["attrs"].get("title")]
        self.assertEqual(len(weeks), 2 * WEEKS_PER_YEAR)
        self.assertIn("week-grid--cols-10", html)
        legend = [item["label"] for item in response.context["grid_legend"]]
        self.assertIn(CurriculumRotation.Kind.CONTINUITY.label, legend)
        self.assertEqual(sum(tag["tag"] == "table" for tag in tags), 3)  # two years and the totals
