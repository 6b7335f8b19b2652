"""The residency's calendar and the groups of people the site lists, shared by the people models and the
directory (core of both, so a plain module: it defines no model)."""

from datetime import date

from django.db import models

RESIDENCY_YEARS = 3
FACULTY, RESIDENTS, GRADUATES = "faculty", "residents", "graduates"


def latest_graduated_class(today=None):
    """The most recent class that has finished residency (academic years end on 30 June)."""
    today = today or date.today()
    return today.year if (today.month, today.day) > (6, 30) else today.year - 1


class Outcome(models.TextChoices):
    """Where a graduate went next (ResidentPage.Outcome)."""

    FELLOWSHIP = "fellowship", "Fellowship"
    PRIMARY_CARE = "primary_care", "Primary care practice"
    ACADEMIC = "academic", "Academic medicine"
    CHIEF = "chief", "Chief resident"
    HOSPITAL_MEDICINE = "hospital_medicine", "Hospital medicine"
    LEADERSHIP = "leadership", "Health system or public health leadership"
    OTHER = "other", "Other"
