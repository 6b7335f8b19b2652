"""An import writes in short transactions (so that SQLite's other writers get turns) and is still all or nothing:
what it committed is undone when a later row fails, when its process dies (found by the next import, or by a
worker's heartbeat), and before a dead worker's task is shown as failed. tests/production/test_concurrency.py
runs it beside a server and a publisher in real processes."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Revision

from core.worker import reap_abandoned_tasks
from editorial.importer import journal, writing
from editorial.importer.planning import build_plan
from editorial.importer.reading import read_table
from editorial.importer.schema import ImportFileError
from editorial.importer.service import run_import
from editorial.models import ImportChange, ImportRun
from people.models import FacultyPage
from tests.editorial.importer import test_import
from tests.editorial.importer.test_import import counts, csv_file, good_people, person

tree = test_import.tree
ONE_ROW_A_BATCH = override_settings(IMPORT_BATCH_SECONDS=0)


class ProcessDied(BaseException):
    """Stands in for SIGKILL: raised between batches, it stops the import without its own undo running."""


def die_after(committed):
    """A progress callback that stops the import while it writes the row after `committed` rows (one row a
    batch): that row's batch is rolled back, the ones before it stay committed."""

    def progress(phase, done, total):
        if phase == "saving" and done == committed + 1:
            raise ProcessDied

    return progress


def snapshot(page):
    page = FacultyPage.objects.get(pk=page.pk)
    return (
        page.title,
        page.credentials,
        page.email,
        page.live,
        page.live_revision_id,
        page.latest_revision_id,
        page.has_unpublished_changes,
        sorted(page.programs.values_list("pk", flat=True)),
        sorted(page.clinical_interests.values_list("pk", flat=True)),
        Revision.page_revisions.filter(object_id=str(page.pk)).count(),
    )


def half_written_import(tree, rows, committed):
    """An import into the People directory whose process stopped after committing `committed` rows: its run and
    journal stay."""
    run = journal.begin(tree.people)
    plan = build_plan(read_table(csv_file(rows), "people.csv"), parent=tree.people)
    assert plan.errors == []
    with pytest.raises(ProcessDied):
        writing.apply_plan(plan, run, progress=die_after(committed))
    return run


def an_updated_and_a_new_person(tree):
    """Two rows: the preceptor's credentials and interests change (an update of a live page), then a new person."""
    preceptor = FacultyPage.objects.get(pk=tree.preceptor.pk)  # not the shared fixture's object
    preceptor.external_id = "P-1"
    preceptor.save_revision().publish()
    return [
        person(id="P-1", type="faculty", first_name=preceptor.first_name, last_name=preceptor.last_name,
               credentials="MD, PhD (imported)", clinical_interests="Geriatrics"),
        person(id="N-1", type="faculty", first_name="Nadia", last_name="Quist-Ferrante"),
    ]  # fmt: skip


@ONE_ROW_A_BATCH
def test_a_row_that_fails_after_earlier_batches_committed_undoes_them(tree, monkeypatch):
    rows = an_updated_and_a_new_person(tree) + good_people()
    preceptor_before = snapshot(tree.preceptor)
    before = counts()
    set_values = writing._set_values

    def refuse_jun(page, values):
        if values.get("first_name") == "Jun":  # the 5th person, row 6 of the file: four batches have committed
            raise DatabaseError("disk full")
        set_values(page, values)

    monkeypatch.setattr(writing, "_set_values", refuse_jun)
    plan = run_import(csv_file(rows), "people.csv", parent=tree.people)
    assert plan.errors == ["Row 6: could not be saved (disk full). Nothing was imported."]
    assert not plan.applied
    assert counts() == before
    assert snapshot(tree.preceptor) == preceptor_before
    assert not FacultyPage.objects.filter(external_id__in=["N-1", "F-1", "F-2"]).exists()
    assert not ImportRun.objects.exists() and not ImportChange.objects.exists()


