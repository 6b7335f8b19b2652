"""Screenshots of every page type and state at phone and desktop widths, and of My profile and its review in
the admin: `make screenshots`.

Serves the site from this process (the database it is pointed at, with the demo loaded) and photographs each
stop of devtools.tour in Debian's Chromium, full page, into docs/screenshots/<stop>-<width>.png. The 500 page is
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

from devtools.tour import CHROMIUM, CHROMIUM_ARGS, Stop, tour

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
                    if not only or "my profile" in only.lower():
                        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                            self.photograph_self_service(browser, base, output)
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

    def photograph_self_service(self, browser, base, output):
        """My profile as the demo faculty member sees it (published, in review, changes requested) and the review
        as Communications sees it. Changes the demo database it runs on, which `make screenshots` throws away."""
        from playwright.sync_api import expect

        faculty = sign_in(browser, base, "faculty", "faculty-demo")
        faculty.goto(f"{base}/admin/my-profile/")
        self.admin_shot(faculty, output, "admin-my-profile-published", widths=(1280, 360))
        faculty.get_by_label("Biography").fill(
            "Dr. Lindqvist leads the residents' practice at Sorrel Court, where she teaches **transitions of care**."
            "\n\nOutside clinic she coaches the residency's running club."
        )
        faculty.get_by_role("button", name="Preview").click()
        self.admin_shot(faculty, output, "admin-my-profile-preview")
        faculty.get_by_role("button", name="Submit for review").click()
        self.admin_shot(faculty, output, "admin-my-profile-in-review", widths=(1280, 360))

        communications = sign_in(browser, base, "comms", "comms-demo")
        communications.get_by_role("button", name="Actions").click()
        self.admin_shot(communications, output, "admin-review-dashboard")
        communications.goto(
            base + communications.get_by_role("link", name="Compare with live version").get_attribute("href")
        )
        self.admin_shot(communications, output, "admin-review-compare")
        communications.goto(f"{base}/admin/")
        communications.get_by_role("button", name="Actions").click()
        communications.get_by_role("button", name="Request changes").click()
        dialog = communications.get_by_role("dialog")
        dialog.wait_for()
        communications.wait_for_timeout(500)  # the dialog fades in and takes the focus
        dialog.get_by_label("Comment").fill("Lovely. Could you add a sentence about your research interests?")
        dialog.get_by_role("button", name="Request changes").click()
        expect(communications.get_by_role("button", name="Actions")).to_have_count(0)  # nothing left to review

        faculty.goto(f"{base}/admin/my-profile/")
        self.admin_shot(faculty, output, "admin-my-profile-changes-requested", widths=(1280, 360))

    def admin_shot(self, page, output, name, widths=(1280,)):
        """The admin scrolls inside its own columns: photograph it in a viewport as tall as its content."""
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(300)
            height = page.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
            content = page.evaluate("(document.querySelector('main') || document.body).scrollHeight + 200")
            page.set_viewport_size({"width": width, "height": min(max(800, height, content), 4000)})
            path = output / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            shrink(path)
            self.stdout.write(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
        page.set_viewport_size({"width": 1280, "height": 800})


def sign_in(browser, base, username, password):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/admin/")
    return page


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
