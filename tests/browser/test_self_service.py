"""Faculty self-service as people use it, in headless Chromium against the demo site.

The demo faculty member signs in, opens My profile from the dashboard, types a new bio in bursts with
pauses longer than any autosave interval, uploads a photo with its description, previews and submits.
Communications then signs in and approves from the dashboard, or requests changes with a comment that
the faculty member reads on My profile.
"""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from wagtail.models import Revision, WorkflowState

from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.usefixtures("reads_take_no_locks")]

PAUSE_MS = 1500  # longer than Wagtail 8's autosave interval (500 ms): an autosave would have fired by now
TYPING_DELAY_MS = 12


def portrait_jpeg(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (480, 600), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def sign_in(browser, site, username, password, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site.url}/admin/login/")
    page.get_by_label("Username").press_sequentially(username, delay=TYPING_DELAY_MS)
    page.get_by_label("Password").press_sequentially(password, delay=TYPING_DELAY_MS)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/admin/")
    return page


def faculty_profile():
    from editorial.models import ProfileAccount

    return ProfileAccount.objects.select_related("page").get(user__username="faculty").page.specific


def review_states(profile):
    return WorkflowState.objects.for_instance(profile)


def public_text(browser, url):
    """The public page's main content as an anonymous visitor sees it, with the portrait's alt text."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    text = page.locator("main").inner_text()
    portraits = [img.get_attribute("alt") or "" for img in page.locator("main img").all()]
    context.close()
    return text, portraits


PORTRAIT_URLS = """picture => [
    picture.querySelector("img").getAttribute("src"),
    ...[...picture.querySelectorAll("source")].flatMap(
        source => source.srcset.split(",").map(candidate => candidate.trim().split(" ")[0])
    ),
]"""


def portrait_urls(frame_or_page, alt):
    """Every file the portrait with this alt text may load: its <img> src and each <source>'s srcset."""
    picture = frame_or_page.locator("picture", has=frame_or_page.get_by_alt_text(alt)).first
    return sorted(set(picture.evaluate(PORTRAIT_URLS)))


def anonymous_statuses(browser, site, urls):
    context = browser.new_context()
    try:
        return {context.request.get(site.url + url).status for url in urls}
    finally:
        context.close()


def open_my_profile(page):
    page.get_by_role("link", name="Edit my profile").click()
    expect(page.get_by_role("heading", name="Change your bio and photo")).to_be_visible()


def type_bio_in_bursts(page, profile, bursts):
    """Types each burst, then waits longer than an autosave would: nothing may be saved or sent meanwhile."""
    revisions = Revision.objects.for_instance(profile).count()
    reviews = review_states(profile).count()
    bio = page.get_by_label("Biography")
    bio.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for burst in bursts:
        bio.press_sequentially(burst, delay=TYPING_DELAY_MS)
        page.wait_for_timeout(PAUSE_MS)
        assert review_states(profile).count() == reviews, "something was sent for review while typing"
        assert Revision.objects.for_instance(profile).count() == revisions, "a revision was saved while typing"


def awaiting_review_row(page, title):
    panel = page.locator("section", has=page.get_by_role("heading", name="Awaiting your review"))
    return panel.get_by_role("row").filter(has_text=title)


def test_faculty_submit_and_communications_approve(demo_site, browser):
    profile = faculty_profile()
    old_bio = re.sub(r"<[^>]+>", "", profile.bio)
    public_url = f"{demo_site.url}{profile.url}"
    bursts = [
        "Dr. Lindqvist leads the residents' practice at Sorrel Court.",
        " She teaches **transitions of care** after a hospital stay.",
        "\n\nOutside clinic she coaches the residency's running club.",
    ]

    page = sign_in(browser, demo_site, "faculty", "faculty-demo")
    expect(page.get_by_text("Published: your profile is live.")).to_be_visible()
    open_my_profile(page)
    type_bio_in_bursts(page, profile, bursts)

    page.get_by_label("New photo", exact=True).set_input_files(
        files=[{"name": "grace.jpg", "mimeType": "image/jpeg", "buffer": portrait_jpeg("#7a3d6b")}]
    )
    page.get_by_label("Describe the new photo").press_sequentially(
        "Dr. Grace Lindqvist smiling in the clinic corridor", delay=TYPING_DELAY_MS
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("This is how your profile will look with your saved draft")).to_be_visible()
    preview = page.frame_locator("iframe[title='Preview of your profile']")
    expect(preview.get_by_text("Outside clinic she coaches the residency's running club.")).to_be_visible()
    expect(preview.locator("b", has_text="transitions of care")).to_be_visible()
    expect(preview.get_by_alt_text("Dr. Grace Lindqvist smiling in the clinic corridor")).to_be_visible()
    # The unapproved photo is private: its files come from the permission-checking view, under unguessable names;
    # the faculty member's own browser gets them, an anonymous visitor gets 404s.
    private_urls = portrait_urls(preview, "Dr. Grace Lindqvist smiling in the clinic corridor")
    assert len(private_urls) >= 3 and all(url.startswith("/admin/private-media/") for url in private_urls), private_urls
    assert {page.request.get(demo_site.url + url).status for url in private_urls} == {200}
    assert anonymous_statuses(browser, demo_site, private_urls) == {404}
    assert not review_states(profile).exists()
    assert old_bio in public_text(browser, public_url)[0]

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Sent to Communications for review.")).to_be_visible()
    expect(page.locator(".my-profile-status")).to_contain_text("In review")

    states = list(review_states(profile))
    assert [state.status for state in states] == [WorkflowState.STATUS_IN_PROGRESS]
    submitted = states[0].current_task_state.revision
    assert submitted.user.username == "faculty"
    submitted_bio = submitted.as_object().bio
    for text in ("leads the residents' practice at Sorrel Court.", "<b>transitions of care</b>", "running club."):
        assert text in submitted_bio
    text, portraits = public_text(browser, public_url)
    assert old_bio in text and "running club" not in text
    assert "Dr. Grace Lindqvist smiling in the clinic corridor" not in portraits

    reviewer = sign_in(browser, demo_site, "comms", "comms-demo")
    row = awaiting_review_row(reviewer, profile.title)
    expect(row).to_be_visible()
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    # Back on the dashboard, nothing is left to review.
    expect(reviewer.get_by_role("heading", name="Site summary")).to_be_visible()
    expect(awaiting_review_row(reviewer, profile.title)).to_have_count(0)

    text, portraits = public_text(browser, public_url)
    assert "Outside clinic she coaches the residency's running club." in text
    assert old_bio not in text
    assert "Dr. Grace Lindqvist smiling in the clinic corridor" in portraits
    # Approved: public media now, which anyone may load; the private copies are gone.
    visitor = browser.new_context().new_page()
    visitor.goto(public_url)
    public_urls = portrait_urls(visitor, "Dr. Grace Lindqvist smiling in the clinic corridor")
    visitor.context.close()
    assert all(url.startswith("/media/") for url in public_urls), public_urls
    assert anonymous_statuses(browser, demo_site, public_urls) == {200}
    assert {page.request.get(demo_site.url + url).status for url in private_urls} == {404}

    page.reload()
    expect(page.locator(".my-profile-status")).to_contain_text("Published")


def test_communications_request_changes_and_faculty_read_the_comment(demo_site, browser):
    profile = faculty_profile()
    page = sign_in(browser, demo_site, "faculty", "faculty-demo", viewport={"width": 360, "height": 780})
    page.goto(f"{demo_site.url}/admin/my-profile/")
    type_bio_in_bursts(page, profile, ["A bio that runs on far too long,", " with a sentence that never quite ends"])
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Sent to Communications for review.")).to_be_visible()

    reviewer = sign_in(browser, demo_site, "comms", "comms-demo")
    row = awaiting_review_row(reviewer, profile.title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Request changes").click()
    dialog = reviewer.get_by_role("dialog")
    comment = dialog.get_by_label("Comment")
    expect(dialog.get_by_role("button", name="Request changes")).to_be_visible()
    # The dialog fades in and then takes the focus itself; a person starts typing once it has appeared.
    expect(dialog).to_be_focused()
    comment.click()
    comment.press_sequentially("Please finish the last sentence and keep it to three.", delay=TYPING_DELAY_MS)
    expect(comment).to_have_value("Please finish the last sentence and keep it to three.")
    dialog.get_by_role("button", name="Request changes").click()
    expect(reviewer.get_by_role("heading", name="Site summary")).to_be_visible()
    expect(awaiting_review_row(reviewer, profile.title)).to_have_count(0)
    assert review_states(profile).get(status__in=["in_progress", "needs_changes"]).status == "needs_changes"

    page.reload()
    status = page.locator(".my-profile-status")
    expect(status).to_contain_text("Changes requested")
    expect(status).to_contain_text("Please finish the last sentence and keep it to three.")
    expect(status).to_contain_text("Casey Morgan")
    page.goto(f"{demo_site.url}/admin/")
    expect(page.get_by_text("Please finish the last sentence and keep it to three.")).to_be_visible()
