"""An image without alt text is refused by the image library, on every form that saves an image's details.

Communications upload and edit images through Wagtail's library (add, edit, the chooser's upload tab); the
custom image model makes alt text part of each of those forms. Text of only spaces is no description either.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."
NO_DESCRIPTION = ["", "   "]


def png_upload(name="portrait.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#2a6f97").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def comms_client(client):
    client.force_login(make_user("casey", group="Communications"))
    return client


@pytest.fixture
def library_image():
    return get_image_model().objects.create(
        title="Clinic", alt_text="Two residents at the clinic desk", file=png_upload("clinic.png")
    )


@pytest.mark.parametrize("alt_text", NO_DESCRIPTION)
def test_the_upload_form_refuses_an_image_without_alt_text(comms_client, alt_text):
    response = comms_client.post(
        reverse("wagtailimages:add"),
        {"title": "Portrait", "alt_text": alt_text, "collection": "1", "file": png_upload()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["alt_text"] == [REQUIRED]
    assert REQUIRED in response.content.decode()
    assert not get_image_model().objects.exists()


def test_the_upload_form_accepts_an_image_with_alt_text(comms_client):
    response = comms_client.post(
        reverse("wagtailimages:add"),
        {"title": "Portrait", "alt_text": "Dr. Rivera in clinic", "collection": "1", "file": png_upload()},
    )
    assert response.status_code == 302
    assert get_image_model().objects.get().alt_text == "Dr. Rivera in clinic"


@pytest.mark.parametrize("alt_text", NO_DESCRIPTION)
def test_the_edit_form_refuses_to_remove_the_alt_text(comms_client, library_image, alt_text):
    response = comms_client.post(
        reverse("wagtailimages:edit", args=[library_image.pk]),
        {"title": "Clinic, renamed", "alt_text": alt_text, "collection": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["alt_text"] == [REQUIRED]
    library_image.refresh_from_db()
    assert (library_image.title, library_image.alt_text) == ("Clinic", "Two residents at the clinic desk")


def test_the_choosers_upload_refuses_an_image_without_alt_text(comms_client):
    response = comms_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Portrait",
            "image-chooser-upload-alt_text": "",
            "image-chooser-upload-collection": "1",
            "image-chooser-upload-file": png_upload(),
        },
    )
    assert response.status_code == 200
    assert REQUIRED in response.json()["htmlFragment"]
    assert not get_image_model().objects.exists()
