"""The task worker's lease and its recovery from database errors, in one process (tests/production/test_worker.py
kills real workers and cuts a real database off)."""

from datetime import timedelta
from unittest import mock

from django.db.utils import OperationalError
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat
from core.worker import ResilientWorker, beat, fail_if_abandoned, reap_abandoned_tasks


def running_task(worker_id, started_seconds_ago):
    started = timezone.now() - timedelta(seconds=started_seconds_ago)
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="core.tasks.generate_renditions",
        backend_name="default",
        run_after=started,
        started_at=started,
        worker_ids=[worker_id],
    )


@override_settings(TASK_WORKER_LEASE_SECONDS=60)
class LeaseTests(TestCase):
    def test_a_task_whose_worker_stopped_beating_is_marked_failed(self):
        beat("alive")
        WorkerHeartbeat.objects.create(worker_id="dead", last_seen=timezone.now() - timedelta(seconds=61))
        alive, dead, unknown = running_task("alive", 300), running_task("dead", 300), running_task("never-beat", 300)
        young = running_task("just-started", 5)  # its worker may not have beaten yet
        self.assertEqual(reap_abandoned_tasks(), 2)
        statuses = {task.pk: DBTaskResult.objects.get(pk=task.pk).status for task in (alive, dead, unknown, young)}
        self.assertEqual(
            statuses,
            {alive.pk: "RUNNING", dead.pk: "FAILED", unknown.pk: "FAILED", young.pk: "RUNNING"},
        )
        self.assertEqual(DBTaskResult.objects.get(pk=dead.pk).exception_class_path, "core.worker.WorkerDied")

    def test_a_page_showing_a_task_sees_it_failed_even_with_no_worker_running(self):
        task = running_task("dead", 300)
        self.assertEqual(fail_if_abandoned(task).status, "FAILED")
        self.assertIsNotNone(task.finished_at)

    def test_a_worker_that_lost_its_database_fails_its_own_running_task_once_back(self):
        beat("me")
        mine = running_task("me", 300)
        reap_abandoned_tasks(also_worker_id="me")
        self.assertEqual(DBTaskResult.objects.get(pk=mine.pk).status, "FAILED")


class ReconnectTests(TestCase):
    def test_the_loop_outlives_a_database_error_and_carries_on(self):
        worker = ResilientWorker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="reconnecting",
            excluded_queue_names=[],
        )
        attempts = []

        def run_once(self):
            attempts.append(1)
            if len(attempts) < 3:
                raise OperationalError("server closed the connection unexpectedly")

        with (
            mock.patch("core.worker.Heartbeat.start"),
            mock.patch("core.worker.Heartbeat.stop"),
            mock.patch("core.worker.reap_abandoned_tasks") as reap,
            mock.patch("core.worker.time.sleep") as sleep,
            mock.patch("django_tasks_db.management.commands.db_worker.Worker.run", run_once),
            self.assertLogs("portal.worker", "ERROR") as logs,
        ):
            worker.run()
        self.assertEqual(len(attempts), 3)
        # The database answered again each time (ensure_connection), so each wait starts over at 1 s.
        self.assertEqual([call.args[0] for call in sleep.call_args_list], [1.0, 1.0])
        reap.assert_called_with(also_worker_id="reconnecting", reaper_id="reconnecting")
        self.assertEqual(len(logs.records), 2)
