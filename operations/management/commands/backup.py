import time
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one archive of the database and the media, consistent while editors and the task worker write."

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="The archive to write (default: backups/portal-<date and time>.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        output = Path(output or f"backups/portal-{datetime.now():%Y%m%d-%H%M%S}.tar.gz")
        started = time.monotonic()
        try:
            manifest = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {manifest['vendor']} database and {manifest['media_files']} media files to {output} "
            f"({output.stat().st_size / 2**20:.1f} MB) in {time.monotonic() - started:.1f} s."
        )
