"""The emails applicants and the program office receive: each a plain-text body with an HTML alternative,
rendered from templates/admissions/email/<name>.txt and .html (the HTML extends email/base.html)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from core.models import ContactSettings
from programs.calendar import build_calendar

CANCEL_SALT = "admissions.registration.cancel"


def cancel_token(registration):
    """The signed part of a registration's link (to see or cancel it): the same in every email about it."""
    return signing.Signer(salt=CANCEL_SALT).sign_object(registration.pk)


def registration_from_token(token):
    """The registration's id a link names, or None for a link that was not made here."""
    try:
        registration_id = signing.Signer(salt=CANCEL_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return registration_id if isinstance(registration_id, int) else None


def site_root(page):
    """The public site's address for links in emails (the page's Site, else the admin's base URL)."""
    site = page.get_site() if page is not None else None
    return site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def cancel_url(registration):
    page = registration.open_house.page
    return site_root(page) + reverse("admissions:registration", args=[cancel_token(registration)])


def contact_settings(page=None):
    return ContactSettings.load()


def build(template, context, to, reply_to=None):
    """An email from templates/admissions/email/<template>.txt (subject on the first line) and .html."""
    text = render_to_string(f"admissions/email/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    message = EmailMultiAlternatives(
        subject=subject.strip(), body=body.strip() + "\n", to=to, reply_to=reply_to or None
    )
    message.attach_alternative(
        render_to_string(f"admissions/email/{template}.html", {**context, "subject": subject.strip()}), "text/html"
    )
    return message


def question_emails(question):
    """The notification to the program office (replying answers the applicant) and the acknowledgement."""
    contact = contact_settings(question.asked_on)
    context = {"question": question, "contact": contact, "site_root": site_root(question.asked_on)}
    messages = []
    if contact is not None and contact.email:
        context["admin_url"] = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
            "admissions_question:edit", args=[question.pk]
        )
        messages.append(build("question_notification", context, [contact.email], reply_to=[question.email]))
    reply_to = [contact.email] if contact is not None and contact.email else None
    messages.append(build("question_acknowledgement", context, [question.email], reply_to=reply_to))
    return messages


def registration_context(registration):
    open_house = registration.open_house
    page = open_house.page.specific
    contact = contact_settings(page)
    return {
        "registration": registration,
        "open_house": open_house,
        "apply_page": page,
        "program": page.program,
        "contact": contact,
        "page_url": page.get_full_url(),
        "cancel_url": cancel_url(registration),
        "site_root": site_root(page),
    }


def registration_email(registration, template):
    """One of the registration emails (confirmed, waitlisted, seat_given, cancelled, reminder). Those that give a
    seat carry the session as an .ics file."""
    context = registration_context(registration)
    contact = context["contact"]
    reply_to = [contact.email] if contact is not None and contact.email else None
    message = build(f"registration_{template}", context, [registration.email], reply_to=reply_to)
    if registration.status == registration.Status.CONFIRMED and template != "cancelled":
        calendar = build_calendar(None, context["apply_page"], [], [registration.open_house])
        message.attach(f"{slugify(registration.open_house.title) or 'open-house'}.ics", calendar, "text/calendar")
    return message


def message_to_registrants(open_house, registration, subject, body):
    context = {**registration_context(registration), "subject_line": subject, "body": body}
    contact = context["contact"]
    reply_to = [contact.email] if contact is not None and contact.email else None
    return build("registration_message", context, [registration.email], reply_to=reply_to)
