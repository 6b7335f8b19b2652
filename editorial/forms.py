from django import forms
from django.core.exceptions import ValidationError

from core.uploads import clean_image_file, read_image_header
from editorial.bio import HELP_TEXT, MAX_BIO_LENGTH, clean_text

# Portraits are shown up to 320 x 400 CSS pixels; smaller originals would look blurred.
MIN_PHOTO_WIDTH = 320
MIN_PHOTO_HEIGHT = 400


class MyProfileForm(forms.Form):
    """Exactly what a person may change on their own profile: the bio, and a new photo with its description."""

    bio = forms.CharField(
        label="Biography",
        required=False,
        max_length=MAX_BIO_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
        help_text=HELP_TEXT,
    )
    photo = forms.FileField(
        label="New photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/avif"}),
        help_text=(
            f"A JPEG, PNG or WebP portrait, at least {MIN_PHOTO_WIDTH} pixels wide and {MIN_PHOTO_HEIGHT} tall. "
            "Leave empty to keep your current photo."
        ),
    )
    alt_text = forms.CharField(
        label="Describe the new photo",
        required=False,
        max_length=255,
        help_text="For people who cannot see it, e.g. 'Dr. Rivera smiling, in a white coat'. Required with a photo.",
    )

    def __init__(self, *args, has_unsent_photo=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_unsent_photo = has_unsent_photo
        self.photo_header = None

    def clean_bio(self):
        return clean_text(self.cleaned_data.get("bio", ""))

    def clean_photo(self):
        uploaded = self.cleaned_data.get("photo")
        if not uploaded:
            return None
        header = read_image_header(uploaded)
        if header.width < MIN_PHOTO_WIDTH or header.height < MIN_PHOTO_HEIGHT:
            raise ValidationError(
                f"This photo is {header.width} x {header.height} pixels. Use one at least {MIN_PHOTO_WIDTH} "
                f"pixels wide and {MIN_PHOTO_HEIGHT} tall, so it is sharp on phones."
            )
        cleaned, self.photo_header = clean_image_file(uploaded, header)  # upright, no EXIF (GPS), bounded size
        return cleaned

    def clean(self):
        cleaned_data = super().clean()
        alt_text = (cleaned_data.get("alt_text") or "").strip()
        if cleaned_data.get("photo") and not alt_text:
            self.add_error("alt_text", "Describe the photo for people who cannot see it.")
        elif alt_text and not cleaned_data.get("photo") and not self.has_unsent_photo and "photo" not in self.errors:
            self.add_error("alt_text", "Choose a new photo to go with this description, or leave it empty.")
        return cleaned_data
