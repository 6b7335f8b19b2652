"""Admin screens beyond the listings: the open-house sessions with their seats, a message to everyone registered
for one, and cancelling a registration (which gives the seat to the waitlist)."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from admissions import seats, tasks
from admissions.models import Registration
from core.admin_utils import forbidden
from programs.models import OpenHouse

VIEW_PERMISSION = "admissions.view_registration"
CHANGE_PERMISSION = "admissions.change_registration"


def registrations_url(open_house_id, **params):
    query = "&".join(f"{key}={value}" for key, value in {"open_house": open_house_id, **params}.items())
    return reverse("admissions_registration:index") + "?" + query


class OpenHouseSessionsView(View):
    """Every open house that takes registrations here, with seats taken, the waitlist and what to do next."""

    def get(self, request):
        if not request.user.has_perm(VIEW_PERMISSION):
            return forbidden(request, "see open-house registrations")
        status = Registration.Status
        sessions = (
            OpenHouse.objects.filter(Q(capacity__gt=0) | Q(registrations__isnull=False))
            .select_related("page")
            .annotate(
                taken=Count("registrations", filter=Q(registrations__status=status.CONFIRMED)),
                waiting=Count("registrations", filter=Q(registrations__status=status.WAITLISTED)),
            )
            .distinct()
            .order_by("-date", "-start_time")
        )
        rows = [
            {
                "open_house": session,
                "registrations_url": registrations_url(session.pk),
                "export_url": registrations_url(session.pk, export="xlsx"),
                "email_url": reverse("admissions_admin_email_registrants", args=[session.pk]),
            }
            for session in sessions
        ]
        context = {"page_title": "Open-house sessions", "header_icon": "date", "rows": rows}
        return TemplateResponse(request, "admissions/admin/sessions.html", context)


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=150, help_text="e.g. 'The link for tomorrow's open house'.")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        help_text="Plain text. Each person gets their own email, with the session's details and their cancel link.",
    )
    include_waitlist = forms.BooleanField(required=False, label="Send it to the waitlist too")

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())  # one line: an email header


class EmailRegistrantsView(View):
    def dispatch(self, request, open_house_id):
        if not request.user.has_perm(CHANGE_PERMISSION):
            return forbidden(request, "email open-house registrants")
        self.open_house = OpenHouse.objects.select_related("page").filter(pk=open_house_id).first()
        if self.open_house is None:
            raise Http404
        return super().dispatch(request, open_house_id)

    def render(self, request, form):
        registrations = self.open_house.registrations
        context = {
            "page_title": f"Email everyone registered: {self.open_house}",
            "header_icon": "mail",
            "form": form,
            "open_house": self.open_house,
            "confirmed": registrations.filter(status=Registration.Status.CONFIRMED).count(),
            "waiting": registrations.filter(status=Registration.Status.WAITLISTED).count(),
            "sessions_url": reverse("admissions_admin_sessions"),
        }
        return TemplateResponse(request, "admissions/admin/email_registrants.html", context)

    def get(self, request, open_house_id):
        return self.render(request, MessageForm())

    def post(self, request, open_house_id):
        form = MessageForm(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        data = form.cleaned_data
        args = (self.open_house.pk, data["subject"], data["message"], data["include_waitlist"])
        transaction.on_commit(lambda: tasks.send_message_to_registrants.enqueue(*args))
        messages.success(request, f"Your message to the registrants of “{self.open_house}” is being sent.")
        return redirect("admissions_admin_sessions")


class CancelRegistrationView(View):
    def dispatch(self, request, registration_id):
        if not request.user.has_perm(CHANGE_PERMISSION):
            return forbidden(request, "cancel open-house registrations")
        self.registration = Registration.objects.select_related("open_house").filter(pk=registration_id).first()
        if self.registration is None:
            raise Http404
        return super().dispatch(request, registration_id)

    def get(self, request, registration_id):
        context = {
            "page_title": "Cancel registration",
            "header_icon": "cross",
            "registration": self.registration,
            "back_url": registrations_url(self.registration.open_house_id),
        }
        return TemplateResponse(request, "admissions/admin/cancel_registration.html", context)

    def post(self, request, registration_id):
        registration, promoted = seats.cancel(registration_id)
        transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk, "cancelled"))
        for moved_up in promoted:
            pk = moved_up.pk
            transaction.on_commit(lambda pk=pk: tasks.send_registration_email.enqueue(pk, "seat_given"))
        moved = f" {promoted[0].name} moved up from the waitlist." if promoted else ""
        messages.success(request, f"{registration.name}'s registration is cancelled.{moved}")
        return redirect(registrations_url(registration.open_house_id))
