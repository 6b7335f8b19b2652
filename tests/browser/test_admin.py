"""The Wagtail admin in a real browser: editing under its Content-Security-Policy, and two-step verification.

The admin's enforced policy keeps 'unsafe-inline' for script and style (Wagtail 8 still needs it) but nothing
else: no other host, no eval, no plugins. A Communications editor edits the apply page with the date pickers
and an inline panel, schedules it with the go-live picker and publishes it, and no enforced-policy violation
may appear in the console. The strict report-only policy beside it must report (that is how it names what
still needs 'unsafe-inline').
"""

import base64
import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageViewRestriction

from home.models import StandardPage
from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CSP_MESSAGE = re.compile(r"Content Security Policy", re.I)
REPORT_ONLY = "report-only"


def sign_in(page, base_url, username, password):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def pick_day(page, day, months_back=0):
    """Click `day` in the open date picker, after going back `months_back` months."""
    picker = page.locator(".xdsoft_datetimepicker:visible").first
    for _ in range(months_back):
        picker.locator(".xdsoft_prev").first.click()
    picker.locator(".xdsoft_date:not(.xdsoft_other_month)").filter(has_text=re.compile(rf"^{day}$")).first.click()


class RequestTracker:
    """Counts the page's requests in flight, so a step can wait until the admin's own background requests
    (autosave half a second after typing, side panels) are done: the live server shares one SQLite
    connection between its threads, and two requests at once can find a table locked."""

    def __init__(self, page):
        self.in_flight = 0
        page.on("request", self.started)
        page.on("requestfinished", self.finished)
        page.on("requestfailed", self.finished)

    def started(self, request):
        self.in_flight += 1

    def finished(self, request):
        self.in_flight -= 1

    def settle(self, page, quiet=0.8, timeout=10.0):
        """Wait until no request has been in flight for `quiet` seconds (longer than the autosave delay)."""
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            if self.in_flight <= 0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= quiet:
                    return
            else:
                quiet_since = None
            page.wait_for_timeout(50)


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture(scope="module")
def apply_page_id(demo_site, django_db_blocker):
    """Looked up outside the test's transaction: on SQLite, a read inside it would hold a lock on the page
    table that the live server's writes (autosave, publish) then run into."""
    from programs.models import ApplyPage

    with django_db_blocker.unblock():
        return ApplyPage.objects.live().values_list("pk", flat=True).first()


def test_editing_and_publishing_with_dates_and_inline_panels_violates_no_enforced_policy(
    demo_site, browser, apply_page_id, caplog
):
    from programs.models import ApplyPage, ApplyTimelineEvent

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    messages, errors = [], []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    requests = RequestTracker(page)
    try:
        sign_in(page, demo_site.url, "comms", "comms-demo")
        response = page.goto(f"{demo_site.url}/admin/pages/{apply_page_id}/edit/")
        policy = response.headers["content-security-policy"]
        assert "'unsafe-eval'" not in policy and "object-src 'none'" in policy
        assert "'unsafe-inline'" not in response.headers["content-security-policy-report-only"]
        requests.settle(page)

        # An inline panel: a new timeline date, its day chosen in the date picker.
        page.get_by_role("button", name="Add Date").click()
        index = int(page.locator("#id_timeline-TOTAL_FORMS").input_value()) - 1
        page.fill(f"#id_timeline-{index}-title", "Open house for applicants")
        page.click(f"#id_timeline-{index}-date")
        pick_day(page, 15)
        assert page.locator(f"#id_timeline-{index}-date").input_value().endswith("-15")
        requests.settle(page)

        # The go-live date, in the schedule dialog's date and time picker: the 10th of last month (at the
        # time of day the picker fills in), so publishing makes the page live now.
        page.locator("[data-side-panel-toggle='status']").click()
        status_panel = page.locator("[data-side-panel='status']")
        status_panel.get_by_role("button", name=re.compile("schedule", re.I)).first.click()
        page.click("#id_go_live_at")
        pick_day(page, 10, months_back=1)
        page.locator("#title-text-schedule-publishing-dialog").click()  # closes the picker, as a person would
        go_live = page.locator("#id_go_live_at").input_value()
        assert re.fullmatch(r"\d{4}-\d{2}-10 \d{2}:\d{2}", go_live), go_live
        page.get_by_role("button", name="Save schedule").click()
        requests.settle(page)

        page.get_by_role("button", name="More actions").click()
        page.locator("button[name=action-publish]").click()
        page.wait_for_load_state()
        assert f"/admin/pages/{apply_page_id}/edit/" not in page.url

        apply_page = ApplyPage.objects.get(pk=apply_page_id)
        assert apply_page.live and not apply_page.has_unpublished_changes
        assert timezone.localtime(apply_page.go_live_at).day == 10 and apply_page.go_live_at < timezone.now()
        assert ApplyTimelineEvent.objects.filter(page=apply_page, title="Open house for applicants").exists()

        enforced = [text for text in messages if CSP_MESSAGE.search(text) and REPORT_ONLY not in text]
        assert enforced == []
        assert errors == []
        # The strict report-only policy is working: it reported inline scripts, and the endpoint logged them.
        assert any(CSP_MESSAGE.search(text) and REPORT_ONLY in text for text in messages)
        assert wait_for(lambda: any("CSP report-only" in record.getMessage() for record in caplog.records))
    finally:
        context.close()


