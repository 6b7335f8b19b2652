from django.core.management.base import BaseCommand

from admissions.tasks import queue_reminders


class Command(BaseCommand):
    help = "Queue the day-before reminders of open houses for the task worker (run hourly; safe to run often)."

    def handle(self, *args, **options):
        self.stdout.write(f"Queued {queue_reminders()} reminder(s).")
