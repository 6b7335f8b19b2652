"""My profile: the one admin screen a faculty member or resident uses, with its preview."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.admin_utils import forbidden
from editorial import profiles
from editorial.forms import MyProfileForm

NO_PROFILE = "edit a profile: no profile is linked to your account. Ask Communications to link one"


class OwnProfileMixin:
    """Every My profile view acts on the signed-in person's own profile: found from their account, not the URL."""

    def dispatch(self, request, *args, **kwargs):
        self.profile = profiles.get_own_profile(request.user)
        if self.profile is None:
            return forbidden(request, NO_PROFILE)
        return super().dispatch(request, *args, **kwargs)


class MyProfileView(OwnProfileMixin, WagtailAdminTemplateMixin, View):
    template_name = "editorial/my_profile.html"
    page_title = "My profile"
    header_icon = "user"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    ACTIONS = {"save", "preview", "submit"}

    def get(self, request):
        return self.render(self.make_form())

    def make_form(self, data=None, files=None):
        draft = profiles.get_draft(self.profile)
        self.draft = draft
        bio, photo = profiles.editable_values(self.profile, draft)
        self.shown_photo = photo
        unsent_photo = draft.photo if draft is not None else None
        initial = {"bio": bio, "alt_text": unsent_photo.alt_text if unsent_photo else ""}
        return MyProfileForm(data, files, initial=initial, has_unsent_photo=unsent_photo is not None)

    def render(self, form, status=200):
        status_info = profiles.profile_status(self.profile, self.draft)
        comment, reviewer = profiles.review_comment(self.profile)
        context = self.get_context_data(
            profile=self.profile,
            form=form,
            status=status_info,
            comment=comment,
            reviewer=reviewer,
            draft=self.draft,
            shown_photo=self.shown_photo,
        )
        return self.render_to_response(context, status=status)

    def post(self, request):
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            action = "save"
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Your changes were not saved. Correct the errors below and try again.")
            return self.render(form, status=400)

        bio = form.cleaned_data["bio"]
        try:
            with transaction.atomic():
                photo = self.photo_from(form)
                if action == "submit":
                    profiles.submit_for_review(self.profile, request.user, bio, photo)
                else:
                    saved = profiles.save_draft(self.profile, request.user, bio, photo)
        except profiles.NothingToSubmit:
            messages.info(request, self.nothing_to_submit_message())
            return redirect("editorial_my_profile")
        except ValidationError as error:
            form.add_error(None, error)
            messages.error(request, "Your changes could not be sent. Correct the errors below and try again.")
            return self.render(form, status=400)

        if action == "submit":
            messages.success(request, "Sent to Communications for review. Your changes go live once they approve.")
            return redirect("editorial_my_profile")
        if action == "preview":
            return redirect("editorial_my_profile_preview")
        if saved is None:
            messages.info(request, "Nothing to save: your bio and photo are the same as your profile.")
        else:
            messages.success(request, "Draft saved. Nothing is sent for review until you choose Submit for review.")
        return redirect("editorial_my_profile")

    def photo_from(self, form):
        """The photo this change carries: a new upload (as a new private image), else the unsent draft's."""
        uploaded = form.cleaned_data.get("photo")
        alt_text = form.cleaned_data.get("alt_text", "")
        if uploaded:
            return profiles.create_photo(self.profile, self.request.user, uploaded, form.photo_header, alt_text)
        unsent = self.draft.photo if self.draft is not None else None
        if unsent is not None and alt_text and alt_text.strip() != unsent.alt_text:
            unsent.alt_text = alt_text.strip()
            unsent.save(update_fields=["alt_text"])
        return unsent

    def nothing_to_submit_message(self):
        state = profiles.active_workflow_state(self.profile)
        if state is not None:
            return "These changes are already with Communications for review; nothing new was sent."
        return "Your bio and photo are the same as your published profile, so nothing was sent for review."


class MyProfilePreviewView(OwnProfileMixin, WagtailAdminTemplateMixin, View):
    """The profile as it would look with the person's changes, inside the admin, with the next steps beside it."""

    template_name = "editorial/my_profile_preview.html"
    page_title = "Preview of my profile"
    header_icon = "view"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("editorial_my_profile"), "label": "My profile"},
            {"url": "", "label": "Preview"},
        ]

    def get(self, request):
        context = self.get_context_data(
            profile=self.profile,
            draft=profiles.get_draft(self.profile),
            frame_url=reverse("editorial_my_profile_preview_page"),
        )
        return self.render_to_response(context)


class MyProfilePreviewPageView(OwnProfileMixin, View):
    """The public page template, rendered on the server with the person's draft (or latest submitted) changes."""

    def get(self, request):
        draft = profiles.get_draft(self.profile)
        if draft is not None:
            state = profiles.active_workflow_state(self.profile)
            page, _ = profiles.proposed_version(self.profile, draft.bio, draft.photo, state)
        else:
            page = profiles.latest_version(self.profile)
        response = page.make_preview_request(request, page.default_preview_mode)
        # The preview screen shows this in a frame; the simulated request went through the middleware already.
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class SubmitDraftView(OwnProfileMixin, View):
    """Send the saved draft for review (the button beside the preview)."""

    def post(self, request):
        draft = profiles.get_draft(self.profile)
        if draft is None:
            messages.info(request, "There is no saved draft to send. Edit your profile first.")
            return redirect("editorial_my_profile")
        try:
            profiles.submit_for_review(self.profile, request.user, draft.bio, draft.photo)
        except profiles.NothingToSubmit:
            profiles.discard_draft(self.profile)
            messages.info(request, "Your draft is the same as your profile, so nothing was sent for review.")
            return redirect("editorial_my_profile")
        messages.success(request, "Sent to Communications for review. Your changes go live once they approve.")
        return redirect("editorial_my_profile")
