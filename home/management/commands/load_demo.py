"""Build (or refresh) the demo site: `python manage.py load_demo`.

Idempotent: pages are found by slug under their parent and images by title, and
what already exists is left as it is, so running it again changes nothing and
duplicates nothing. Pass --refresh to bring existing demo pages back in line with
the demo content (a new revision only for pages that differ).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from core.site_address import address_of
from home.demo import content
from home.demo.builder import (
    ImageLoader,
    PageBuilder,
    Refs,
    Report,
    ensure_contact_settings,
    ensure_demo_users,
    ensure_editorial_demo,
    ensure_site,
    remove_welcome_page,
)
from home.models import HomePage
from people.models import FacultyPage, ResidentPage, latest_graduated_class


class Command(BaseCommand):
    help = "Build the demo site from the Primary Care Track seed. Safe to run again: it changes nothing that exists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also update existing demo pages, images' alt text and contact settings to match the demo content.",
        )

    def handle(self, *args, refresh=False, **options):
        started = time.monotonic()
        report = Report()
        images = ImageLoader(report, refresh=refresh)
        try:
            with transaction.atomic():
                users = ensure_demo_users()
                refs = Refs()
                for spec in content.image_specs():
                    refs.images[spec.key] = images.ensure(spec)

                home = HomePage.objects.first()
                if home is not None:
                    refs.pages["home"] = home.specific
                remove_welcome_page(report)

                PageBuilder(refs, report, refresh=refresh).build(content.page_specs())
                # At the address `make run` serves (HOST, PORT): canonical links, the sitemap and calendar files.
                ensure_site(refs.page("home"), content.SITE_NAME, report, address_of(settings.WAGTAILADMIN_BASE_URL))
                ensure_contact_settings(content.CONTACT_SETTINGS, report, refresh=refresh)
                users += ensure_editorial_demo(
                    refs.page("people"), refs.page(f"person:{content.person_key(content.DEMO_FACULTY_EDITOR)}")
                )
        except BaseException:
            images.remove_written_files()  # the database rolled back; don't leave its files behind
            raise

        self._summarise(report, users, time.monotonic() - started)

    def _summarise(self, report, users, seconds):
        write = self.stdout.write
        for note in report.notes:
            write(f"  {note}")
        write(
            f"Pages: {len(report.pages_created)} created, {len(report.pages_updated)} updated, "
            f"{len(report.pages_unchanged)} unchanged."
        )
        if report.pages_updated:
            write(f"  Updated: {', '.join(page.title for page in report.pages_updated)}.")
        cutoff = latest_graduated_class()
        residents = ResidentPage.objects.all()
        write(
            f"People: {FacultyPage.objects.count()} faculty, {residents.filter(graduation_year__gt=cutoff).count()} "
            f"current residents, {residents.filter(graduation_year__lte=cutoff).count()} graduates."
        )
        repaired = f", {report.images_repaired} redrawn" if report.images_repaired else ""
        write(f"Images: {report.images_created} created, {report.images_reused} reused{repaired}.")
        write(f"Done in {seconds:.1f} s.")
        admin_url = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{reverse('wagtailadmin_home')}"
        for user in users:
            if user.password_is_demo:
                write(self.style.SUCCESS(f"Login: {admin_url}  user {user.username}  password {user.password}"))
            else:
                write(f"Login: {admin_url}  user {user.username}  (existing account; its password was not changed)")
