import time

from django.core.management.base import BaseCommand, CommandError

from core.page_cache import invalidate_now
from operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive written by `manage.py backup` into an empty install (empty database and media)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        started = time.monotonic()
        try:
            manifest = restore_backup(archive)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        invalidate_now()  # pages cached before the restore are not the restored site's
        self.stdout.write(
            f"Restored the database and {manifest['media_files']} media files of {manifest['created']} "
            f"in {time.monotonic() - started:.1f} s. Run `manage.py migrate` if this code is newer than the backup."
        )
