"""`python manage.py import_people FILE [--dry-run] [--draft] [--parent SLUG]`: import people from a spreadsheet.

See editorial/importer/example/README.md for the columns. Every row is validated
first; if any row has an error, the errors are printed and nothing is written.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from editorial.importer.schema import CREATE, MAX_FILE_SIZE, UPDATE, ImportFileError
from editorial.importer.service import run_import
from people.models import PersonIndexPage


class Command(BaseCommand):
    help = "Create and update faculty and resident profiles from a CSV (UTF-8) or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file with one person per row.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--draft", action="store_true", help="Save new and changed profiles as drafts instead of publishing them."
        )
        parser.add_argument(
            "--parent",
            metavar="SLUG",
            help="Slug of the people index page to add new people under (default: the site's people directory).",
        )

    def handle(self, *args, file, dry_run, draft, parent, verbosity, **options):
        parent_page = self.get_parent(parent) if parent else None
        data = self.read(file)
        try:
            plan = run_import(data, file, parent=parent_page, publish=not draft, dry_run=dry_run)
        except ImportFileError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("The file could not be imported; nothing was written.") from None
        if plan.errors:
            for message in plan.errors:
                self.stderr.write(message)
            count = len(plan.errors)
            raise CommandError(f"{count} error{'s' if count != 1 else ''}; nothing was written.")

        for row in plan.rows:
            if row.action in (CREATE, UPDATE):
                verb = "create" if row.action == CREATE else "update"
                line = f"Row {row.number}: {verb} {row.kind} {row.name}"
                if row.action == UPDATE:
                    line += f": {', '.join(row.changes)}"
                line += f" ({row.result_label.lower()}{'; ' + row.note if row.note else ''})"
                self.stdout.write(line)
            elif verbosity >= 2:
                self.stdout.write(f"Row {row.number}: unchanged {row.kind} {row.name}")
        where = f" under '{plan.parent.title}'" if plan.parent is not None and plan.to_create else ""
        if dry_run:
            self.stdout.write(f"Dry run: {plan.summary}{where}. Nothing was written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported: {len(plan.to_create)} created{where}, {len(plan.to_update)} updated, "
                    f"{len(plan.unchanged)} unchanged."
                )
            )

    def get_parent(self, slug):
        pages = list(PersonIndexPage.objects.filter(slug=slug).order_by("path"))
        if not pages:
            raise CommandError(f"There is no people index page with the slug {slug!r}.")
        if len(pages) > 1:
            urls = ", ".join(page.url_path for page in pages)
            raise CommandError(f"Several people index pages have the slug {slug!r} ({urls}).")
        return pages[0]

    def read(self, path):
        try:
            size = os.path.getsize(path)
            if size > MAX_FILE_SIZE:
                raise CommandError(
                    f"{os.path.basename(path)} is {size / 1024 / 1024:.1f} MB; "
                    f"the limit is {MAX_FILE_SIZE // 1024 // 1024} MB. Split it into smaller files."
                )
            with open(path, "rb") as handle:
                return handle.read(MAX_FILE_SIZE + 1)
        except OSError as exc:
            raise CommandError(f"Can't read {path}: {exc.strerror}.") from None
