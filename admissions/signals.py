"""When an apply page is published, seats that became free (a session's capacity raised) go to its waitlist."""

from django.db import transaction
from wagtail.signals import page_published

from admissions import seats, tasks
from programs.models import ApplyPage


def give_free_seats(sender, instance, **kwargs):
    for open_house in instance.open_houses.filter(capacity__gt=0):
        for registration in seats.fill_seats(open_house.pk):
            pk = registration.pk
            transaction.on_commit(lambda pk=pk: tasks.send_registration_email.enqueue(pk, "seat_given"))


def connect():
    page_published.connect(give_free_seats, sender=ApplyPage, dispatch_uid="admissions_give_free_seats")
