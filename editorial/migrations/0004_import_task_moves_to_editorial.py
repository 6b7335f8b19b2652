"""The people import task moved from people.import_tasks to editorial.importer.tasks.

django-tasks' database backend stores each task by the dotted path of its function, and imports that path
to run a queued task or to show a finished one. Rows written before the move would make the worker mark a
queued import as failed (ImportError) and the import's status page fail, so they are pointed at the new path.
Migrating back points them at the old one."""

from django.db import migrations

OLD_PATH = "people.import_tasks.import_people_task"
NEW_PATH = "editorial.importer.tasks.import_people_task"


def point_to_new_path(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=OLD_PATH).update(task_path=NEW_PATH)


def point_to_old_path(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=NEW_PATH).update(task_path=OLD_PATH)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0003_remove_unused_wagtail_starter_groups"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(point_to_new_path, point_to_old_path)]
