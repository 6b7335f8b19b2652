"""Who may edit which profile, and the changes a person has saved but not yet sent for review.

Neither is page content: they live beside the page, never in its revisions, so publishing or
reverting a revision can neither link nor unlink an account, and an unsent draft can never be
published by someone else's approval.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.models import Page

from people.models import FacultyPage, ResidentPage


def person_page_types():
    return (FacultyPage, ResidentPage)


class ProfileAccount(models.Model):
    """Links a login account to the one faculty or resident profile it may edit (bio and photo only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile_account",
        verbose_name="account",
        help_text="The person's login account. It needs the Faculty role to edit; an invitation adds it.",
    )
    page = models.OneToOneField(
        Page,
        on_delete=models.CASCADE,
        related_name="profile_account",
        verbose_name="profile",
        help_text="The faculty or resident profile this account may edit.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "profile account"
        ordering = ["page__title"]
        permissions = [
            ("edit_own_profile", "Can edit the bio and photo of their own profile, under review"),
            ("invite_profile_editor", "Can invite a person to edit their own profile"),
            ("view_content_freshness", "Can view the content freshness report"),
        ]

    def __str__(self):
        return f"{self.user} → {self.page.title}"

    def clean(self):
        super().clean()
        if self.page_id and self.page.specific_class not in person_page_types():
            raise ValidationError({"page": "Only faculty and resident profiles can be linked to an account."})
        if self.user_id and self.user.is_superuser:
            raise ValidationError({"user": "Administrators edit every page already; link a personal account."})


class ProfileDraft(models.Model):
    """A person's saved but unsent change to their own bio and photo (at most one per profile)."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="profile_draft")
    bio = models.TextField(blank=True, help_text="The biography as the person typed it.")
    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A newly uploaded portrait, kept private until an approved revision uses it.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "profile draft"

    def __str__(self):
        return f"Draft of {self.page.title}"
