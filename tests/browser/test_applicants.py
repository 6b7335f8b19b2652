"""Applicants reaching the program, in a real browser, as a person: a question from a phone (the proof-of-work
solving in the page, the thanks, Communications reading it in the admin, the notification sent), registering for
an open house and finding the .ics in the email, two people taking the last seat at once, a cancellation moving
the waitlist up; axe on every new page and state at 360 and 1280 px, with and without JavaScript, and the strict
CSP holding while the challenge is solved."""

import datetime
import time
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from admissions.emails import cancel_url
from admissions.models import Question, Registration
from programs.models import ApplyPage, OpenHouse
from tests.browser.conftest import CHROMIUM
from tests.browser.test_pages import RECORD_CSP_VIOLATIONS_JS, VIEWPORTS, WCAG_TAGS, _fail_if, _visit, _wait_until

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.usefixtures("reads_take_no_locks")]

TYPING_DELAY_MS = 25
SOLVED_JS = "(() => { const input = document.querySelector('altcha-widget input[name=challenge]'); "
SOLVED_JS += "return !!(input && input.value); })()"


@pytest.fixture(scope="module")
def sessions(demo_site, django_db_blocker):
    """Two open houses of the demo's apply page made for these tests (committed, so the server sees them): one with
    a single seat for the race, one with room for the registration journey."""
    with django_db_blocker.unblock():
        apply_page = ApplyPage.objects.live().first()
        day = timezone.localdate() + datetime.timedelta(days=21)
        common = {"page": apply_page, "date": day, "start_time": datetime.time(17), "end_time": datetime.time(18)}
        last_seat = OpenHouse.objects.create(title="Small-group clinic tour", capacity=1, **common)
        roomy = OpenHouse.objects.create(title="Evening open house", capacity=30, **common)
        # A full session with one person of each state, for the checks that look at every state's page.
        booked = OpenHouse.objects.create(title="Residents' lunch", capacity=1, **common)
        states = {}
        for number, status in enumerate(("confirmed", "waitlisted", "cancelled")):
            states[status] = Registration.objects.create(
                open_house=booked,
                name=f"Sample Person {number}",
                email=f"sample{number}@example.com",
                medical_school="Example School of Medicine",
                status=status,
                cancelled_at=timezone.now() if status == "cancelled" else None,
            )
    return {"last_seat": last_seat, "roomy": roomy, "booked": booked, "states": states}


def refuse_scripts(route):
    if route.request.resource_type == "script":
        route.abort()
    else:
        route.continue_()


