"""`make bench`: a printed benchmark (not a test) of the site's speed, in one run on one machine.

1. Uncached renders, in this process with the page cache off: CPU ms (median) and SQL queries of one live page of
   every type, twice: the first render after a publish (a new page-cache generation, nothing memoised) and a miss
   later in the same generation (the chrome and pictures memoised, core.generation_memo). Then the people
   directory's cost as a multiple of a standard page's: the median of per-round ratios, the two rendered
   alternately so that a busy machine slows both alike (goal: within 2x).
2. Through gunicorn (production settings, page cache on, 2 workers, a throwaway Redis when redis-server is
   installed, as production has): requests/s of a cached page against a static file, and their ratio (goal: at
   least 0.8; needs `wrk`, skipped with a note without it); then the time for the whole site to be warm again after
   a publish: every live page requested once, two at a time, right after a new generation.
3. The first view of a directory of 1,000 new faculty whose photos have no renditions yet (an import the worker
   has not caught up with): wall time of its first and second page and the renditions made in those requests
   (goal: under 1 s, none made), built inside a transaction that is rolled back, with media in a temporary
   directory.
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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Page, Site

from core.factories import CustomImageFactory
from core.models import CustomImage, CustomRendition
from core.page_cache import invalidate_now
from people.directory import PEOPLE_PER_PAGE
from people.factories import FacultyPageFactory, PersonIndexPageFactory
from people.models import PersonIndexPage

BENCH_SECRET_KEY = "bench-only-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"
DIRECTORY_GOAL = 2.0  # uncached directory within 2x a standard page's CPU time
CACHED_STATIC_GOAL = 0.8
FIRST_VIEW_GOAL_MS = 1000
CARD_MARKER = 'class="person-card"'


def free_port():
    """A port the system says is free."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_port():
    """gunicorn's port: BENCH_PORT from the environment, else a free one."""
    return int(os.environ["BENCH_PORT"]) if os.environ.get("BENCH_PORT") else free_port()


