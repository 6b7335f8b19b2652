"""The admin import as a background task: enqueued on Confirm, run by the task worker, followed on a status page.

Here with django-tasks' database backend and the real worker command (`db_worker --batch`) in this process;
tests/production/test_servers.py runs the same journey through two app servers and a worker process.
"""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from editorial.importer import journal
from editorial.importer.tasks import import_people_task, pack, progress_key, read_progress
from editorial.models import ImportRun
from editorial.roles import COMMUNICATIONS_GROUP
from people.models import FacultyPage
from tests.editorial.importer import test_import
from tests.editorial.importer.test_import import counts, csv_file, good_people, imported, make_user, upload
from tests.utils import visible_text

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
tree = test_import.tree  # the site tree with the People directory, as a fixture here too


@pytest.fixture
def comms(client, tree):
    user = make_user("comms", COMMUNICATIONS_GROUP)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def run_worker():
    # The worker closes "old" connections before each task, as a long-running process should; inside a
    # test's transaction that would close the test's own connection (on PostgreSQL), so not here.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def confirm(client, tree, rows):
    preview = upload(client, csv_file(rows), parent=tree.people)
    assert preview.status_code == 200, preview.content
    return client.post(reverse("people_import_confirm"), {"token": preview.context["token"]})


def status(client, url):
    return json.loads(client.get(url + "?format=json").content)


def test_confirm_enqueues_the_import_and_the_worker_runs_it(comms, tree, database_tasks):
    before = counts()
    response = confirm(comms, tree, good_people())
    assert response.status_code == 302
    status_url = response.url
    task = DBTaskResult.objects.get()
    assert status_url == reverse("people_import_status", args=[task.id])
    assert counts() == before  # nothing happens until the worker runs it

    waiting = comms.get(status_url)
    assert waiting.status_code == 200
    assert "Waiting for the task worker to start the import" in visible_text(waiting.content.decode())
    assert 'data-import-status-url="' in waiting.content.decode()  # the progress bar polls this
    assert status(comms, status_url) == {
        "status": "ready",
        "finished": False,
        "phase": "",
        "done": 0,
        "total": 0,
        "percent": 0,
    }

    run_worker()

    progress = read_progress(str(task.id))
    assert progress == {"phase": "done", "done": 1, "total": 1}
    state = status(comms, status_url)
    assert state["status"] == "successful" and state["finished"] and state["percent"] == 100
    done = comms.get(status_url)
    text = visible_text(done.content.decode())
    assert "Imported people.csv: 4 created, 0 updated, 0 unchanged." in text
    assert "data-import-status-url" not in done.content.decode()
    assert done.content.decode().count('data-import-action="create"') == 4
    wren = FacultyPage.objects.get(external_id="F-1")
    assert reverse("wagtailadmin_pages:edit", args=[wren.pk]) in done.content.decode()
    assert wren.live and wren.get_latest_revision().user == comms.user
    assert len(imported()) == 4


def test_progress_is_reported_while_rows_are_saved(tree, database_tasks, monkeypatch):
    seen = []
    monkeypatch.setattr("editorial.importer.tasks.PROGRESS_EVERY_SECONDS", 0)

    from django.core.cache import caches

    cache = caches["shared"]
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("people-import:progress:"):
            seen.append((value["phase"], value["done"], value["total"]))
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    user = make_user("comms", COMMUNICATIONS_GROUP)
    result = import_people_task.enqueue(
        data=pack(csv_file(good_people())),
        filename="people.csv",
        parent_id=tree.people.pk,
        publish=True,
        user_id=user.pk,
    )
    run_worker()
    assert seen == [
        ("checking", 0, 0),
        ("checking", 0, 4),
        ("saving", 0, 4),
        ("saving", 1, 4),
        ("saving", 2, 4),
        ("saving", 3, 4),
        ("saving", 4, 4),
        ("done", 1, 1),
    ]
    assert cache.get(progress_key(result.id)) == {"phase": "done", "done": 1, "total": 1}


def test_a_file_that_fails_in_the_worker_writes_nothing(comms, tree, database_tasks):
    preview = upload(comms, csv_file(good_people()), parent=tree.people)
    # After the preview, someone else gives another profile Jun's email: the 4th row now fails.
    tree.preceptor.email = "jun.haverbrook@example.org"
    tree.preceptor.external_id = "P-1"
    tree.preceptor.save()
    before = counts()
    response = comms.post(reverse("people_import_confirm"), {"token": preview.context["token"]})
    run_worker()
    page = comms.get(response.url)
    text = visible_text(page.content.decode())
    assert "1 problem found: nothing has been imported" in text
    assert "Row 4: email: jun.haverbrook@example.org is already used by" in text
    assert counts() == before
    assert status(comms, response.url)["status"] == "successful"  # the task ran; the import refused


def test_an_unexpected_error_in_the_worker_writes_nothing(comms, tree, database_tasks, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    response = confirm(comms, tree, good_people())
    before = counts()
    monkeypatch.setattr("editorial.importer.writing._set_values", explode)
    run_worker()
    page = comms.get(response.url)
    assert "The import stopped with an unexpected error: nothing has been imported" in visible_text(
        page.content.decode()
    )
    assert status(comms, response.url)["status"] == "failed"
    assert counts() == before


def test_only_the_person_who_started_an_import_sees_it(comms, client, tree, database_tasks):
    response = confirm(comms, tree, good_people())
    status_url = response.url
    other = make_user("other-comms", COMMUNICATIONS_GROUP)
    comms.force_login(other)
    assert comms.get(status_url).status_code == 404
    assert comms.get(status_url + "?format=json").status_code == 404
    assert comms.get(reverse("people_import_status", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_an_import_whose_worker_died_shows_failed_and_runs_again(comms, tree, database_tasks):
    """A worker killed mid-import (SIGKILL, a crash) leaves its task RUNNING with no worker beating for it;
    tests/production/test_worker.py kills a real one."""
    before = counts()
    status_url = confirm(comms, tree, good_people()).url
    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=5), worker_ids=["killed-worker"]
    )
    page = visible_text(comms.get(status_url).content.decode())
    assert "The import stopped when the task worker did: nothing has been imported" in page
    assert "Run the import again" in page
    assert DBTaskResult.objects.get().status == "FAILED"  # recorded, not only shown
    assert counts() == before

    again = comms.post(status_url + "again/")
    assert again.status_code == 302 and again.url != status_url
    run_worker()
    assert status(comms, again.url)["status"] == "successful"
    assert counts() != before
    assert "Imported people.csv: 4 created" in visible_text(comms.get(again.url).content.decode())


def test_a_dead_workers_half_written_import_says_it_is_being_removed(comms, tree, database_tasks):
    """Until a worker's heartbeat undoes what the dead import committed, the page does not claim nothing was
    written; once undone, it says nothing was imported."""
    status_url = confirm(comms, tree, good_people()).url
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=5), worker_ids=["killed-worker"]
    )
    ImportRun.objects.create(parent=tree.people, task_id=str(task.pk), touched_at=timezone.now())
    page = visible_text(comms.get(status_url).content.decode())
    assert "The import stopped when the task worker did: what it saved is being removed" in page

    assert journal.undo_abandoned_runs() == 1  # a worker's heartbeat: its task has ended, its run is left
    page = visible_text(comms.get(status_url).content.decode())
    assert "The import stopped when the task worker did: nothing has been imported" in page
