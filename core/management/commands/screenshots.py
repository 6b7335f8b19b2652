"""Screenshots of every page type and state at phone and desktop widths: `make screenshots`.

Serves the site from this process (the database it is pointed at, with the demo loaded) and photographs each
stop of core.tour in Debian's Chromium, full page, into docs/screenshots/<stop>-<width>.png. The 500 page is
rendered from its template, as Django would serve it.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.utils import modify_settings, override_settings
from wagtail.models import Site

from core.tour import CHROMIUM, CHROMIUM_ARGS, Stop, tour

ERROR_500_PATH = "/__screenshot-error-500__/"


class Command(BaseCommand):
    help = "Photograph every page type and state at 360 and 1280 px into docs/screenshots/ (needs the demo loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--widths", default="360,1280", help="Comma-separated viewport widths in CSS px.")
        parser.add_argument("--only", default="", help="Only the stops whose label contains this text.")

    def handle(self, *args, output, widths, only, **options):
        from playwright.sync_api import sync_playwright

        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("No default site: run `python manage.py load_demo` first.")
        stops, _, missing = tour(site)
        if missing:
            raise CommandError(f"The demo has no live {', '.join(missing)}: run `python manage.py load_demo`.")
        stops.append(Stop("server error", ERROR_500_PATH, status=500))
        stops = [stop for stop in stops if only.lower() in stop.label.lower()]
        output = Path(output)
        output.mkdir(parents=True, exist_ok=True)
        # With DEBUG on (as `make run` has it) Django answers a missing page with its technical 404: photograph the
        # page visitors get in production instead (rendered here, before Playwright's event loop starts).
        with override_settings(DEBUG=False):
            client = Client(HTTP_HOST="127.0.0.1")
            self.not_found_pages = {stop.path: client.get(stop.path).content for stop in stops if stop.status == 404}

        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=None, port=0)
        server.daemon = True
        with modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"}):
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            base = f"http://127.0.0.1:{server.port}"
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--font-render-hinting=none"]
                    )
                    for width in [int(value) for value in widths.split(",")]:
                        self.photograph(browser, base, stops, width, output)
                    browser.close()
            finally:
                server.terminate()

    def photograph(self, browser, base, stops, width, output):
        context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1)
        page = context.new_page()
        error_page = render_to_string("500.html")
        page.route(f"{base}{ERROR_500_PATH}", fulfil_with(500, error_page))
        for path, body in self.not_found_pages.items():
            page.route(f"{base}{path}", fulfil_with(404, body))
        for stop in stops:
            response = page.goto(base + stop.path, wait_until="networkidle")
            if response is None or response.status != stop.status:
                raise CommandError(f"{stop.path} answered {response.status if response else 'nothing'}")
            # Load what loading="lazy" defers, and wait for the fonts, so the picture is the finished page.
            page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach((img) => { img.loading = 'eager'; })")
            # Polled through DevTools: wait_for_function would eval() in the page, which the site's CSP refuses.
            for _ in range(200):
                if page.evaluate("[...document.images].every((img) => img.complete)"):
                    break
                page.wait_for_timeout(50)
            page.evaluate("document.fonts.ready.then(() => true)")
            path = output / f"{stop.slug}-{width}.png"
            # The whole page in one viewport, so the phone's Apply/Contact bar is drawn where it comes to rest
            # (after the footer) rather than across the middle of a full-page picture.
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(path), full_page=True)
            page.set_viewport_size({"width": width, "height": 800})
            shrink(path)
            self.stdout.write(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
        context.close()


def fulfil_with(status, body):
    """A Playwright route handler that answers with `body` and `status` instead of asking the server."""

    def handler(route):
        route.fulfill(status=status, body=body, content_type="text/html; charset=utf-8")

    return handler


def shrink(path):
    """Re-save the PNG with a 256-colour palette: a third of the size in the repository, and still faithful to
    a page of flat colours (a gradient may band a little)."""
    from PIL import Image

    with Image.open(path) as picture:
        palette = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    palette.save(path, optimize=True)
