"""Checks on an uploaded image that cost a few kilobytes of memory, made before anything decodes it.

A small compressed file can describe an enormous picture (a 516 KB PNG of 13,300 x 13,300 pixels
decodes to about 700 MB), and Wagtail only compares the pixel count with
WAGTAILIMAGES_MAX_IMAGE_PIXELS after Willow has decoded the whole image. Pillow's `Image.open`
reads only the header, so the size, type and dimensions are known before any pixel is.
"""

import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

# Pillow format names of the types we accept (no SVG: it can carry script).
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "AVIF": "AVIF"}


@dataclass(frozen=True)
class ImageHeader:
    format: str
    width: int
    height: int


def max_upload_bytes():
    return settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE


def max_image_pixels():
    return settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def read_image_header(uploaded_file):
    """The type and dimensions of an uploaded image, from its header, with clear errors for anything else.

    Raises ValidationError when the file is too large, is not an image of an accepted type, or has
    more pixels than the site allows. Leaves the file positioned at its start.
    """
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, 2)
        size = uploaded_file.tell()
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(max_upload_bytes())}.",
            code="file_too_large",
        )

    uploaded_file.seek(0)
    accepted = ", ".join(ACCEPTED_FORMATS.values())
    try:
        # Pillow's own bomb check raises on more than twice MAX_IMAGE_PIXELS; ours below is stricter.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(uploaded_file) as image:
                header = ImageHeader(image.format or "", *image.size)
    except Image.DecompressionBombError as error:
        header = header_beyond_pillows_cap(uploaded_file)
        raise ValidationError(too_many_pixels_message(header), code="too_many_pixels") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ValidationError(f"This file is not an image we can use. Upload a {accepted} file.") from error
    finally:
        uploaded_file.seek(0)

    if header.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            f"{header.format or 'This'} images are not accepted. Upload a {accepted} file.", code="invalid_image"
        )
    if header.width * header.height > max_image_pixels():
        raise ValidationError(too_many_pixels_message(header), code="too_many_pixels")
    return header


def too_many_pixels_message(header):
    limit = f"{max_image_pixels() / 1_000_000:g} million pixels"
    if header is None:
        return f"This image has far too many pixels; the limit is {limit}. Resize it and upload it again."
    return (
        f"This image is {header.width:,} x {header.height:,} pixels; the limit is {limit}. "
        "Resize it and upload it again."
    )


def header_beyond_pillows_cap(uploaded_file):
    """The header of an image that `Image.open` refused for having over twice Pillow's pixel cap, or None.

    `Image.open` reads the header with the format's plugin, then refuses before saying the size; the plugin
    alone (Pillow's own registry of openers, as `Image.open` uses it) still reads only the header.
    """
    Image.init()
    uploaded_file.seek(0)
    prefix = uploaded_file.read(16)
    try:
        for format_id in ACCEPTED_FORMATS:
            factory, accept = Image.OPEN.get(format_id, (None, None))
            if factory is None or (accept and accept(prefix) is not True):
                continue
            uploaded_file.seek(0)
            try:
                with factory(uploaded_file, "") as image:
                    return ImageHeader(image.format or format_id, *image.size)
            except (SyntaxError, IndexError, TypeError, ValueError, OSError, struct.error):
                continue
        return None
    finally:
        uploaded_file.seek(0)


def apply_pillow_pixel_cap():
    """Pillow's own cap is the site's, a backstop for any path that opens an image without `read_image_header`.

    Renditions, management commands or a future upload path still cannot decode a bomb: Pillow refuses
    any image over twice MAX_IMAGE_PIXELS in `Image.open`, before decoding (and warns above it).
    """
    Image.MAX_IMAGE_PIXELS = max_image_pixels()
