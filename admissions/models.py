"""What applicants send the program: questions, and registrations for open houses.

Both hold personal data for a limited time: `manage.py prune_applicant_data` deletes them once they are older
than APPLICANT_DATA_RETENTION_DAYS (README, "Applicants' questions and open-house registrations").
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from admissions.pages import ContactPage  # noqa: F401 - the app's page model lives in pages.py

NAME_LENGTH = 120
QUESTION_LENGTH = 3000


class ApplicantKind(models.TextChoices):
    MEDICAL_STUDENT = "medical_student", "A medical student"
    GRADUATE = "graduate", "A medical graduate"
    ADVISOR = "advisor", "An advisor or dean"
    OTHER = "other", "Someone else"


class Question(models.Model):
    """A question an applicant sent from the site, for Communications to answer by email."""

    name = models.CharField(max_length=NAME_LENGTH)
    email = models.EmailField()
    question = models.TextField(max_length=QUESTION_LENGTH)
    applicant_kind = models.CharField("I am", max_length=20, choices=ApplicantKind.choices, blank=True)
    program = models.ForeignKey(
        "programs.ProgramPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The track the question was asked from, if any.",
    )
    asked_on = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="asked on page",
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    answered = models.BooleanField(default=False, help_text="Tick once someone has replied to the applicant.")
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(
        "internal note", blank=True, help_text="For Communications only: who replied, what was said, what follows."
    )

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.name}: {self.question[:60]}"

    def save(self, *args, **kwargs):
        # When it was answered is a fact about the answer, kept beside the tick.
        if self.answered and self.answered_at is None:
            self.answered_at = timezone.now()
        elif not self.answered:
            self.answered_at = None
        super().save(*args, **kwargs)


class Registration(models.Model):
    """A seat (or a place on the waitlist) at an open house."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Has a seat"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"

    open_house = models.ForeignKey("programs.OpenHouse", on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=NAME_LENGTH)
    email = models.EmailField()
    medical_school = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    registered_at = models.DateTimeField(default=timezone.now, db_index=True)
    seat_given_at = models.DateTimeField(null=True, blank=True, help_text="When a waitlisted person got a seat.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            # One active registration per person and session (a cancelled one does not stop registering again).
            models.UniqueConstraint(
                "open_house",
                Lower("email"),
                condition=~models.Q(status="cancelled"),
                name="admissions_one_active_registration_per_email",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED
