"""The applicants' forms: a question, and a seat at an open house.

Both carry the same protection against bots, none of which asks anything of a third party: an ALTCHA
proof-of-work (the browser spends a moment of work that a bot sending thousands of posts cannot afford; the
challenge is signed by us and used once), a honeypot field people never see, and a per-address limit
(admissions/spam.py).
"""

from altcha_django import AltchaField, AltchaMixin, ErrorCode
from django import forms

from admissions.models import NAME_LENGTH, QUESTION_LENGTH, ApplicantKind, Question, Registration

HONEYPOT_FIELD = "website"
CHALLENGE_FAILED = (
    "We could not confirm that a person sent this form (the check runs in your browser and needs JavaScript). "
    "Please try again, or email us instead."
)


class ApplicantFormMixin(AltchaMixin):
    """The challenge and the honeypot. `is_bait_taken()` is True when the hidden field was filled in."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Solved in the browser once the visitor starts on the form, so it is ready when they send it.
        self.fields["challenge"] = AltchaField(
            auto="onfocus",
            display="standard",
            language="en",
            error_messages={code.value: CHALLENGE_FAILED for code in ErrorCode},
        )
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def is_bait_taken(self):
        return bool(self.data.get(self.add_prefix(HONEYPOT_FIELD), "").strip())


class QuestionForm(ApplicantFormMixin, forms.ModelForm):
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Question
        fields = ["name", "email", "question", "applicant_kind"]
        labels = {"name": "Your name", "email": "Your email address", "question": "Your question"}
        help_texts = {"email": "We reply to this address.", "question": f"Up to {QUESTION_LENGTH:,} characters."}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_LENGTH}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "question": forms.Textarea(attrs={"rows": 6, "maxlength": QUESTION_LENGTH}),
            "applicant_kind": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["applicant_kind"]
        kind.label = "I am… (optional)"
        kind.choices = [("", "Rather not say"), *ApplicantKind.choices]
        kind.required = False

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class RegistrationForm(ApplicantFormMixin, forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["name", "email", "medical_school"]
        labels = {"name": "Your name", "email": "Your email address", "medical_school": "Your medical school"}
        help_texts = {"email": "Your confirmation, the calendar file and a reminder the day before go here."}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_LENGTH}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "medical_school": forms.TextInput(attrs={"autocomplete": "organization", "maxlength": 200}),
        }

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_medical_school(self):
        return " ".join(self.cleaned_data["medical_school"].split())

    def cleaned_data_for_registration(self):
        return {field: self.cleaned_data[field] for field in ("name", "email", "medical_school")}
