"""The image library's form (WAGTAILIMAGES_IMAGE_FORM_BASE): uploads are checked from their header first.

Wagtail's image field hands the upload to Willow, which decodes every pixel before Wagtail compares the
pixel count with WAGTAILIMAGES_MAX_IMAGE_PIXELS: a 516 KB PNG of 13,300 x 13,300 pixels took 670 MB and
6 s to refuse. Every upload path of the admin builds its form with `get_image_form` on this base (the
image library's add and edit views, the multiple uploader, the image chooser's upload tab), so checking
here covers them all. The faculty photo on My profile calls the same checks itself (editorial.forms).
"""

from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from core.uploads import clean_image_file, read_image_header


class HeaderCheckedImageField(WagtailImageField):
    """Wagtail's image field, refusing a file by its size, type or pixel count before anything decodes it, then
    by its pixels (damaged files), and keeping the upright, metadata-free copy (core.uploads.clean_image_file)."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            data, _ = clean_image_file(data, read_image_header(data))
        return super().to_python(data)


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail builds the file field with its own form-field callback, so it is swapped here, keeping
        # the widget (and its accept= and data- attributes) that Wagtail configured.
        field = self.fields.get("file")
        if field is not None and not isinstance(field, HeaderCheckedImageField):
            self.fields["file"] = HeaderCheckedImageField(
                required=field.required, label=field.label, widget=field.widget
            )
