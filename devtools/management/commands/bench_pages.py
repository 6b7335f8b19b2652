"""`make bench`: a printed benchmark (not a test) of the site's speed, in one run on one machine.

1. Requests per second through gunicorn (production settings, page cache on, 2 workers) for a cached
   page and for a static file served by the same server, and their ratio (goal: at least 0.8). Needs
   `wrk` (apt-get install wrk); skipped with a note without it.
2. Uncached render time (median and p95) and SQL queries for one live page of every type.
3. The people directory's render time and queries with 10 and with 1,000 faculty with photos (goal:
   within 1.2x), built inside a transaction that is rolled back, with media in a temporary directory.
"""

import logging
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Page, Site

from core.factories import CustomImageFactory
from people.directory import PEOPLE_PER_PAGE
from people.factories import FacultyPageFactory, PersonIndexPageFactory
from people.models import PersonIndexPage

BENCH_SECRET_KEY = "bench-only-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"


def server_port():
    """gunicorn's port: BENCH_PORT from the environment, else one the system says is free."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


class Command(BaseCommand):
    help = "Print requests/s through gunicorn, render time and queries per page type, and directory scaling."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Renders per page (default 30).")
        parser.add_argument("--seconds", type=int, default=5, help="Length of each wrk run (default 5).")
        parser.add_argument("--faculty", type=int, default=1000, help="Faculty in the large directory (default 1000).")
        parser.add_argument("--skip-http", action="store_true", help="Skip the gunicorn/wrk part.")
        parser.add_argument("--skip-directory", action="store_true", help="Skip the 10 vs 1,000 faculty part.")

    def handle(self, *args, runs, seconds, faculty, skip_http, skip_directory, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            self.stderr.write("No default site: run `python manage.py load_demo` first.")
            return
        self.host = site.hostname if site.hostname != "*" else "localhost"
        self.print_machine()
        # DEBUG off whatever the settings say: debug rendering (template debug info, the query log) is slower
        # than what visitors get, and the figures should be theirs.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[self.host, "localhost", "127.0.0.1"]):
            if not skip_http:
                self.bench_http(site, seconds)
            with override_settings(PAGE_CACHE_ENABLED=False):
                self.bench_page_types(site, runs)
                if not skip_directory:
                    self.bench_directory(site, runs, faculty)

    # -- the machine ------------------------------------------------------------------------

    def print_machine(self):
        cpu = ""
        cpuinfo = Path("/proc/cpuinfo")
        if cpuinfo.exists():
            match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
            cpu = match.group(1) if match else ""
        self.stdout.write(
            f"Machine: {os.cpu_count()} cores {cpu}, Python {platform.python_version()}, "
            f"database {connection.vendor}, cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
            "DEBUG off"
        )

    # -- 1. requests/s through gunicorn -----------------------------------------------------

    def bench_http(self, site, seconds):
        self.stdout.write("\n== Requests/s through gunicorn (2 workers, production settings, page cache on)")
        wrk = shutil.which("wrk")
        if wrk is None:
            self.stdout.write("   skipped: wrk is not installed (apt-get install wrk)")
            return
        page_path = site.root_page.specific.relative_url(site)
        with self.gunicorn() as base:
            home = self.fetch(base + page_path)
            stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home).group(1)
            self.fetch(base + page_path)  # stored
            # Two rounds, alternating, best of each: the client shares the machine's cores with the server.
            targets = (("static file", stylesheet), ("cached page", page_path))
            results = {label: (0.0, "") for label, _ in targets}
            for _ in range(2):
                for label, path in targets:
                    rate, latency = self.wrk(wrk, base + path, seconds)
                    if rate > results[label][0]:
                        results[label] = (rate, latency)
            for label, path in targets:
                rate, latency = results[label]
                self.stdout.write(f"   {label:<12} {path[:44]:<46}{rate:>10,.0f} req/s   avg latency {latency}")
            if results["static file"][0]:
                ratio = results["cached page"][0] / results["static file"][0]
                verdict = "meets" if ratio >= 0.8 else "misses"
                self.stdout.write(f"   ratio cached page / static file: {ratio:.2f} ({verdict} the goal of 0.8)")

    def fetch(self, url):
        request = urllib.request.Request(url, headers={"Host": self.host, "Accept-Encoding": "identity"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode()

    def wrk(self, wrk, url, seconds):
        command = [wrk, "-t2", "-c16", f"-d{seconds}s", "-H", f"Host: {self.host}", "-H", "Accept-Encoding: gzip", url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        latency = re.search(r"Latency\s+(\S+)", output).group(1)
        if "Non-2xx" in output:
            raise RuntimeError(f"wrk saw errors from {url}:\n{output}")
        if "Socket errors" in output:
            latency += "  (" + re.search(r"Socket errors: (.+)", output).group(1) + ")"
        time.sleep(1)  # let the closed connections' ports settle between runs
        return rate, latency

    @contextmanager
    def gunicorn(self):
        static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
        port = server_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
            "WAGTAILADMIN_BASE_URL": os.environ.get("WAGTAILADMIN_BASE_URL") or f"http://{self.host}:{port}",
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}",
            "PAGE_CACHE": "on",
            "SECURE_SSL_REDIRECT": "off",
            "ALLOWED_HOSTS": f"{self.host},localhost,127.0.0.1",
            "STATIC_ROOT": str(static_root),
            "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "2"),
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen(
            [str(gunicorn), "portal.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    self.fetch(base + "/")
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:  # a loaded machine: never leave a server behind
                process.kill()
                process.wait()
            shutil.rmtree(static_root, ignore_errors=True)

    # -- 2. uncached render time and queries per page type ------------------------------------

    def measure(self, client, path, runs):
        """(status, median ms, p95 ms, queries) of rendering `path` in this process, cache warm."""
        client.get(path, HTTP_HOST=self.host)  # warm: renditions, Wagtail's own caches
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST=self.host)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path, HTTP_HOST=self.host)
        return response.status_code, statistics.median(timings), percentile(timings, 0.95), len(queries)

    def bench_page_types(self, site, runs):
        self.stdout.write("\n== Uncached render time and SQL queries per page type (in-process, page cache off)")
        pages = {}
        for page in Page.objects.live().descendant_of(site.root_page, inclusive=True).specific().order_by("path"):
            pages.setdefault(type(page).__name__, page)
        paths = [(name, page.relative_url(site)) for name, page in pages.items()]
        paths.append(("Search", "/search/?query=clinic"))
        client = Client(raise_request_exception=False)
        self.stdout.write(f"   {'page':<22}{'path':<48}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
        for name, path in paths:
            status, median, p95, queries = self.measure(client, path, runs)
            note = "" if status == 200 else f"  (HTTP {status})"
            self.stdout.write(f"   {name:<22}{path[:46]:<48}{queries:>8}{median:>11.1f}{p95:>9.1f}{note}")

    # -- 3. the directory with 10 and with 1,000 faculty ------------------------------------------

    def bench_directory(self, site, runs, large):
        self.stdout.write(f"\n== The people directory with 10 and with {large:,} faculty with photos (rolled back)")
        media = tempfile.mkdtemp(prefix="bench-media-")
        client = Client(raise_request_exception=False)
        request_log = logging.getLogger("django.request")
        level, request_log.level = request_log.level, logging.CRITICAL  # a failing render is reported below
        try:
            with override_settings(MEDIA_ROOT=media), transaction.atomic():
                directory = self.build_directory(site)
                path = directory.relative_url(site)
                results = {}
                # 10 people fill less than a page; one full page (PEOPLE_PER_PAGE cards) is what every larger
                # directory shows, so it is the fair baseline for "does the cost grow with the number of people".
                for count in (10, PEOPLE_PER_PAGE, large):
                    self.add_faculty(directory, count - directory.get_children().count())
                    status, median, p95, queries = self.measure(client, path, max(5, runs // 3))
                    results[count] = median
                    note = "" if status == 200 else f"  (HTTP {status})"
                    self.stdout.write(
                        f"   {count:>5,} faculty: median {median:7.1f} ms, p95 {p95:7.1f} ms, {queries} queries{note}"
                    )
                for baseline in (10, PEOPLE_PER_PAGE):
                    ratio = results[large] / results[baseline]
                    verdict = "meets" if ratio <= 1.2 else "misses"
                    self.stdout.write(
                        f"   ratio {large:,} / {baseline}: {ratio:.2f}x ({verdict} the goal of 1.2x)"
                        + (
                            f"  (10 people show 10 cards; larger directories show a page of {PEOPLE_PER_PAGE})"
                            if baseline == 10
                            else ""
                        )
                    )
                transaction.set_rollback(True)
        finally:
            request_log.level = level
            shutil.rmtree(media, ignore_errors=True)

    def build_directory(self, site):
        return PersonIndexPageFactory(
            parent=site.root_page,
            title="Bench directory",
            slug="bench-directory",
            audience=PersonIndexPage.Audience.FACULTY,
        )

    def add_faculty(self, directory, count):
        start = directory.get_children().count()
        for number in range(start, start + count):
            FacultyPageFactory(
                parent=directory,
                slug=f"bench-faculty-{number}",
                first_name="Bench",
                last_name=f"Person {number:04d}",
                photo=CustomImageFactory(),
            )
