"""Django serves public media itself where SERVE_MEDIA says so, with DEBUG off as in the tests' settings."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db


def test_a_public_media_file_is_served_with_debug_off(client):
    assert settings.DEBUG is False and settings.SERVE_MEDIA is True
    name = default_storage.save("original_images/served.txt", ContentFile(b"a public file"))
    try:
        response = client.get(f"/media/{name}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"a public file"
    finally:
        default_storage.delete(name)


def test_a_path_leaving_the_media_folder_is_refused(client):
    # Django's static view raises SuspiciousFileOperation (a 400) for a path outside MEDIA_ROOT.
    for path in ("/media/../manage.py", "/media/%2e%2e/manage.py", "/media/..%2fmanage.py", "/media//etc/passwd"):
        assert client.get(path).status_code in (400, 404), path


def test_a_missing_file_is_a_404(client):
    assert client.get("/media/original_images/not-there.jpg").status_code == 404
