"""Media storage with a private part: files whose name starts with `private/` are kept where public media does
not reach, and their URLs go through a view that checks who is asking (core.private_media).

- Local disk: under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT (which the web server or CDN serves at /media/).
- A bucket: under the `private/` prefix, which the bucket's public-read policy leaves out (README).

What goes there: a portrait a faculty member uploaded that Communications has not approved (editorial), under an
unguessable name, with its renditions; approval moves it to public media (`make_image_public`).
"""

import os
import posixpath
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils._os import safe_join
from storages.backends.s3 import S3Storage

PRIVATE_PREFIX = "private/"


def is_private_name(name):
    name = (name or "").replace("\\", "/")
    return name == PRIVATE_PREFIX.rstrip("/") or name.startswith(PRIVATE_PREFIX)


def private_name(directory, filename):
    """An unguessable private name, keeping only the file's extension: private/<directory>/<48 random chars>.<ext>."""
    extension = posixpath.splitext(filename)[1].lower()[:8]
    return f"{PRIVATE_PREFIX}{directory}/{secrets.token_urlsafe(36)}{extension}"


class PrivateURLsMixin:
    def url(self, name):
        if is_private_name(name):
            return reverse("private_media", args=[name[len(PRIVATE_PREFIX) :]])
        return super().url(name)


class MediaStorage(PrivateURLsMixin, FileSystemStorage):
    """Local media (STORAGES["default"] without a bucket)."""

    def path(self, name):
        if is_private_name(name):
            return safe_join(settings.PRIVATE_MEDIA_ROOT, name[len(PRIVATE_PREFIX) :])
        return super().path(name)

    def _save(self, name, content):
        saved = super()._save(name, content)  # relative to MEDIA_ROOT: "../private-media/..." for a private one
        if not is_private_name(name):
            return saved
        full_path = os.path.normpath(os.path.join(self.location, saved))
        return PRIVATE_PREFIX + os.path.relpath(full_path, settings.PRIVATE_MEDIA_ROOT).replace(os.sep, "/")


class BucketMediaStorage(PrivateURLsMixin, S3Storage):
    """Media in an S3-compatible bucket (MEDIA_BUCKET): private names are keys under `private/`."""
