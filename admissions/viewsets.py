"""Applicants' questions and registrations in the admin, for Communications: search, filter, export (CSV and
XLSX through core.exports' formula-safe writer), mark a question answered, cancel a registration, and see and
email everyone registered for a session (admissions/admin_views.py)."""

from django import forms
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import ListingButton

from admissions.models import Question, Registration
from core.exports import SafeSpreadsheetExportMixin

APPLICANT_FIELDS = ["name", "email", "applicant_kind", "program", "asked_on", "received_at", "question"]


class SentByApplicantsMixin:
    """Rows come from the public forms only: no "Add" in the admin (a registration typed in here would bypass the
    seat count), for superusers too."""

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(add_url_name=None, **kwargs)

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]


class QuestionForm(WagtailAdminModelForm):
    """What the applicant sent, shown but not editable; what Communications record: answered, and a note."""

    class Meta:
        model = Question
        fields = [*APPLICANT_FIELDS, "answered", "note"]
        widgets = {"question": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in APPLICANT_FIELDS:
            self.fields[name].disabled = True
            self.fields[name].required = False


class QuestionIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    pass


class QuestionViewSet(SentByApplicantsMixin, ModelViewSet):
    model = Question
    form_fields = [*APPLICANT_FIELDS, "answered", "note"]
    icon = "help"
    menu_label = "Questions"
    name = "admissions_question"
    url_prefix = "applicants/questions"
    index_view_class = QuestionIndexView
    list_display = ["name", "email", "program", Column("received_at", label="Received"), "answered"]
    list_filter = ["answered", "applicant_kind", "program"]
    search_fields = ["name", "email", "question", "note"]
    search_backend_name = None  # the database's own LIKE search: questions are not in the site's search index
    list_export = [
        "received_at",
        "name",
        "email",
        "applicant_kind",
        "program",
        "question",
        "answered",
        "answered_at",
        "note",
    ]
    export_filename = "applicant-questions"
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return QuestionForm


class RegistrationIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.request.user.has_perm("admissions.change_registration"):
            buttons.append(
                ListingButton(
                    "Cancel registration",
                    url=reverse("admissions_admin_cancel_registration", args=[instance.pk]),
                    icon_name="cross",
                    priority=25,
                )
            )
        return buttons


class RegistrationViewSet(SentByApplicantsMixin, ModelViewSet):
    model = Registration
    icon = "date"
    menu_label = "Open-house registrations"
    name = "admissions_registration"
    url_prefix = "applicants/registrations"
    index_view_class = RegistrationIndexView
    form_fields = ["name", "email", "medical_school"]  # correcting a typo; seats move only through cancelling
    list_display = [
        "name",
        "email",
        "medical_school",
        "open_house",
        "status",
        Column("registered_at", label="Registered"),
    ]
    list_filter = ["open_house", "status"]
    search_fields = ["name", "email", "medical_school"]
    search_backend_name = None
    list_export = [
        "open_house",
        "status",
        "name",
        "email",
        "medical_school",
        "registered_at",
        "seat_given_at",
        "cancelled_at",
    ]
    export_filename = "open-house-registrations"
    copy_view_enabled = False
    inspect_view_enabled = True


class ApplicantsViewSetGroup(ModelViewSetGroup):
    menu_label = "Applicants"
    menu_icon = "group"
    menu_order = 250
    items = (QuestionViewSet, RegistrationViewSet)


applicants_viewset_group = ApplicantsViewSetGroup()
