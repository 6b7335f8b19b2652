"""Applicants' personal data is kept for APPLICANT_DATA_RETENTION_DAYS (README), then deleted."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from admissions.models import Question, Registration


def prune(now=None):
    """Delete questions received, and registrations made, before the retention period: {what: how many}."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.APPLICANT_DATA_RETENTION_DAYS)
    questions, _ = Question.objects.filter(received_at__lt=cutoff).delete()
    registrations, _ = Registration.objects.filter(registered_at__lt=cutoff).delete()
    return {"questions": questions, "registrations": registrations}
