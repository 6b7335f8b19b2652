"""Media on S3-compatible object storage: upload an image, render a page with its renditions, read them back.

Against moto's standalone S3 server (a real HTTP server on loopback, started here), with the storage the
settings build from MEDIA_BUCKET / MEDIA_ENDPOINT_URL (django-storages' S3Storage), not a mocked client.
"""

import io
import json
import re
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage

from core.models import CustomImage
from tests.services import moto_s3_server
from tests.utils import build_site

BUCKET = "portal-media-test"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    ],
}


@pytest.fixture(scope="module")
def s3_endpoint():
    with pytest.MonkeyPatch.context() as patch:
        # Credentials moto accepts; boto3 reads them from the environment, as in production.
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        with moto_s3_server() as endpoint:
            client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
            client.create_bucket(Bucket=BUCKET)
            # As the README's recipe says: visitors' browsers read media straight from the bucket.
            client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
            yield endpoint


@pytest.fixture
def object_storage(s3_endpoint, settings):
    """The STORAGES["default"] that portal/settings/base.py builds when MEDIA_BUCKET is set."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    with override_settings(STORAGES=storages):
        yield boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


def portrait_png(width=640, height=800):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "#3d7a4a").save(buffer, "PNG")
    return buffer.getvalue()


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


@pytest.mark.django_db
def test_upload_render_and_read_back_renditions(
    object_storage, s3_endpoint, admin_client, django_capture_on_commit_callbacks
):
    tree = build_site()
    # The upload's listing renditions are made in its request once the save commits (core.tasks).
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("wagtailimages:add"),
            {
                "title": "Portrait of the director",
                "alt_text": "The director smiling in a clinic corridor",
                "file": SimpleUploadedFile("director.png", portrait_png(), content_type="image/png"),
                "collection": "1",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = CustomImage.objects.get(title="Portrait of the director")
    keys = {item["Key"] for item in object_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert image.file.name in keys  # the original went to the bucket, not the local disk

    director = tree.director
    director.photo = image
    director.save_revision().publish()
    admin_client.logout()  # as a visitor sees it
    html = admin_client.get(director.url).content.decode()

    # Every picture on the page is a rendition in the bucket: the portrait in 1x/2x/3x as AVIF, WebP and JPEG
    # (core.images "portrait"), and the link-preview image.
    urls = set(re.findall(rf"{re.escape(s3_endpoint)}/{BUCKET}/images/[^\s\",]+", html))
    sizes, formats = set(), set()
    for url in urls:
        with PILImage.open(io.BytesIO(fetch(url))) as rendition:
            sizes.add(rendition.size)
            formats.add(rendition.format)
    assert {(200, 250), (400, 500), (600, 750)} <= sizes, sizes
    assert {"AVIF", "WEBP", "JPEG"} <= formats, formats
    keys = {item["Key"] for item in object_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    rendition_keys = {key for key in keys if key.startswith("images/")}
    assert {url.split(f"/{BUCKET}/", 1)[1] for url in urls} <= rendition_keys  # the renditions live in the bucket
