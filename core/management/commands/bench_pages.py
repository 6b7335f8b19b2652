"""Print how fast each page type renders and how many SQL queries it costs: `make bench`."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Page, Site


class Command(BaseCommand):
    help = "Render one live page of every page type repeatedly and print median/p95 time and SQL queries."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Renders per page (default 30).")

    def handle(self, *args, runs, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            self.stderr.write("No default site: run `python manage.py load_demo` first.")
            return
        pages = {}
        for page in Page.objects.live().descendant_of(site.root_page, inclusive=True).specific().order_by("path"):
            pages.setdefault(type(page).__name__, page)
        paths = [(name, page.get_url()) for name, page in pages.items()]
        paths.append(("Search", "/search/?query=clinic"))

        host = site.hostname if site.hostname != "*" else "localhost"
        client = Client(HTTP_HOST=host)
        self.stdout.write(f"{'page':<22}{'path':<48}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
        with override_settings(ALLOWED_HOSTS=[host]):
            for name, path in paths:
                client.get(path)  # warm: renditions, caches
                timings = []
                for _ in range(runs):
                    started = time.perf_counter()
                    response = client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    client.get(path)
                p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
                status = "" if response.status_code == 200 else f"  (HTTP {response.status_code})"
                self.stdout.write(
                    f"{name:<22}{path[:46]:<48}{len(queries):>8}{statistics.median(timings):>11.1f}{p95:>9.1f}{status}"
                )
