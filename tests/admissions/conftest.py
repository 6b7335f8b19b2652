import pytest


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """client.post, running what the view queued for after its commit (the emails' tasks) as a real request would."""

    def send(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(*args, **kwargs)

    return send