def wait_for_port(port, process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on port {port}")


class Command(BaseCommand):
    help = "Print uncached CPU time and queries per page type, cached vs static requests/s, re-warm time, first view."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15, help="Renders per page and kind (default 15).")
        parser.add_argument("--seconds", type=int, default=5, help="Length of each wrk run (default 5).")
        parser.add_argument("--faculty", type=int, default=1000, help="Faculty in the imported directory (1000).")
        parser.add_argument("--skip-http", action="store_true", help="Skip the gunicorn part.")
        parser.add_argument("--skip-import", action="store_true", help="Skip the 1,000-faculty first view.")

    def handle(self, *args, runs, seconds, faculty, skip_http, skip_import, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            self.stderr.write("No default site: run `python manage.py load_demo` first.")
            return
        self.host = site.hostname if site.hostname != "*" else "localhost"
        self.print_machine()
        # DEBUG off whatever the settings say: debug rendering (template debug info, the query log) is slower
        # than what visitors get, and the figures should be theirs.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[self.host, "localhost", "127.0.0.1"]):
            with override_settings(PAGE_CACHE_ENABLED=False):
                self.bench_page_types(site, runs)
            if not skip_http:
                self.bench_http(site, seconds)
            if not skip_import:
                with override_settings(PAGE_CACHE_ENABLED=False):
                    self.bench_first_view(site, faculty)

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

    # -- 1. uncached renders -------------------------------------------------------------------------

    def render(self, client, path, publish_first):
        """(CPU ms, status) of one render of `path`; `publish_first` starts a new generation before it."""
        if publish_first:
            invalidate_now()
        started = time.process_time()
        response = client.get(path, HTTP_HOST=self.host)
        return (time.process_time() - started) * 1000, response.status_code

    def queries(self, client, path, publish_first):
        if publish_first:
            invalidate_now()
        with CaptureQueriesContext(connection) as captured:
            client.get(path, HTTP_HOST=self.host)
        return len(captured)

    def bench_page_types(self, site, runs):
        self.stdout.write(
            "\n== Uncached renders, CPU ms (median) and SQL queries, in-process, page cache off"
            "\n   after a publish: a new generation, nothing memoised; later miss: the chrome and pictures memoised"
        )
        pages, largest_directory = {}, None
        for page in Page.objects.live().descendant_of(site.root_page, inclusive=True).specific().order_by("path"):
            pages.setdefault(type(page).__name__, page)
            if isinstance(page, PersonIndexPage) and page.program is None:
                largest_directory = largest_directory or page  # the site-wide one: a full page of 24 cards
        paths = [(name, page.relative_url(site)) for name, page in pages.items()]
        if largest_directory is not None and largest_directory != pages.get("PersonIndexPage"):
            paths.append(("PersonIndexPage, all", largest_directory.relative_url(site)))
        paths.append(("Search", "/search/?query=clinic"))
        client = Client(raise_request_exception=False)
        for _, path in paths:
            client.get(path, HTTP_HOST=self.host)  # renditions, Wagtail's own caches
        self.stdout.write(
            f"   {'page':<21}{'path':<40}{'after a publish':>17}{'queries':>8}{'later miss':>12}{'queries':>8}"
        )
        results = {}
        for name, path in paths:
            cold = [self.render(client, path, True) for _ in range(runs)]
            warm = [self.render(client, path, False) for _ in range(runs)]
            cold_queries, warm_queries = self.queries(client, path, True), self.queries(client, path, False)
            status = {code for _, code in cold + warm}
            note = "" if status == {200} else f"  (HTTP {', '.join(map(str, sorted(status)))})"
            cold_ms = statistics.median(ms for ms, _ in cold)
            warm_ms = statistics.median(ms for ms, _ in warm)
            results[name] = path
            self.stdout.write(
                f"   {name:<21}{path[:38]:<40}{cold_ms:>14.1f} ms{cold_queries:>8}{warm_ms:>9.1f} ms{warm_queries:>8}"
                + note
            )
        for name, label in (("PersonIndexPage", "directory"), ("PersonIndexPage, all", "site-wide directory")):
            if name in results and "StandardPage" in results:
                self.directory_ratio(client, results[name], results["StandardPage"], runs, label)
        if "PersonIndexPage" in results and "StandardPage" in results:
            self.full_faculty_directory_ratio(client, pages["PersonIndexPage"], results["StandardPage"], runs)

    def full_faculty_directory_ratio(self, client, directory, standard, runs):
        """The first directory again with a full page of faculty (24 cards), as a large track's would be: 40 more
        profiles with the demo's photos (their renditions exist), in a transaction that is rolled back."""
        people_index = PersonIndexPage.objects.live().filter(depth=directory.depth - 1).first() or directory
        photos = list(CustomImage.objects.filter(renditions__isnull=False).distinct()[:20])
        with transaction.atomic():
            for number in range(40):
                FacultyPageFactory(
                    parent=people_index if directory.program else directory,
                    slug=f"bench-full-page-{number}",
                    first_name="Bench",
                    last_name=f"Faculty {number:02d}",
                    roles="Core faculty, primary care clinic",
                    photo=photos[number % len(photos)] if photos else None,
                    programs=[directory.program] if directory.program else [],
                )
            invalidate_now()
            label = "directory with a full page"
            self.directory_ratio(client, directory.relative_url(directory.get_site()), standard, runs, label)
            transaction.set_rollback(True)
        invalidate_now()

    def directory_ratio(self, client, directory, standard, runs, label):
        html = client.get(directory, HTTP_HOST=self.host).content.decode()
        cards = f"{html.count(CARD_MARKER)} cards"
        total = re.search(r"Showing \S+ of <strong>(\d+)</strong>", html)
        cards += f" of {total.group(1)}" if total else ""
        name = f"{label} ({cards})"
        for when, publish_first in (("after a publish", True), ("later miss", False)):
            ratios = []
            for _ in range(runs):
                standard_ms, _ = self.render(client, standard, publish_first)
                directory_ms, _ = self.render(client, directory, publish_first)
                ratios.append(directory_ms / standard_ms)
            ratio = statistics.median(ratios)
            verdict = "meets" if ratio <= DIRECTORY_GOAL else "misses"
            self.stdout.write(
                f"   {name} / standard page, {when}: {ratio:.2f}x, median of {runs} alternating rounds "
                f"({verdict} the goal of {DIRECTORY_GOAL:g}x)"
            )

    # -- 2. through gunicorn --------------------------------------------------------------------------

    def bench_http(self, site, seconds):
        self.stdout.write("\n== Through gunicorn (2 workers, production settings, page cache on)")
        with self.redis() as redis_url, self.gunicorn(redis_url) as (base, env):
            self.stdout.write(f"   shared cache: {'Redis (throwaway)' if redis_url else 'files on local disk'}")
            page_path = site.root_page.specific.relative_url(site)
            home = self.fetch(base + page_path)[1].decode()
            self.fetch(base + page_path, "gzip")  # stored, as wrk asks for it
            wrk = shutil.which("wrk")
            if wrk is None:
                self.stdout.write("   requests/s skipped: wrk is not installed (apt-get install wrk)")
            else:
                stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home).group(1)
                self.requests_per_second(wrk, base, (("static file", stylesheet), ("cached page", page_path)), seconds)
            self.rewarm(site, base, env)

    def requests_per_second(self, wrk, base, targets, seconds, rounds=7):
        """Requests/s of each target, and the cached page's as a share of the static file's: the median of per-round
        ratios, each round running the two one after the other, as the CPU ratios are taken. The client shares the
        machine's cores with the server, and a busy machine moves both runs of a round alike; the best or median
        rate of each alone swung by a third from run to run here."""
        rates = {label: [] for label, _ in targets}
        latencies = {label: [] for label, _ in targets}
        for _ in range(rounds):
            for label, path in targets:
                rate, latency = self.wrk(wrk, base + path, seconds)
                rates[label].append(rate)
                latencies[label].append(latency)
        for label, path in targets:
            median = statistics.median(rates[label])
            self.stdout.write(
                f"   {label:<12} {path[:44]:<46}{median:>10,.0f} req/s (median of {rounds}; "
                f"{min(rates[label]):,.0f}-{max(rates[label]):,.0f})   avg latency {latencies[label][-1]}"
            )
        pairs = zip(rates["static file"], rates["cached page"], strict=True)
        ratios = [cached / static for static, cached in pairs if static]
        if ratios:
            ratio = statistics.median(ratios)
            verdict = "meets" if ratio >= CACHED_STATIC_GOAL else "misses"
            self.stdout.write(
                f"   ratio cached page / static file: {ratio:.2f}, median of {rounds} rounds "
                f"({min(ratios):.2f}-{max(ratios):.2f}; {verdict} the goal of {CACHED_STATIC_GOAL})"
            )

    def rewarm(self, site, base, env):
        """Publish (a new generation, from another process as an editor's would be), then ask for every live page
        once, two at a time, and time until the last is served."""
        paths = [page.relative_url(site) for page in Page.objects.live().descendant_of(site.root_page, inclusive=True)]
        for path in paths:
            self.fetch(base + path, "gzip")  # all warm before the publish
        command = "from core.page_cache import invalidate_now; invalidate_now()"
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", command], cwd=settings.BASE_DIR, env=env, check=True
        )
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = [status for status, _ in pool.map(lambda path: self.fetch(base + path, "gzip"), paths)]
        elapsed = time.perf_counter() - started
        misses = sum(1 for status in statuses if status == "miss")
        self.stdout.write(
            f"   whole site warm again after a publish: {elapsed:.2f} s for {len(paths)} pages "
            f"({misses} rendered, two requests at a time)"
        )

    def fetch(self, url, encoding="identity"):
        """(X-Page-Cache, body) of a GET of `url`."""
        request = urllib.request.Request(url, headers={"Host": self.host, "Accept-Encoding": encoding})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers.get("X-Page-Cache", ""), response.read()

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
    def redis(self):
        """A throwaway redis-server (as production shares one), or None to use the local-disk cache."""
        executable = shutil.which("redis-server")
        if executable is None or os.environ.get("REDIS_URL"):
            yield os.environ.get("REDIS_URL")
            return
        port = free_port()
        process = subprocess.Popen(
            [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port, process)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(10)

    @contextmanager
    def gunicorn(self, redis_url):
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
        if redis_url:
            env["REDIS_URL"] = redis_url
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
            yield base, env
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:  # a loaded machine: never leave a server behind
                process.kill()
                process.wait()
            shutil.rmtree(static_root, ignore_errors=True)

    # -- 3. the first view after an import -------------------------------------------------------------

    def bench_first_view(self, site, count):
        self.stdout.write(
            f"\n== First view of a directory of {count:,} new faculty whose photos have no renditions yet (rolled back)"
        )
        media = tempfile.mkdtemp(prefix="bench-media-")
        client = Client(raise_request_exception=False)
        request_log = logging.getLogger("django.request")
        level, request_log.level = request_log.level, logging.CRITICAL  # a failing render is reported below
        try:
            with override_settings(MEDIA_ROOT=media), transaction.atomic():
                directory = PersonIndexPageFactory(
                    parent=site.root_page,
                    title="Bench directory",
                    slug="bench-directory",
                    audience=PersonIndexPage.Audience.FACULTY,
                )
                started = time.perf_counter()
                for number in range(count):
                    FacultyPageFactory(
                        parent=directory,
                        slug=f"bench-faculty-{number}",
                        first_name="Bench",
                        last_name=f"Person {number:04d}",
                        photo=CustomImageFactory(renditions=False),  # as the import leaves them for the worker
                    )
                self.stdout.write(f"   built in {time.perf_counter() - started:.0f} s")
                path = directory.relative_url(site)
                invalidate_now()  # the import's publish
                for label, url in (("page 1", path), ("page 2", f"{path}?page=2")):
                    renditions = CustomRendition.objects.count()
                    started = time.perf_counter()
                    response = client.get(url, HTTP_HOST=self.host)
                    elapsed = (time.perf_counter() - started) * 1000
                    made = CustomRendition.objects.count() - renditions
                    verdict = "meets" if elapsed < FIRST_VIEW_GOAL_MS and not made else "misses"
                    note = "" if response.status_code == 200 else f"  (HTTP {response.status_code})"
                    self.stdout.write(
                        f"   first view of {label} ({PEOPLE_PER_PAGE} cards): {elapsed:.0f} ms, {made} renditions made "
                        f"in the request ({verdict} the goal of under {FIRST_VIEW_GOAL_MS} ms, none made){note}"
                    )
                transaction.set_rollback(True)
        finally:
            request_log.level = level
            shutil.rmtree(media, ignore_errors=True)
