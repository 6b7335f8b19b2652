"""editorial/0004: imports queued (or finished) before the importer moved to editorial keep working after it.

django-tasks-db stores a task by its function's dotted path; a row still naming people.import_tasks would be
marked failed by the worker and break its status page. The migration points such rows at the new path.
"""

import importlib

from django.apps import apps
from django_tasks_db.models import DBTaskResult

from tests.editorial.importer import test_import_task
from tests.editorial.importer.test_import import counts, good_people, imported
from tests.editorial.importer.test_import_task import confirm, run_worker, status
from tests.utils import visible_text

migration = importlib.import_module("editorial.migrations.0004_import_task_moves_to_editorial")

# The fixtures of the task tests, as fixtures here too.
tree = test_import_task.tree
comms = test_import_task.comms
database_tasks = test_import_task.database_tasks


def test_an_import_queued_before_the_move_runs_after_the_migration(comms, tree, database_tasks):
    response = confirm(comms, tree, good_people())
    assert response.status_code == 302
    # As an app server of the previous release wrote it.
    DBTaskResult.objects.update(task_path="people.import_tasks.import_people_task")
    other = DBTaskResult.objects.create(
        task_path="core.tasks.some_other_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=DBTaskResult.objects.get().run_after,
        status="SUCCESSFUL",
    )
    before = counts()

    migration.point_to_new_path(apps, None)

    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {
        "editorial.importer.tasks.import_people_task",
        "core.tasks.some_other_task",
    }
    run_worker()
    page = comms.get(response.url)
    assert page.status_code == 200
    assert "Imported people.csv: 4 created, 0 updated, 0 unchanged." in visible_text(page.content.decode())
    assert status(comms, response.url)["status"] == "successful"
    assert counts() != before and len(imported()) == 4
    other.refresh_from_db()
    assert other.task_path == "core.tasks.some_other_task"


def test_migrating_back_points_the_rows_at_the_old_path(comms, tree, database_tasks):
    confirm(comms, tree, good_people())
    assert DBTaskResult.objects.get().task_path == "editorial.importer.tasks.import_people_task"

    migration.point_to_old_path(apps, None)

    assert DBTaskResult.objects.get().task_path == "people.import_tasks.import_people_task"