@pytest.mark.real_two_factor
def test_an_administrator_sets_up_two_step_verification_and_later_uses_a_recovery_code(demo_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, demo_site.url, "admin", "admin")
        assert "/admin/two-factor/setup/" in page.url
        assert page.locator(".two-factor-qr-code svg").is_visible()
        key = page.locator(".two-factor-qr-code code").inner_text().replace(" ", "")
        secret = base64.b32decode(key + "=" * (-len(key) % 8))
        page.fill("#id_code", f"{totp(secret):06d}")
        page.get_by_role("button", name="Turn on").click()
        page.wait_for_load_state()

        codes = page.locator(".two-factor-recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        page.get_by_role("link", name="Done").click()
        page.wait_for_load_state()
        assert page.url.rstrip("/").endswith("/admin")

        context.clear_cookies()
        sign_in(page, demo_site.url, "admin", "admin")
        assert "/admin/two-factor/verify/" in page.url
        page.fill("#id_code", codes[0])
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
        assert page.url.rstrip("/").endswith("/admin")
        assert "You used a recovery code; 9 left" in page.content()
    finally:
        context.close()


@pytest.fixture(scope="module")
def handbook(demo_site, django_db_blocker):
    """A demo page restricted to Communications, and Communications' authenticator, set up beforehand (committed,
    so the live server sees them; the demo fixture restores the database afterwards)."""
    with django_db_blocker.unblock():
        page = StandardPage.objects.live().order_by("path").first()
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(Group.objects.get(name="Communications"))
        comms = get_user_model().objects.get(username="comms")
        device = TOTPDevice.objects.create(user=comms, name="Authenticator app", confirmed=True)
        yield SimpleNamespace(url=page.url, title=page.title, secret=device.bin_key)


@pytest.mark.real_two_factor
def test_a_password_only_session_finishes_the_second_step_to_read_a_restricted_page(demo_site, browser, handbook):
    """Signed in with the password, Communications follows a link to a page restricted to them: the site asks for
    the authenticator's code first, then shows the page."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, demo_site.url, "comms", "comms-demo")
        assert "/admin/two-factor/verify/" in page.url  # the password alone opens nothing

        page.goto(demo_site.url + handbook.url)  # a link to the page, from an email say
        assert "/admin/two-factor/verify/" in page.url
        assert handbook.title not in page.content()
        page.get_by_label(re.compile("code", re.I)).first.press_sequentially(f"{totp(handbook.secret):06d}", delay=90)
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()

        assert page.url == demo_site.url + handbook.url
        assert page.get_by_role("heading", level=1).inner_text().strip() == handbook.title
    finally:
        context.close()
