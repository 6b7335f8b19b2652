from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from core.admin_utils import forbidden
from editorial.invitations import InvitationError, invite_profile_editor
from editorial.models import ProfileAccount
from editorial.roles import INVITE_PERMISSION
from people.models import PersonPage


class InviteForm(forms.Form):
    email = forms.EmailField(help_text="The person's work email. They get a link to choose a password.")


class InviteProfileEditorView(WagtailAdminTemplateMixin, FormView):
    form_class = InviteForm
    template_name = "wagtailadmin/generic/form.html"
    header_icon = "user"

    def dispatch(self, request, page_id):
        if not request.user.has_perm(INVITE_PERMISSION):
            return forbidden(request, "invite people to edit their profiles")
        self.profile = get_object_or_404(Page, pk=page_id).specific
        if not isinstance(self.profile, PersonPage):
            raise Http404("Only faculty and resident profiles can be linked to an account.")
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return f"Invite {self.profile.full_name} to edit their profile"

    def get_initial(self):
        account = ProfileAccount.objects.filter(page=self.profile).select_related("user").first()
        return {"email": account.user.email if account else self.profile.email}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse("editorial_invite", args=[self.profile.pk])
        context["submit_button_label"] = "Send invitation"
        context["submit_button_active_label"] = "Sending…"
        return context

    def form_valid(self, form):
        try:
            user, created = invite_profile_editor(form.cleaned_data["email"], self.profile)
        except InvitationError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Invitation sent to {user.email}; the account is linked to this profile.")
        return redirect("wagtailadmin_pages:edit", self.profile.pk)
