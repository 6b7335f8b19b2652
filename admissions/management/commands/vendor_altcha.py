from django.core.management.base import BaseCommand

from admissions.altcha_assets import extract


class Command(BaseCommand):
    help = (
        "Write the ALTCHA widget's stylesheet and workers to admissions/static/admissions/altcha/ (after an upgrade)."
    )

    def handle(self, *args, **options):
        for path in extract():
            self.stdout.write(f"wrote {path}")