def new_page(browser, viewport="small", javascript=True):
    """A page at the named size. Without JavaScript every script the site loads is refused (its CSP allows no inline
    script, so that is all of them): Playwright's java_script_enabled=False would also stop page.evaluate, through
    which axe and these tests read the page, and the first evaluate would wait forever."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    if not javascript:
        context.route("**/*", refuse_scripts)
    context.add_init_script(RECORD_CSP_VIOLATIONS_JS)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught {error}"))
    page.console_errors = errors
    return page


def type_into(page, label, text):
    field = page.get_by_label(label, exact=True)
    field.click()
    field.press_sequentially(text, delay=TYPING_DELAY_MS)


def wait_for_challenge(page):
    _wait_until(page, SOLVED_JS, "the proof-of-work to be solved", timeout=60)


def register(page, base, open_house, name, email):
    _visit(page, f"{base}/applicants/open-houses/{open_house.pk}/register/")
    type_into(page, "Your name", name)
    type_into(page, "Your email address", email)
    type_into(page, "Your medical school", "Example School of Medicine")
    wait_for_challenge(page)


def test_an_applicant_on_a_phone_asks_a_question_and_communications_read_it(demo_site, browser):
    mail.outbox.clear()
    page = new_page(browser, "small")
    _visit(page, demo_site.url + demo_site.pages["program page"])
    page.get_by_role("link", name="Ask us a question").first.click()
    form = page.locator("#ask form")
    assert form.is_visible(), "With JavaScript the form replaces the email fallback"
    assert not page.locator("#question-form-fallback").is_visible()
    type_into(page, "Your name", "Priya Natarajan")
    type_into(page, "Your email address", "priya.natarajan@example.com")
    type_into(page, "Your question", "Can a resident keep the same continuity clinic for all three years?")
    page.get_by_label("A medical student").check()
    wait_for_challenge(page)
    page.get_by_role("button", name="Send your question").click()
    page.wait_for_url("**/applicants/questions/thanks/**")
    assert page.get_by_role("heading", name="Thank you: your question is on its way").is_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    question = Question.objects.get(email="priya.natarajan@example.com")
    assert question.program.title == "Primary Care Track"
    notification = next(email for email in mail.outbox if email.subject.startswith("Question from Priya Natarajan"))
    assert notification.reply_to == ["priya.natarajan@example.com"]
    assert any(email.to == ["priya.natarajan@example.com"] for email in mail.outbox)

    admin = new_page(browser, "large")
    admin.goto(demo_site.url + "/admin/login/")
    admin.get_by_label("Username").press_sequentially("comms", delay=TYPING_DELAY_MS)
    admin.get_by_label("Password").press_sequentially("comms-demo", delay=TYPING_DELAY_MS)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(demo_site.url + "/admin/")
    admin.goto(demo_site.url + "/admin/applicants/questions/")
    admin.get_by_role("link", name="Priya Natarajan").click()
    question_text = "Can a resident keep the same continuity clinic for all three years?"
    assert admin.locator("textarea[name=question]").input_value() == question_text
    admin.get_by_label("Answered").check()
    # Wait for the save's redirect before reading the database: the live server shares the test's in-memory
    # SQLite connection, so reading while it writes would collide there (never in a real deployment).
    with admin.expect_navigation(url="**/admin/applicants/questions/"):
        admin.get_by_role("button", name="Save", exact=True).click()
    assert admin.get_by_text("updated", exact=False).first.is_visible(), admin.content()[:2000]
    question.refresh_from_db()
    assert question.answered is True, admin.content()[:2000]


def test_an_applicant_registers_and_finds_the_ics_in_the_email(demo_site, browser, sessions):
    mail.outbox.clear()
    page = new_page(browser, "small")
    register(page, demo_site.url, sessions["roomy"], "Tomás Ibarra", "tomas.ibarra@example.com")
    page.get_by_role("button", name="Reserve my seat").click()
    page.wait_for_url("**/applicants/open-houses/registration/**")
    assert page.get_by_role("heading", name="You have a seat").is_visible()
    assert page.evaluate("window.__cspViolations") == []
    (email,) = [email for email in mail.outbox if email.to == ["tomas.ibarra@example.com"]]
    (attachment,) = email.attachments
    assert attachment[0] == "evening-open-house.ics"
    event = Calendar.from_ical(attachment[1]).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Evening open house (PCT)"


def test_the_last_seat_taken_by_two_browsers_at_once_and_a_cancellation_moves_the_waitlist_up(
    demo_site, browser, sessions
):
    open_house = sessions["last_seat"]
    first, second = new_page(browser, "small"), new_page(browser, "large")
    register(first, demo_site.url, open_house, "Ana First", "ana.first@example.com")
    register(second, demo_site.url, open_house, "Ben Second", "ben.second@example.com")
    # Both press the button at the same moment: each page submits its form at the same wall-clock instant.
    at = int(time.time() * 1000) + 1500
    submit_at = (
        "(at) => setTimeout(() => document.querySelector('form[data-applicant-form]').requestSubmit(), at - Date.now())"
    )
    first.evaluate(submit_at, at)
    second.evaluate(submit_at, at)
    first.wait_for_url("**/applicants/open-houses/registration/**", timeout=30_000)
    second.wait_for_url("**/applicants/open-houses/registration/**", timeout=30_000)

    headings = sorted(page.locator("h1").inner_text() for page in (first, second))
    assert headings == ["You are on the waitlist", "You have a seat"]
    registrations = Registration.objects.filter(open_house=open_house)
    assert registrations.filter(status="confirmed").count() == 1
    assert registrations.filter(status="waitlisted").count() == 1

    seated = first if first.locator("h1").inner_text() == "You have a seat" else second
    waiting = second if seated is first else first
    seated.get_by_role("button", name="Cancel my registration").click()
    seated.wait_for_url("**?cancelled=1")
    assert seated.get_by_role("heading", name="Your registration is cancelled").is_visible()
    waiting.reload()
    assert waiting.get_by_role("heading", name="You have a seat").is_visible()


def test_no_axe_violations_on_the_applicants_pages_with_and_without_javascript(demo_site, browser, sessions):
    """Every new page and state at 360 and 1280 px, with JavaScript (the forms) and without (the email fallback)."""
    open_house = sessions["roomy"]
    full = sessions["booked"]
    registrations = sessions["states"]
    urls = {
        "track with the questions form": demo_site.pages["program page"] + "#ask",
        "contact page": demo_site.pages["contact page"],
        "questions page": "/applicants/questions/",
        "questions thanks": "/applicants/questions/thanks/",
        "register": f"/applicants/open-houses/{open_house.pk}/register/",
        "register, full": f"/applicants/open-houses/{full.pk}/register/",
    }
    for status, registration in registrations.items():
        urls[f"registration {status}"] = urlsplit(cancel_url(registration)).path
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    problems = []
    for javascript in (True, False):
        for viewport in VIEWPORTS:
            page = new_page(browser, viewport, javascript)
            for label, path in urls.items():
                _visit(page, demo_site.url + path)
                if javascript and page.locator("form[data-applicant-form]").count():
                    _wait_until(page, "!document.querySelector('form[data-applicant-form]').hidden", "the form")
                page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
                for violation in axe.run(page, options=options).response["violations"]:
                    where = f"{label} at {VIEWPORTS[viewport]['width']} px, JavaScript {'on' if javascript else 'off'}"
                    problems.append(
                        f"{where}: {violation['id']}: {violation['help']} ({violation['nodes'][0]['target']})"
                    )
                if not javascript and page.locator("form[data-applicant-form]").count():
                    fallback = page.locator(".applicant-form__fallback")
                    if not fallback.is_visible() or "mailto:" not in fallback.inner_html():
                        problems.append(f"{label} without JavaScript: no email address offered instead of the form")
                if javascript and page.evaluate("window.__cspViolations"):
                    problems.append(f"{label}: CSP violations {page.evaluate('window.__cspViolations')}")
            page.context.close()
    _fail_if(problems, "Applicants' pages")


def test_the_wellness_page_has_no_paragraphs_posing_as_headings(demo_site, browser):
    """The userbar's accessibility checker (axe's p-as-heading) found four on the wellness page, from our template."""
    page = new_page(browser, "large")
    _visit(page, demo_site.url + demo_site.pages["standard page"])
    result = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["p-as-heading"]}})
    assert result.response["violations"] == []


def test_on_a_phone_the_directory_results_start_on_the_first_screen(demo_site, browser):
    page = new_page(browser, "small")
    _visit(page, demo_site.url + demo_site.pages["faculty index"])
    first_result = page.locator(".person-card, .directory__results li").first
    assert first_result.bounding_box()["y"] < 800, "The first result should be on the first screen"
    wide = new_page(browser, "large")
    _visit(wide, demo_site.url + demo_site.pages["faculty index"])
    assert wide.locator("select[name=interest]").is_visible(), "On a wide screen the filters are open beside the list"


def test_the_curriculum_keeps_its_sections_apart(demo_site, browser):
    page = new_page(browser, "large")
    _visit(page, demo_site.url + demo_site.pages["curriculum"])
    tables_bottom = page.evaluate("document.querySelector('.schedule-tables').getBoundingClientRect().bottom")
    more_top = page.evaluate("document.querySelector('.curriculum-more').getBoundingClientRect().top")
    assert more_top - tables_bottom >= 32, (
        f"Only {more_top - tables_bottom} px between the year tables and what follows"
    )
