"""The pre-decode image checks: refused by size, type or pixel count from the header alone."""

import io
import struct
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import clean_image_file, read_image_header


def png_bytes(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#2a6f97").save(buffer, "PNG")
    return buffer.getvalue()


def huge_png_header(width, height):
    """A PNG whose header claims width x height pixels, with a tiny (truncated) body: all a decoder reads first."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))


def upload(data, name="photo.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_normal_image_passes_and_reports_its_size():
    header = read_image_header(upload(png_bytes(64, 80)))
    assert (header.format, header.width, header.height) == ("PNG", 64, 80)


def test_an_image_with_too_many_pixels_is_refused_from_its_header_alone():
    tracemalloc.start()
    with pytest.raises(ValidationError) as error:
        read_image_header(upload(huge_png_header(13_300, 13_300)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "13,300 x 13,300 pixels" in error.value.messages[0]
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not an image", "not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "not an image"),
    ],
)
def test_files_that_are_not_accepted_images_get_a_clear_message(data, message):
    with pytest.raises(ValidationError) as error:
        read_image_header(upload(data))
    assert message in error.value.messages[0]


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ValidationError) as error:
        read_image_header(upload(b"x" * 2000))
    assert "the limit is 1000" in error.value.messages[0]


def test_other_image_types_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "BMP")
    with pytest.raises(ValidationError) as error:
        read_image_header(upload(buffer.getvalue(), "photo.bmp"))
    assert "BMP images are not accepted" in error.value.messages[0]


def jpeg_with_exif(width, height, orientation):
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), "#2a6f97")
    exif = image.getexif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPS: latitude
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_stored_image_is_upright_and_carries_no_exif_or_gps():
    uploaded = upload(jpeg_with_exif(800, 1000, orientation=6), "phone.jpg")  # 6: turn 90 degrees to show
    cleaned, header = clean_image_file(uploaded, read_image_header(uploaded))
    assert (header.width, header.height) == (1000, 800)
    with Image.open(cleaned) as stored:
        assert stored.size == (1000, 800)
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info


def test_a_large_image_is_stored_at_most_2560_pixels_a_side():
    buffer = io.BytesIO()
    Image.new("RGB", (5000, 2000), "#2a6f97").save(buffer, "JPEG")
    uploaded = upload(buffer.getvalue(), "wide.jpg")
    cleaned, header = clean_image_file(uploaded, read_image_header(uploaded))
    assert (header.width, header.height) == (2560, 1024)


def test_the_pixel_budget_is_30_million_for_a_jpeg_and_10_million_for_other_types():
    with pytest.raises(ValidationError) as error:
        read_image_header(upload(huge_png_header(3163, 3163)))  # 10,004,569 pixels
    assert "the limit is 10 million pixels (30 million for a JPEG)" in error.value.messages[0]
    assert read_image_header(upload(huge_png_header(3162, 3162))).width == 3162
