"""The programs app's page models, one module per kind of page; imported here so Django finds them and so
`programs.models.X` keeps working (the migrations name `programs.models.ProgramChildMixin` and
`programs.models.default_time_zone`)."""

from programs.models.apply import TIME_ZONES, ApplyPage, ApplyTimelineEvent, OpenHouse, default_time_zone
from programs.models.clinics import ClinicSiteIndexPage, ClinicSitePage
from programs.models.curriculum import CurriculumPage, CurriculumRotation
from programs.models.program import ProgramChildMixin, ProgramPage, ProgramSalary, find_program

__all__ = [
    "TIME_ZONES",
    "ApplyPage",
    "ApplyTimelineEvent",
    "ClinicSiteIndexPage",
    "ClinicSitePage",
    "CurriculumPage",
    "CurriculumRotation",
    "OpenHouse",
    "ProgramChildMixin",
    "ProgramPage",
    "ProgramSalary",
    "default_time_zone",
    "find_program",
]
