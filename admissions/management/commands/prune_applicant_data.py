from django.conf import settings
from django.core.management.base import BaseCommand

from admissions.retention import prune


class Command(BaseCommand):
    help = "Delete applicants' questions and open-house registrations older than APPLICANT_DATA_RETENTION_DAYS."

    def handle(self, *args, **options):
        deleted = prune()
        days = settings.APPLICANT_DATA_RETENTION_DAYS
        self.stdout.write(
            f"Deleted {deleted['questions']} question(s) and {deleted['registrations']} registration(s) "
            f"older than {days} days."
        )
