"""An oversized image is refused from its header on every upload path of the admin, fast and in little memory.

The probe that found the problem: a 516 KB RGB PNG of 13,300 x 13,300 pixels sent to /admin/images/add/
drove the worker from 125 MB to 798 MB and took 6 s before the "too many pixels" error, because Willow
decoded it before Wagtail counted its pixels.
"""

import io
import os
import struct
import threading
import time
import tracemalloc
import zlib
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

SIDE = 13_300
MEMORY_LIMIT = 100 * 1024 * 1024
TIME_LIMIT = 1.0


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width, height):
    """A real, complete RGB PNG of width x height pixels, compressed row by row so making it costs little memory."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)  # filter byte, then black pixels
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def huge_png():
    data = blank_png(SIDE, SIDE)
    assert 400_000 < len(data) < 700_000, len(data)  # the size of the probe's file: small enough for any limit
    return data


def small_png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#2a6f97").save(buffer, "PNG")
    return buffer.getvalue()


def resident_memory():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def measured():
    """Peak memory growth (the larger of resident memory, sampled every millisecond, and Python's own
    allocations; Pillow's pixel buffers are not Python allocations) and wall time of the block."""
    result = {}
    baseline = resident_memory()
    peak = [baseline]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], resident_memory())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    tracemalloc.start()
    sampler.start()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started
        done.set()
        sampler.join()
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["bytes"] = max(peak[0] - baseline, python_peak)


@pytest.fixture
def comms_client(client):
    user = make_user("casey", group="Communications")
    client.force_login(user)
    return client


def warm_up(client, url):
    """Open the upload screen first, as a person does: the timing is then the upload's, not the first
    compilation of the admin's templates in this process (about half a second)."""
    assert client.get(url).status_code == 200


def upload(data, name="huge.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_the_probes_png_is_refused_by_the_image_library_fast_and_in_little_memory(comms_client, huge_png):
    warm_up(comms_client, reverse("wagtailimages:add"))
    with measured() as cost:
        response = comms_client.post(
            reverse("wagtailimages:add"),
            {"title": "Huge", "alt_text": "A huge image", "collection": "1", "file": upload(huge_png)},
        )
    assert cost["bytes"] < MEMORY_LIMIT, f"{cost['bytes'] / 2**20:.0f} MB"
    assert cost["seconds"] < TIME_LIMIT, f"{cost['seconds']:.2f} s"
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == [
        "This image is 13,300 x 13,300 pixels; the limit is 10 million pixels (30 million for a JPEG). "
        "Resize it and upload it again."
    ]
    assert not get_image_model().objects.exists()


def test_the_multiple_uploader_refuses_it_with_the_same_message(comms_client, huge_png):
    warm_up(comms_client, reverse("wagtailimages:add_multiple"))
    with measured() as cost:
        response = comms_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload(huge_png)})
    assert response.status_code == 200
    result = response.json()
    assert result["success"] is False
    assert "13,300 x 13,300 pixels" in result["error_message"]
    assert not get_image_model().objects.exists()
    assert cost["bytes"] < MEMORY_LIMIT and cost["seconds"] < TIME_LIMIT, cost


def test_the_choosers_upload_refuses_it(comms_client, huge_png):
    warm_up(comms_client, reverse("wagtailimages_chooser:choose"))
    with measured() as cost:
        response = comms_client.post(
            reverse("wagtailimages_chooser:create"),
            {
                "image-chooser-upload-title": "Huge",
                "image-chooser-upload-alt_text": "Huge",
                "image-chooser-upload-collection": "1",
                "image-chooser-upload-file": upload(huge_png),
            },
        )
    assert response.status_code == 200
    assert "13,300 x 13,300 pixels" in response.json()["htmlFragment"]
    assert not get_image_model().objects.exists()
    assert cost["bytes"] < MEMORY_LIMIT and cost["seconds"] < TIME_LIMIT, cost


def test_replacing_an_images_file_is_checked_too(comms_client, huge_png):
    image = get_image_model().objects.create(
        title="Small", alt_text="A small image", file=upload(small_png(), "small.png")
    )
    response = comms_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "Small", "alt_text": "A small image", "collection": "1", "file": upload(huge_png)},
    )
    assert response.status_code == 200
    assert "13,300 x 13,300 pixels" in response.context["form"].errors["file"][0]
    image.refresh_from_db()
    assert (image.width, image.height) == (40, 30)


def test_an_ordinary_image_still_uploads(comms_client):
    response = comms_client.post(
        reverse("wagtailimages:add"),
        {"title": "Portrait", "alt_text": "A portrait", "collection": "1", "file": upload(small_png(), "p.png")},
    )
    assert response.status_code == 302, response.context["form"].errors
    image = get_image_model().objects.get()
    assert (image.width, image.height) == (40, 30)


def test_pillow_itself_refuses_oversized_images(huge_png):
    """The backstop behind the forms: Pillow's own cap is the site's, so Pillow refuses a bomb before decoding."""
    assert Image.MAX_IMAGE_PIXELS == 30_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(huge_png))


def test_a_faculty_members_photo_upload_is_checked_too(client, huge_png, site_tree):
    """Faculty upload their photo on My profile, the only upload they have."""
    from editorial.models import ProfileAccount

    grace = make_user("grace", group="Faculty")
    ProfileAccount.objects.create(user=grace, page=site_tree.director)
    client.force_login(grace)
    warm_up(client, reverse("editorial_my_profile"))
    with measured() as cost:
        response = client.post(
            reverse("editorial_my_profile"),
            {"action": "save", "bio": "My bio.", "alt_text": "Me", "photo": upload(huge_png)},
        )
    assert response.status_code == 400
    assert "13,300 x 13,300 pixels" in response.content.decode()
    assert not get_image_model().objects.filter(uploaded_by_user=grace).exists()
    assert cost["bytes"] < MEMORY_LIMIT and cost["seconds"] < TIME_LIMIT, cost
