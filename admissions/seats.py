"""Seats at an open house: never more confirmed registrations than its capacity, however many people take the
last seat at once; a waitlist, in the order people joined it, that moves up when someone cancels.

Each change to a session's registrations runs in a transaction that first locks the session, so two
registrants are served one after the other and the second sees the first one's seat:
- PostgreSQL: `SELECT ... FOR UPDATE` on the open house's row;
- SQLite (no row locks): the transaction's first statement is a write to that row, which takes the database's
  write lock; a second registrant's write waits for it (the busy timeout) instead of reading a count that is
  about to change. (A read first would fail outright: SQLite refuses to upgrade a reader whose snapshot another
  writer has moved past.)
"""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from admissions.models import Registration
from programs.models import OpenHouse


class RegistrationClosed(Exception):
    """The session takes no registrations on this site (no capacity, or it has passed)."""


def _lock(open_house_id):
    """The open house, locked until the transaction ends. Must be the transaction's first statement."""
    if connection.features.has_select_for_update:
        return OpenHouse.objects.select_related("page").select_for_update(of=("self",)).get(pk=open_house_id)
    OpenHouse.objects.filter(pk=open_house_id).update(capacity=F("capacity"))
    return OpenHouse.objects.select_related("page").get(pk=open_house_id)


def seats_taken(open_house):
    return open_house.registrations.filter(status=Registration.Status.CONFIRMED).count()


def accepts_registrations(open_house):
    return open_house.capacity > 0 and not open_house.is_past


def register(open_house_id, name, email, medical_school):
    """A seat if one is free, else a place on the waitlist: (registration, created).

    Someone already registered (or waiting) for the session with the same email gets their registration back,
    unchanged, with `created` False.
    """
    with transaction.atomic():
        open_house = _lock(open_house_id)
        if not accepts_registrations(open_house):
            raise RegistrationClosed
        existing = (
            open_house.registrations.exclude(status=Registration.Status.CANCELLED).filter(email__iexact=email).first()
        )
        if existing is not None:
            return existing, False
        has_seat = seats_taken(open_house) < open_house.capacity
        registration = Registration.objects.create(
            open_house=open_house,
            name=name,
            email=email,
            medical_school=medical_school,
            status=Registration.Status.CONFIRMED if has_seat else Registration.Status.WAITLISTED,
        )
        return registration, True


def fill_free_seats(open_house):
    """Give free seats to the longest waiting, in the order they joined; returns those who got one.

    Call inside a transaction that holds the session's lock (`cancel`, `fill_seats`).
    """
    free = open_house.capacity - seats_taken(open_house)
    if free <= 0:
        return []
    waiting = list(
        open_house.registrations.filter(status=Registration.Status.WAITLISTED).order_by("registered_at", "pk")[:free]
    )
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in waiting]).update(
        status=Registration.Status.CONFIRMED, seat_given_at=now
    )
    for registration in waiting:
        registration.status, registration.seat_given_at = Registration.Status.CONFIRMED, now
    return waiting


def fill_seats(open_house_id):
    """After a session's capacity grew: seats to the waitlist. Returns those who got one."""
    with transaction.atomic():
        open_house = _lock(open_house_id)
        if open_house.is_past:
            return []
        return fill_free_seats(open_house)


def cancel(registration_id):
    """Cancel a registration; a seat it held goes to the first on the waitlist.

    Returns (registration, promoted registrations); cancelling twice changes nothing the second time.
    """
    open_house_id = Registration.objects.filter(pk=registration_id).values_list("open_house_id", flat=True).first()
    if open_house_id is None:
        raise Registration.DoesNotExist
    with transaction.atomic():
        open_house = _lock(open_house_id)
        registration = Registration.objects.get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            return registration, []
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = fill_free_seats(open_house) if not open_house.is_past else []
        return registration, promoted
