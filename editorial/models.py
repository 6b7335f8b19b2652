"""Who may edit which profile, and the changes a person has saved but not yet sent for review.

Neither is page content: they live beside the page, never in its revisions, so publishing or
reverting a revision can neither link nor unlink an account, and an unsent draft can never be
published by someone else's approval.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
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


class ImportRun(models.Model):
    """A people import writing its rows (editorial.importer.journal): one at a time per parent page.

    An import writes in short transactions, so that on SQLite other writers get the database between them; what
    each one changed is journalled here, in the same transaction, so that an import that fails or whose worker
    dies is undone to nothing. The row disappears when the import has finished or been undone.
    """

    parent = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="+")
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task running it, if any.")
    started_at = models.DateTimeField(auto_now_add=True)
    touched_at = models.DateTimeField(help_text="When it last committed a batch of rows.")

    class Meta:
        verbose_name = "people import in progress"

    def __str__(self):
        return f"Import into page {self.parent_id} (task {self.task_id or 'none'})"


class ImportChange(models.Model):
    """One profile an import in progress has written: created (undo deletes it) or changed (undo restores the
    page as it was, `before`, and removes the revisions the import added after `last_revision_id`)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    created = models.BooleanField()
    before = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    last_revision_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = "change by a people import in progress"

    def __str__(self):
        return f"{'Created' if self.created else 'Changed'} page {self.page_id}"
