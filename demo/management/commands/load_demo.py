"""Build (or refresh) the demo site: `python manage.py load_demo`.

Reads the demo's content from demo/content/*.yaml (see demo/data.py).

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
from demo.data import load_content
from demo.images import ImageLoader
from demo.site import (
    ensure_contact_settings,
    ensure_demo_users,
    ensure_editorial_demo,
    ensure_site,
    remove_welcome_page,
)
from demo.tree import Refs, TreeBuilder
from editorial.roles import assign_review_workflow
from home.models import HomePage
from people.models import FacultyPage, ResidentPage, latest_graduated_class


class Command(BaseCommand):
    help = "Build the demo site from the data in demo/content/. Safe to run again: it changes nothing that exists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also update existing demo pages, images' alt text and contact settings to match the demo content.",
        )

    def handle(self, *args, refresh=False, **options):
        started = time.monotonic()
        content = load_content()
        notes = []
        images = ImageLoader(refresh=refresh)
        try:
            with transaction.atomic():
                users = ensure_demo_users()
                refs = Refs(images={spec.key: images.ensure(spec) for spec in content.images})
                home = HomePage.objects.first()
                if home is not None:
                    refs.pages["home"] = home.specific
                remove_welcome_page(notes)

                tree = TreeBuilder(refs, refresh=refresh)
                tree.build(content.nodes)
                # At the address `make run` serves (HOST, PORT): canonical links, the sitemap and calendar files.
                address = address_of(settings.WAGTAILADMIN_BASE_URL)
                ensure_site(refs.page("home"), content.site["site_name"], notes, address)
                ensure_contact_settings(content.site["contact_settings"], notes, refresh=refresh)
                users += ensure_editorial_demo(content.site["users"], refs)
                assign_review_workflow(refs.page(content.site["review_workflow_on"]))
        except BaseException:
            images.remove_written_files()  # the database rolled back; don't leave its files behind
            raise

        self._summarise(notes, tree.report, images, users, time.monotonic() - started)

    def _summarise(self, notes, report, images, users, seconds):
        write = self.stdout.write
        for note in notes:
            write(f"  {note}")
        write(
            f"Pages: {len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged."
        )
        if report.updated:
            write(f"  Updated: {', '.join(page.title for page in report.updated)}.")
        cutoff = latest_graduated_class()
        residents = ResidentPage.objects.all()
        write(
            f"People: {FacultyPage.objects.count()} faculty, {residents.filter(graduation_year__gt=cutoff).count()} "
            f"current residents, {residents.filter(graduation_year__lte=cutoff).count()} graduates."
        )
        repaired = f", {images.images_repaired} redrawn" if images.images_repaired else ""
        write(f"Images: {images.images_created} created, {images.images_reused} reused{repaired}.")
        write(f"Done in {seconds:.1f} s.")
        admin_url = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{reverse('wagtailadmin_home')}"
        for user in users:
            if user.password_is_demo:
                write(self.style.SUCCESS(f"Login: {admin_url}  user {user.username}  password {user.password}"))
            else:
                write(f"Login: {admin_url}  user {user.username}  (existing account; its password was not changed)")
