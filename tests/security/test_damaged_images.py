"""Truncated, corrupt and lying image files get a form error on every upload path, never a 500 and never a
half-saved image: the image library's add and edit views, the multiple uploader, the chooser's upload tab, and
a faculty member's photo on My profile."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model

from tests.security.hostile_images import encoded, hostile_files
from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

HOSTILE = hostile_files()
IDS = [label for label, *_ in HOSTILE]
REFUSALS = ("This image file is damaged or incomplete", "This file is not an image we can use")


def refused(text):
    return any(refusal in text for refusal in REFUSALS)


@pytest.fixture
def comms_client(client):
    client.force_login(make_user("casey", group="Communications"))
    client.raise_request_exception = False  # a 500 must show as a 500 here, not as an exception
    return client


@pytest.mark.parametrize(("label", "name", "content_type", "data"), HOSTILE, ids=IDS)
def test_the_image_library_refuses_it(comms_client, label, name, content_type, data):
    response = comms_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Damaged",
            "alt_text": "Damaged",
            "collection": "1",
            "file": SimpleUploadedFile(name, data, content_type),
        },
    )
    assert response.status_code == 200
    assert refused(" ".join(response.context["form"].errors["file"]))
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(("label", "name", "content_type", "data"), HOSTILE, ids=IDS)
def test_the_multiple_uploader_refuses_it(comms_client, label, name, content_type, data):
    response = comms_client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": SimpleUploadedFile(name, data, content_type)}
    )
    assert response.status_code == 200
    assert response.json()["success"] is False and refused(response.json()["error_message"])
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(("label", "name", "content_type", "data"), HOSTILE, ids=IDS)
def test_the_choosers_upload_refuses_it(comms_client, label, name, content_type, data):
    response = comms_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Damaged",
            "image-chooser-upload-alt_text": "Damaged",
            "image-chooser-upload-collection": "1",
            "image-chooser-upload-file": SimpleUploadedFile(name, data, content_type),
        },
    )
    assert response.status_code == 200
    assert refused(response.json()["htmlFragment"])
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(("label", "name", "content_type", "data"), HOSTILE, ids=IDS)
def test_replacing_a_file_with_it_is_refused(comms_client, label, name, content_type, data):
    image = get_image_model().objects.create(
        title="Good", alt_text="Good", file=SimpleUploadedFile("good.jpg", encoded("JPEG"), "image/jpeg")
    )
    response = comms_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "Good", "alt_text": "Good", "collection": "1", "file": SimpleUploadedFile(name, data, content_type)},
    )
    assert response.status_code == 200
    assert refused(" ".join(response.context["form"].errors["file"]))
    image.refresh_from_db()
    assert (image.width, image.height) == (480, 600)


@pytest.mark.parametrize(("label", "name", "content_type", "data"), HOSTILE, ids=IDS)
def test_a_faculty_members_photo_is_refused(client, site_tree, label, name, content_type, data):
    from editorial.models import ProfileAccount

    grace = make_user("grace", group="Faculty")
    ProfileAccount.objects.create(user=grace, page=site_tree.director)
    client.force_login(grace)
    client.raise_request_exception = False
    response = client.post(
        reverse("editorial_my_profile"),
        {
            "action": "preview",
            "bio": "My bio.",
            "alt_text": "Me",
            "photo": SimpleUploadedFile(name, data, content_type),
        },
    )
    assert response.status_code == 400
    assert refused(response.content.decode())
    assert not get_image_model().objects.filter(uploaded_by_user=grace).exists()


def test_a_sound_image_still_uploads(comms_client):
    response = comms_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Good",
            "alt_text": "Good",
            "collection": "1",
            "file": SimpleUploadedFile("good.webp", encoded("WEBP"), "image/webp"),
        },
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(title="Good").width == 480
