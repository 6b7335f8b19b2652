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
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage

from core.models import CustomImage
from tests.editorial.utils import ProfileTestCase, photo_upload
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
            "BACKEND": "core.storage.BucketMediaStorage",
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


class PrivatePhotosInTheBucket(ProfileTestCase):
    """A faculty member's unapproved photo in a bucket, with the storage the settings build from MEDIA_BUCKET
    (core.storage.BucketMediaStorage): its original and renditions are keys under `private/` (which the README's
    bucket policy leaves out), under unguessable names, and reach people only through the permission-checking
    view; approval moves them to the public prefixes and deletes the private keys. (moto enforces no bucket
    policy, so what an anonymous browser gets from the bucket itself is the policy's job, not tested here.)"""

    @classmethod
    def setUpClass(cls):
        cls.environment = pytest.MonkeyPatch()
        for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
            cls.environment.setenv(name, value)
        cls.environment.setenv("AWS_DEFAULT_REGION", "us-east-1")
        cls.moto = moto_s3_server()
        cls.endpoint = cls.moto.__enter__()
        cls.s3 = boto3.client("s3", endpoint_url=cls.endpoint, region_name="us-east-1")
        cls.s3.create_bucket(Bucket=BUCKET)
        options = {
            "bucket_name": BUCKET,
            "endpoint_url": cls.endpoint,
            "region_name": "us-east-1",
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
        }
        storages = {**settings.STORAGES, "default": {"BACKEND": "core.storage.BucketMediaStorage", "OPTIONS": options}}
        cls.bucket_storage = override_settings(STORAGES=storages)
        cls.bucket_storage.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.bucket_storage.disable()
        cls.moto.__exit__(None, None, None)
        cls.environment.undo()

    def keys(self):
        return {item["Key"] for item in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}

    def test_an_unapproved_photo_stays_under_private_until_approval_moves_it(self):
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.my_profile(bio="Original bio.", photo=photo_upload(), alt_text="Alice smiling in clinic")
        image = CustomImage.objects.get(uploaded_by_user=self.alice)
        rendition = image.get_rendition("fill-200x250-c100")
        self.assertRegex(image.file.name, r"^private/original_images/[\w-]{48}\.jpg$")
        self.assertTrue(rendition.file.name.startswith("private/images/"))
        self.assertIn(image.file.name, self.keys())
        self.assertIn(rendition.file.name, self.keys())
        self.assertEqual([key for key in self.keys() if not key.startswith("private/")], [])

        urls = [image.file.url, rendition.url]
        self.assertTrue(all(url.startswith("/admin/private-media/") for url in urls), urls)
        self.assertEqual([self.client.get(url).status_code for url in urls], [200, 200])  # from the bucket
        self.client.logout()
        self.assertEqual([self.client.get(url).status_code for url in urls], [404, 404])

        with self.captureOnCommitCallbacks(execute=True):
            self.review(self.alice_page, "approve")
        image.refresh_from_db()
        self.assertRegex(image.file.name, r"^original_images/[\w-]{48}\.jpg$")
        self.assertEqual([key for key in self.keys() if key.startswith("private/")], [])
        self.assertIn(image.file.name, self.keys())
        self.assertTrue(image.file.url.startswith(f"{self.endpoint}/{BUCKET}/original_images/"))
        self.client.logout()
        page = self.client.get(self.reload(self.alice_page).url).content.decode()
        self.assertIn(f"{self.endpoint}/{BUCKET}/images/", page)  # the live profile shows it from the bucket
