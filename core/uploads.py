"""An uploaded image is checked from its header, then decoded once, in bounded memory, and stored clean.

1. `read_image_header`: size, type and dimensions from the header, a few kilobytes of memory. A small
   compressed file can describe an enormous picture (a 516 KB PNG of 13,300 x 13,300 pixels decodes to
   about 700 MB), and Wagtail only compares the pixel count with WAGTAILIMAGES_MAX_IMAGE_PIXELS after
   Willow has decoded the whole image.
2. `clean_image_file`: decodes every pixel (a truncated, corrupt or lying file fails here, as a form error,
   instead of as a 500 when Wagtail reads its dimensions or makes its first rendition), applies the EXIF
   orientation, and writes a new file without EXIF, GPS, XMP or comments, at most STORED_IMAGE_SIDE pixels
   on its longer side.

The pixel budget, for the image library and for portraits alike: JPEG up to WAGTAILIMAGES_MAX_IMAGE_PIXELS
(30 million; decoded at half, quarter or eighth scale when the stored size allows, which JPEG decodes
natively), every other type up to IMAGE_MAX_FULL_DECODE_PIXELS (10 million: decoded at full size, 4 bytes a
pixel). The stored original is at most STORED_IMAGE_SIDE (2,560 px) a side, enough for the widest rendition
(1,680 px) and a crop of it, so making renditions (three at a time, each decoding the original) never decodes
more than that; the task worker makes them one at a time (core.tasks).
"""

import io
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

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


def max_pixels_for(format_name):
    """JPEG decodes at a reduced scale; every other type is decoded whole, so its budget is smaller."""
    if format_name == "JPEG":
        return max_image_pixels()
    return min(max_image_pixels(), settings.IMAGE_MAX_FULL_DECODE_PIXELS)


def stored_image_side():
    return settings.STORED_IMAGE_SIDE


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
    if header.width * header.height > max_pixels_for(header.format):
        raise ValidationError(too_many_pixels_message(header), code="too_many_pixels")
    return header


def too_many_pixels_message(header):
    limit = f"{max_pixels_for(header.format if header else 'JPEG') / 1_000_000:g} million pixels"
    if header is not None and header.format != "JPEG" and max_pixels_for(header.format) < max_image_pixels():
        limit += f" ({max_image_pixels() / 1_000_000:g} million for a JPEG)"
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


DAMAGED_MESSAGE = (
    "This image file is damaged or incomplete, so it cannot be shown. Export or save it again and upload that."
)
# What Pillow raises on a file whose header is fine and whose pixels are not.
DECODING_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, struct.error, MemoryError)
SAVE_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True},
    "PNG": {"optimize": False},
    "WEBP": {"quality": 90},
    "AVIF": {"quality": 80},
    "GIF": {},
}


def clean_image_file(uploaded_file, header):
    """The upload decoded, turned upright, stripped of metadata and bounded in size: (new file, its header).

    Call after `read_image_header` accepted the file. Raises ValidationError when its pixels cannot be decoded
    (truncated, corrupt, or not what its header says). Only the first frame of an animated image is kept.
    """
    side = stored_image_side()
    uploaded_file.seek(0)
    try:
        with Image.open(uploaded_file) as original:
            scale = min(1.0, side / max(original.size))
            if original.format == "JPEG" and scale < 1:
                # JPEG decodes natively at 1/2, 1/4 or 1/8 scale: the largest reduction still this big.
                original.draft(original.mode, (round(original.width * scale), round(original.height * scale)))
            original.load()
            ImageOps.exif_transpose(original, in_place=True)  # upright; no copy of the pixels
            image = original
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            if header.format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
            options = dict(SAVE_OPTIONS[header.format])
            icc_profile = original.info.get("icc_profile")
            if icc_profile and header.format != "GIF":
                options["icc_profile"] = icc_profile  # colours, not metadata: kept
            output = io.BytesIO()
            image.save(output, format=header.format, **options)  # no exif=, no XMP, no comments
    except DECODING_ERRORS as error:
        raise ValidationError(DAMAGED_MESSAGE, code="damaged_image") from error
    finally:
        uploaded_file.seek(0)
    cleaned = SimpleUploadedFile(
        getattr(uploaded_file, "name", None) or "image",
        output.getvalue(),
        content_type=getattr(uploaded_file, "content_type", None) or Image.MIME.get(header.format, ""),
    )
    return cleaned, ImageHeader(header.format, *image.size)