@ONE_ROW_A_BATCH
def test_an_import_writes_in_batches_and_leaves_no_journal(tree):
    rows = an_updated_and_a_new_person(tree) + good_people()
    plan = run_import(csv_file(rows), "people.csv", parent=tree.people)
    assert plan.applied and plan.errors == []
    assert FacultyPage.objects.get(external_id="P-1").credentials == "MD, PhD (imported)"
    assert FacultyPage.objects.filter(external_id__in=["N-1", "F-1", "F-2"]).count() == 3
    assert not ImportRun.objects.exists() and not ImportChange.objects.exists()


@ONE_ROW_A_BATCH
def test_a_dead_import_is_undone_by_the_next_one(tree):
    rows = an_updated_and_a_new_person(tree) + good_people()[:1]
    preceptor_before = snapshot(tree.preceptor)
    before = counts()
    run = half_written_import(tree, rows, committed=2)
    assert FacultyPage.objects.filter(external_id="N-1").exists()  # committed, batch by batch
    assert not FacultyPage.objects.filter(external_id="F-1").exists()  # its batch died with the process
    assert FacultyPage.objects.get(pk=tree.preceptor.pk).credentials == "MD, PhD (imported)"
    assert ImportChange.objects.filter(run=run).count() == 2

    # Its process is gone: nothing touches the run for longer than the lease.
    ImportRun.objects.update(touched_at=timezone.now() - timedelta(minutes=5))
    plan = run_import(csv_file(good_people()), "people.csv", parent=tree.people)
    assert plan.applied
    assert not FacultyPage.objects.filter(external_id="N-1").exists()
    assert snapshot(tree.preceptor) == preceptor_before
    assert counts()[0] == before[0] + len(good_people())
    assert not ImportRun.objects.exists()


@ONE_ROW_A_BATCH
def test_a_live_import_is_waited_for_not_undone(tree, monkeypatch):
    half_written_import(tree, an_updated_and_a_new_person(tree), committed=1)  # touched just now: still running
    monkeypatch.setattr(journal, "WAIT_FOR_OTHER_IMPORT_SECONDS", 0)
    monkeypatch.setattr(journal.time, "sleep", lambda seconds: None)
    with pytest.raises(ImportFileError) as caught:
        run_import(csv_file(good_people()), "people.csv", parent=tree.people)
    assert caught.value.messages == [
        f"Another import into “{tree.people.title}” is still running. Try again when it has finished."
    ]
    assert ImportChange.objects.count() == 1  # left alone


@ONE_ROW_A_BATCH
def test_a_dead_workers_import_is_undone_before_its_task_shows_failed(tree):
    rows = an_updated_and_a_new_person(tree) + good_people()[:1]
    preceptor_before = snapshot(tree.preceptor)
    task = DBTaskResult.objects.create(
        task_path="editorial.importer.tasks.import_people_task",
        args_kwargs={"args": [], "kwargs": {}},
        status="RUNNING",
        run_after=timezone.now() - timedelta(minutes=5),
        started_at=timezone.now() - timedelta(minutes=5),
        worker_ids=["killed-worker"],
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    run = half_written_import(tree, rows, committed=2)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(task.pk))  # touched just now: only the task tells

    assert reap_abandoned_tasks() == 1
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert not FacultyPage.objects.filter(external_id="N-1").exists()
    assert snapshot(tree.preceptor) == preceptor_before
    assert not ImportRun.objects.exists()


def test_an_import_that_changes_nothing_leaves_no_run_behind(tree):
    """Else the next import into the same page would wait for the lease to run out."""
    run_import(csv_file(good_people()), "people.csv", parent=tree.people)
    plan = run_import(csv_file(good_people()), "people.csv", parent=tree.people)
    assert plan.applied and plan.to_create == plan.to_update == []
    assert not ImportRun.objects.exists()


@ONE_ROW_A_BATCH
def test_undoing_keeps_the_undoing_worker_beating(tree, monkeypatch):
    """Undoing a large import outlasts the heartbeat lease: the worker doing it beats between chunks, or another
    worker would take it for dead and reap the task it is running."""
    monkeypatch.setattr(journal, "UNDO_CHUNK", 1)
    run = half_written_import(tree, an_updated_and_a_new_person(tree) + good_people()[:1], committed=2)
    beats = []
    journal.undo(run, keep_alive=lambda: beats.append(1))
    assert len(beats) == 2  # one a chunk of one change
    assert not ImportRun.objects.exists()
