"""The applicant emails, sent by the task worker (`manage.py db_worker`) so that no visitor waits for the mail
server, and a slow or failing one loses nothing the visitor sent (the question or seat is saved first).

Reminders: `manage.py send_open_house_reminders` (cron hourly in production; `make run`'s scheduler loop every
minute) finds the confirmed registrations of sessions starting within REMINDER_AHEAD, claims each with a
conditional update (so two runs never send one twice) and queues `send_reminder` for the worker.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from admissions import emails
from admissions.models import Question, Registration
from programs.models import OpenHouse

logger = logging.getLogger("portal.admissions")

REMINDER_AHEAD = timedelta(hours=24)


@task()
def send_question_emails(question_id):
    question = Question.objects.select_related("asked_on").filter(pk=question_id).first()
    if question is None:
        return 0  # deleted (retention) before the worker got to it
    messages = emails.question_emails(question)
    for message in messages:
        message.send()
    return len(messages)


@task()
def send_registration_email(registration_id, template):
    registration = Registration.objects.select_related("open_house__page").filter(pk=registration_id).first()
    if registration is None:
        return 0
    emails.registration_email(registration, template).send()
    return 1


@task()
def send_reminder(registration_id):
    registration = Registration.objects.select_related("open_house__page").filter(pk=registration_id).first()
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return 0  # cancelled since it was claimed
    emails.registration_email(registration, "reminder").send()
    return 1


@task()
def send_message_to_registrants(open_house_id, subject, body, include_waitlist=False):
    """Communications' message to everyone registered for one session (each gets their own email)."""
    open_house = OpenHouse.objects.select_related("page").filter(pk=open_house_id).first()
    if open_house is None:
        return 0
    statuses = [Registration.Status.CONFIRMED] + ([Registration.Status.WAITLISTED] if include_waitlist else [])
    sent = 0
    for registration in open_house.registrations.filter(status__in=statuses).select_related("open_house__page"):
        emails.message_to_registrants(open_house, registration, subject, body).send()
        sent += 1
    return sent


def due_reminders(now=None):
    """Confirmed registrations, not yet reminded, of sessions that start within REMINDER_AHEAD from `now`, and
    that were made before the reminder window opened (whoever registers on the day has just had the details)."""
    now = now or timezone.now()
    soon = [
        open_house
        for open_house in OpenHouse.objects.filter(
            date__gte=(now - timedelta(days=1)).date(), date__lte=(now + REMINDER_AHEAD + timedelta(days=1)).date()
        )
        if now < open_house.starts_at <= now + REMINDER_AHEAD
    ]
    due = []
    for open_house in soon:
        window_opened = open_house.starts_at - REMINDER_AHEAD
        due += open_house.registrations.filter(
            Q(status=Registration.Status.CONFIRMED), reminded_at__isnull=True, registered_at__lt=window_opened
        )
    return due


def queue_reminders(now=None):
    """Claim and queue every due reminder once; returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for registration in due_reminders(now):
        claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now)
        if claimed:
            send_reminder.enqueue(registration.pk)
            queued += 1
    return queued
