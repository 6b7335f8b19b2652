"""`manage.py db_worker`: django-tasks-db's worker, made to outlive database outages and to beat (core.worker).

Core comes first in INSTALLED_APPS, so this command takes the name of the one it extends: the README's
recipes, `make run` and any existing service unit get the resilient worker without a change.
"""

from django_tasks_db.management.commands import db_worker

from core.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run the task worker: reconnects after a database outage, and marks the tasks of dead workers failed"

    def handle(self, *args, **options):
        # The parent's handle builds its Worker by the module's name: point that name at ours for this call.
        original, db_worker.Worker = db_worker.Worker, ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
