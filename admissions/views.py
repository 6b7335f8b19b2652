"""The applicants' side: send a question, register for an open house, see or cancel a registration."""

import logging

from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from admissions import emails, seats, tasks
from admissions.forms import QuestionForm, RegistrationForm
from admissions.models import Registration
from admissions.spam import is_cross_site, within_limit
from core.models import live_public
from programs.models import OpenHouse, ProgramPage, find_program

logger = logging.getLogger("portal.admissions")

OVER_LIMIT = "We have received a lot from your network in the last hour, so this form is paused for a while."
CROSS_SITE = "This form can only be sent from the residency's own pages."


def _asked_on(page_id):
    """The live, public page a form was sent from, or None (a page id is only a hint from the browser)."""
    if not page_id:
        return None
    return live_public(Page.objects.filter(pk=page_id)).specific().first()


def _program_of(page):
    if page is None or isinstance(page, ProgramPage):
        return page
    return find_program(page)


def _refused(request, template, context, message, status):
    return TemplateResponse(request, template, {**context, "refusal": message}, status=status)


@csrf_exempt  # see admissions/spam.py: the form sits on cached pages; Origin is checked instead
@require_http_methods(["GET", "POST"])
def ask(request):
    """GET: the questions form on a page of its own. POST: a question from any form on the site."""
    template = "admissions/question_page.html"
    if request.method == "GET":
        page = _asked_on(request.GET.get("page"))
        return TemplateResponse(request, template, {"form": QuestionForm(initial={"page": page and page.pk})})
    if is_cross_site(request):
        return _refused(request, template, {"form": QuestionForm()}, CROSS_SITE, 403)
    if not within_limit(request):
        return _refused(request, template, {"form": QuestionForm()}, OVER_LIMIT, 429)
    form = QuestionForm(request.POST, request=request)
    page = _asked_on(request.POST.get("page"))
    thanks = reverse("admissions:question_thanks") + (f"?page={page.pk}" if page else "")
    if form.is_bait_taken():
        logger.info("Question form: honeypot filled, nothing stored")
        return HttpResponseRedirect(thanks, status=303)
    if not form.is_valid():
        return TemplateResponse(request, template, {"form": form}, status=400)
    question = form.save(commit=False)
    question.asked_on = page
    question.program = _program_of(page)
    question.save()
    transaction.on_commit(lambda: tasks.send_question_emails.enqueue(question.pk))
    return HttpResponseRedirect(thanks, status=303)


def question_thanks(request):
    return TemplateResponse(
        request, "admissions/question_thanks.html", {"asked_on": _asked_on(request.GET.get("page"))}
    )


def _open_house_or_404(open_house_id):
    open_house = OpenHouse.objects.select_related("page").filter(pk=open_house_id).first()
    if open_house is None or not live_public(Page.objects.filter(pk=open_house.page_id)).exists():
        raise Http404("No such open house.")
    open_house.apply_page = open_house.page.specific
    return open_house


@csrf_exempt  # as `ask`: Origin checked, proof-of-work per post
@require_http_methods(["GET", "POST"])
def register(request, open_house_id):
    open_house = _open_house_or_404(open_house_id)
    template = "admissions/register_page.html"
    context = {
        "open_house": open_house,
        "apply_page": open_house.apply_page,
        "is_open": seats.accepts_registrations(open_house),
        "seats_left": max(open_house.capacity - seats.seats_taken(open_house), 0),
    }
    if request.method == "GET" or not context["is_open"]:
        return TemplateResponse(request, template, {**context, "form": RegistrationForm()})
    if is_cross_site(request):
        return _refused(request, template, {**context, "form": RegistrationForm()}, CROSS_SITE, 403)
    if not within_limit(request):
        return _refused(request, template, {**context, "form": RegistrationForm()}, OVER_LIMIT, 429)
    form = RegistrationForm(request.POST, request=request)
    if form.is_bait_taken():
        logger.info("Registration form: honeypot filled, nothing stored")
        return TemplateResponse(request, "admissions/registration_received.html", context)
    if not form.is_valid():
        return TemplateResponse(request, template, {**context, "form": form}, status=400)
    try:
        registration, created = seats.register(open_house.pk, **form.cleaned_data_for_registration())
    except seats.RegistrationClosed:
        return TemplateResponse(request, template, {**context, "is_open": False, "form": form}, status=409)
    template_name = "confirmed" if registration.status == Registration.Status.CONFIRMED else "waitlisted"
    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk, template_name))
    if not created:
        # Someone (perhaps not them) typed an address already registered: the answer says nothing about it, and
        # the details go to that address's owner.
        return TemplateResponse(request, "admissions/registration_received.html", context)
    return HttpResponseRedirect(
        reverse("admissions:registration", args=[emails.cancel_token(registration)]), status=303
    )


@require_http_methods(["GET", "POST"])
def registration(request, token):
    """A registration as its owner sees it from the link in their email: status, and a button to cancel."""
    registration_id = emails.registration_from_token(token)
    if registration_id is None:
        raise Http404("This link is not valid.")
    registration = get_object_or_404(Registration.objects.select_related("open_house__page"), pk=registration_id)
    open_house = registration.open_house
    context = {"registration": registration, "open_house": open_house, "apply_page": open_house.page.specific}
    if request.method == "POST" and request.POST.get("action") == "cancel":
        registration, promoted = seats.cancel(registration.pk)
        transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk, "cancelled"))
        for promoted_registration in promoted:
            pk = promoted_registration.pk
            transaction.on_commit(lambda pk=pk: tasks.send_registration_email.enqueue(pk, "seat_given"))
        return HttpResponseRedirect(request.path + "?cancelled=1", status=303)
    context["just_cancelled"] = request.GET.get("cancelled") == "1"
    return TemplateResponse(request, "admissions/registration_page.html", context)
