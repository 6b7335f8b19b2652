"""The public pages in a real browser: accessibility, small screens, the content security policy, no JavaScript,
the keyboard, and nothing loaded from another host.

Each test visits one live page of every page type of the demo site (see `_pages_to_visit` in conftest.py) in
headless Chromium and reports every page that fails, not just the first.
"""

import time
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"small": {"width": 360, "height": 800}, "large": {"width": 1280, "height": 800}}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MIN_TARGET = 24  # CSS px, WCAG 2.2 SC 2.5.8 Target Size (Minimum)

# Undersized pointer targets at WCAG 2.5.8's level: a target passes if it is at least 24x24 px; or is a link
# inside a sentence (inline, with other text in the same block); or is spaced, i.e. a 24 px circle centred on
# it overlaps no other target and no other undersized target's circle. A link whose ::after is stretched over
# its positioned container (the card pattern in site.css) is measured by that container.
UNDERSIZED_TARGETS_JS = """
(min) => {
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
    const shown = (el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        // Off the canvas (the skip link until it is focused) is not a target a pointer can hit.
        return style.visibility !== "hidden" && box.width > 0 && box.height > 0
            && box.bottom + scrollY > 0 && box.right + scrollX > 0;
    };
    const targets = [...document.querySelectorAll(selector)].filter(shown);
    const area = (el) => {
        const after = getComputedStyle(el, "::after");
        if (after.content !== "none" && after.position === "absolute" && el.offsetParent) {
            return el.offsetParent.getBoundingClientRect();
        }
        return el.getBoundingClientRect();
    };
    const inSentence = (el) => {
        if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
        let block = el.parentElement;
        while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
        const norm = (text) => (text || "").replace(/\\s+/g, " ").trim();
        return block !== null && norm(block.textContent).length > norm(el.textContent).length;
    };
    const describe = (el) => {
        const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").replace(/\\s+/g, " ").trim();
        const classes = typeof el.className === "string" && el.className.trim()
            ? "." + el.className.trim().split(/\\s+/).join(".") : "";
        return `<${el.tagName.toLowerCase()}${classes}> "${text.slice(0, 50)}"`;
    };
    const boxes = targets.map(area);
    const centre = (box) => [box.left + box.width / 2, box.top + box.height / 2];
    const small = boxes.map((box, i) => (box.width < min || box.height < min) && !inSentence(targets[i]));
    const distanceToBox = ([x, y], box) =>
        Math.hypot(Math.max(box.left - x, 0, x - box.right), Math.max(box.top - y, 0, y - box.bottom));
    const problems = [];
    targets.forEach((el, i) => {
        if (!small[i]) return;
        const [x, y] = centre(boxes[i]);
        const crowding = targets.find((other, j) => {
            if (j === i || other.contains(el) || el.contains(other)) return false;
            if (distanceToBox([x, y], boxes[j]) < min / 2) return true;  // the circle touches the other target
            const [ox, oy] = centre(boxes[j]);
            return small[j] && Math.hypot(x - ox, y - oy) < min;  // or the other undersized target's circle
        });
        if (crowding) {
            const { width, height } = boxes[i];
            problems.push(`${describe(el)} is ${Math.round(width)}x${Math.round(height)} px and ` +
                `within ${min / 2} px of ${describe(crowding)}`);
        }
    });
    return problems;
}
"""

# Recorded from the first script of every document (DevTools injects it, so the page's CSP does not block it).
RECORD_CSP_VIOLATIONS_JS = """
window.__cspViolations = [];
window.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}` +
        (event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : "")
    );
}, true);
"""


# Resources a page would fetch, whichever srcset candidate this viewport picks.
RESOURCE_URLS_JS = """
() => [
    ...[...document.querySelectorAll("[src]")].map((el) => el.src),
    ...[...document.querySelectorAll("link[href]:not([rel~=canonical]):not([rel~=alternate])")].map((el) => el.href),
    ...[...document.querySelectorAll("[srcset]")].flatMap((el) =>
        el.srcset.split(",").map((candidate) => new URL(candidate.trim().split(/\\s+/)[0], document.baseURI).href)),
    ...[...document.querySelectorAll("[poster]")].map((el) => el.poster),
]
"""


def _fail_if(problems, what):
    assert not problems, f"{what}:\n  " + "\n  ".join(problems)


def _visit(page, url, status=200):
    response = page.goto(url)
    answered = response.status if response else "nothing"
    assert response is not None and response.status == status, f"{url} answered {answered}, not {status}"
    return response


def _wait_until(page, expression, what, timeout=10.0):
    """Poll `expression` until it is truthy.

    Not page.wait_for_function: with a string it evaluates it with eval() inside the page, which the site's
    CSP rightly refuses; page.evaluate goes through DevTools, which CSP does not govern.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"Timed out after {timeout} s waiting for {what}"
        page.wait_for_timeout(50)


def _load_every_image(page):
    """Load the images that loading="lazy" defers until they are scrolled to, and wait for every image."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach((image) => { image.loading = 'eager'; })")
    _wait_until(page, "[...document.images].every((image) => image.complete)", f"the images of {page.url}")


def test_no_axe_violations(demo_site, browser):
    """axe-core finds no WCAG 2.0/2.1 A and AA or WCAG 2.2 AA violations on any page, small screen or large."""
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    problems = []
    for viewport in VIEWPORTS.values():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for label, stop in demo_site.stops.items():
            path = stop.path
            _visit(page, demo_site.url + path, stop.status)
            # At the end of the page the phone's Apply/Contact bar rests after the footer. Anywhere else it sits
            # over the foot of the screen, and axe would measure whatever target happens to be under its edge
            # as too small; that the bar never hides focus is tested on its own (2.4.11, below).
            page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            for violation in axe.run(page, options=options).response["violations"]:
                nodes = violation["nodes"]
                problems.append(
                    f"{label} ({path}) at {viewport['width']} px: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']}; {len(nodes)} element(s), first {nodes[0]['target']}"
                )
        context.close()
    _fail_if(problems, "axe-core violations")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_layout(demo_site, browser, viewport):
    """At 360 and 1280 px wide nothing scrolls sideways, and every pointer target meets WCAG 2.5.8 (24 px, or
    spaced, or inline in a sentence)."""
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = []
    for label, stop in demo_site.stops.items():
        path = stop.path
        _visit(page, demo_site.url + path, stop.status)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide = page.evaluate(
                """(width) => [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
                    .slice(0, 3)
                    .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") || ""}">`)""",
                width,
            )
            problems.append(f"{label} ({path}): {scroll_width} px wide in a {width} px viewport; widest: {wide}")
        for target in page.evaluate(UNDERSIZED_TARGETS_JS, MIN_TARGET):
            problems.append(f"{label} ({path}): {target}")
    context.close()
    _fail_if(problems, f"Layout problems at {width} px")


def test_content_security_policy_holds(demo_site, browser):
    """Every page is served with a Content-Security-Policy, and breaks none of it: no violation events and no
    console errors (a blocked resource, a failed load or a script error would log one)."""
    context = browser.new_context(viewport=VIEWPORTS["large"])
    context.add_init_script(RECORD_CSP_VIOLATIONS_JS)
    page = context.new_page()
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(f"uncaught {error}"))
    problems = []
    for label, stop in demo_site.stops.items():
        path = stop.path
        console_errors.clear()
        response = _visit(page, demo_site.url + path, stop.status)
        policy = response.headers.get("content-security-policy", "")
        if "default-src" not in policy:
            problems.append(f"{label} ({path}): no Content-Security-Policy header with default-src ({policy!r})")
        _load_every_image(page)
        for violation in page.evaluate("window.__cspViolations"):
            problems.append(f"{label} ({path}): CSP violation: {violation}")
        for message in console_errors:
            if stop.status != 200 and message.startswith("Failed to load resource") and len(console_errors) == 1:
                continue  # the browser reports the page's own 404 status, which is the point of that page
            problems.append(f"{label} ({path}): console error: {message}")

    # The detector detects: an inline <style> added to the page must be reported and blocked.
    page.evaluate("""() => {
        const style = document.createElement("style");
        style.textContent = "body { outline: 9px solid red; }";
        document.head.append(style);
    }""")
    _wait_until(page, "window.__cspViolations.length > 0", "the CSP violation of an inline style", timeout=5)
    assert page.evaluate("getComputedStyle(document.body).outlineWidth") != "9px", "An inline style was applied"
    context.close()
    _fail_if(problems, "Content security policy problems")


def test_works_without_javascript(demo_site, browser):
    """With JavaScript off, on a phone: the menu opens and its links work, the directory's filters narrow the
    list, the curriculum's tables and the graduates' chart are there, and the apply page's FAQ answers open."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["small"])
    page = context.new_page()

    _visit(page, demo_site.url + demo_site.pages["home"])
    toggle = page.locator("details.menu > summary")
    links = page.locator("details.menu nav a")
    assert toggle.is_visible(), "The phone menu's button is missing"
    assert links.count() >= 3, f"Expected the main navigation's links, found {links.count()}"
    assert not links.first.is_visible(), "The phone menu should start closed"
    toggle.click()
    for index in range(links.count()):
        assert links.nth(index).is_visible(), f"Menu link {links.nth(index).inner_text()!r} hidden after opening"
    with page.expect_navigation():
        links.first.click()
    assert urlsplit(page.url).path != demo_site.pages["home"], "A menu link did not navigate"

    _visit(page, demo_site.url + demo_site.pages["faculty index"])
    before = _result_count(page)
    filters = page.locator("details.filters > summary")
    assert filters.is_visible(), "The filters' disclosure is missing"
    assert not page.locator("select[name=interest]").is_visible(), "On a phone the filters should start closed"
    filters.click()
    page.select_option("select[name=interest]", index=1)
    with page.expect_navigation():
        page.locator("details.filters form button[type=submit]").click()
    assert "interest=" in page.url, f"The filter form did not submit as a GET: {page.url}"
    assert 0 < _result_count(page) < before, "The interest filter did not narrow the list"

    _visit(page, demo_site.url + demo_site.pages["curriculum"])
    assert page.locator("table.schedule caption").count() >= 3, "The curriculum's tables are missing"
    assert page.locator(".week-grid").first.is_visible(), "The year-at-a-glance grid is missing"

    _visit(page, demo_site.url + demo_site.pages["graduates and outcomes"])
    assert page.locator("svg.chart__svg rect.chart__bar").count() >= 2, "The outcomes chart has no bars"
    assert page.locator("table.data-table tbody tr").count() >= 2, "The outcomes table has no rows"

    _visit(page, demo_site.url + demo_site.pages["apply"])
    question = page.locator("details.question").first
    answer = question.locator(".question__answer")
    assert not answer.is_visible(), "The FAQ answer should start closed"
    question.locator("summary").click()
    assert answer.is_visible(), "Clicking the FAQ question did not show its answer"
    assert question.get_attribute("open") is not None
    assert page.locator(".event").count() >= 1, "The apply page lists no open houses"
    context.close()


def test_print_and_reduced_motion(demo_site, browser):
    """On paper: no menus, buttons or phone bar, the curriculum's tables instead of its grid, links' addresses
    spelled out. With reduced motion asked for, nothing scrolls smoothly or slides."""
    context = browser.new_context(viewport=VIEWPORTS["large"], reduced_motion="reduce")
    page = context.new_page()
    _visit(page, demo_site.url + demo_site.pages["curriculum"])
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page.emulate_media(media="print")
    hidden = ["nav.main-nav", "details.menu", "nav.action-bar", ".year-grids", "nav.breadcrumbs", ".header-search"]
    shown = page.evaluate(
        "(selectors) => selectors.filter((s) => { const el = document.querySelector(s); "
        "return el && getComputedStyle(el).display !== 'none'; })",
        hidden,
    )
    assert not shown, f"Printed although they mean nothing on paper: {shown}"
    assert page.locator("table.schedule").first.is_visible(), "The curriculum's tables do not print"
    _visit(page, demo_site.url + demo_site.pages["apply"])
    after = page.evaluate(
        "getComputedStyle(document.querySelector(\".site-main a[href^='http']:not(.card__link)\"), '::after').content"
    )
    assert "http" in after, f"Printed links do not show their address: {after!r}"
    context.close()


def _result_count(page):
    """The number in the directory's "N people" summary."""
    return int(page.locator(".results-summary__count strong").inner_text())


def _tab_to(page, selector, what, limit=80):
    """Press Tab until `selector` has the focus, as a keyboard user would; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {what} ({selector})")


# The focused element, unless something else (the sticky Apply/Contact bar) covers its middle.
FOCUS_OBSCURED_JS = """
() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    const inView = box.bottom > 0 && box.top < innerHeight;
    return (!inView || top === el || el.contains(top) || (top && top.contains(el))) ? null
        : `${el.tagName.toLowerCase()} "${(el.innerText || el.value || "").trim().slice(0, 40)}" under ` +
          `${top ? top.tagName.toLowerCase() + "." + top.className : "nothing"}`;
}
"""


def test_phone_menu_with_the_keyboard(demo_site, browser):
    """On a phone, Tab reaches "Menu", Enter opens it, Tab moves into its links, Escape closes it and gives the
    focus back, and Enter on a link goes there."""
    context = browser.new_context(viewport=VIEWPORTS["small"])
    page = context.new_page()
    _visit(page, demo_site.url + demo_site.pages["home"])
    _tab_to(page, "details.menu > summary", "the Menu button")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('details.menu').open"), "Enter did not open the menu"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "menu__link" in focused, f"Tab after opening the menu focused {focused!r}, not its first link"
    assert page.locator(".menu__link").first.is_visible()
    page.keyboard.press("Escape")
    _wait_until(page, "!document.querySelector('details.menu').open", "Escape to close the menu", timeout=5)
    assert page.evaluate("document.activeElement.matches('details.menu > summary')"), "Focus did not return"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == target, f"Enter on {target} went to {page.url}"
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_directory_filters_with_the_keyboard(demo_site, browser, viewport):
    """Tab to a filter, choose with the arrow keys, Tab to the button and press Enter: the list narrows, the
    address says so (a link to bookmark), and each chosen filter has a link that removes it."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _visit(page, demo_site.url + demo_site.pages["faculty index"])
    before = _result_count(page)
    if not page.evaluate("document.querySelector('details.filters').open"):
        # On a phone the filters wait behind their disclosure, closed so the results start on the first screen.
        _tab_to(page, "summary.filters__summary", "the filters' disclosure")
        page.keyboard.press("Enter")
    _tab_to(page, "select[name=interest]", "the interest filter")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    assert chosen, "ArrowDown did not choose an interest"
    _tab_to(page, ".filters button[type=submit]", "the filter form's button", limit=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"interest={chosen}" in page.url, f"The address does not hold the filter: {page.url}"
    narrowed = _result_count(page)
    assert 0 < narrowed < before, f"{before} people before the filter, {narrowed} after"
    assert page.evaluate("document.querySelector('select[name=interest]').value") == chosen
    _tab_to(page, "a.chip--remove", "the link that removes the filter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "interest=" not in page.url and _result_count(page) == before, "Removing the filter did not undo it"
    context.close()


def test_apply_and_contact_stay_one_tap_away_on_a_phone(demo_site, browser):
    """On a phone the Apply/Contact bar is on screen however far the page scrolls, keyboard focus never hides
    behind it (WCAG 2.2 2.4.11), it hides nothing at the end of the page, and its links work from the keyboard."""
    context = browser.new_context(viewport=VIEWPORTS["small"])
    page = context.new_page()
    _visit(page, demo_site.url + demo_site.pages["program page"])
    bar = page.locator("nav.action-bar")
    hrefs = page.eval_on_selector_all("nav.action-bar a", "(links) => links.map((link) => link.href)")
    assert any(href.startswith("tel:+1") for href in hrefs), f"No tel: link with +1 in {hrefs}"
    assert any(href.startswith("mailto:") for href in hrefs), f"No mailto: link in {hrefs}"
    assert any("maps" in href for href in hrefs), f"No maps link in {hrefs}"
    height = VIEWPORTS["small"]["height"]
    for fraction in (0, 0.5):
        page.evaluate("(f) => window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * f)", fraction)
        box = bar.bounding_box()
        assert box and box["y"] + box["height"] <= height + 1 and box["y"] >= height - 100, f"Bar not on screen: {box}"

    # At the very end the bar has come to rest after the footer: the footer's last line is visible above it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = page.locator(".site-footer").bounding_box()
    assert footer["y"] + footer["height"] <= bar.bounding_box()["y"] + 1, "The bar covers the end of the page"

    page.evaluate("window.scrollTo(0, 0)")
    obscured = []
    for _ in range(60):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_OBSCURED_JS)
        if problem:
            obscured.append(problem)
        if page.evaluate("document.activeElement.closest('.action-bar') !== null"):
            break
    _fail_if(obscured, "Focused elements hidden behind the Apply/Contact bar")
    _visit(page, demo_site.url + demo_site.pages["program page"])
    _tab_to(page, "a.action-bar__link--apply", "the bar's Apply link", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == demo_site.pages["apply"], f"Apply led to {page.url}"
    context.close()


def test_calendar_downloads_are_icalendar(demo_site, browser):
    """The apply page's calendar links answer with iCalendar that a calendar app can read."""
    context = browser.new_context(viewport=VIEWPORTS["large"])
    page = context.new_page()
    _visit(page, demo_site.url + demo_site.pages["apply"])
    links = page.eval_on_selector_all(
        "a[download]",  # the calendar files; the open houses' registration links are pages
        "(links) => links.map((link) => link.href).filter((href) => href.startsWith('http'))",
    )
    assert links, "The apply page has no calendar links"
    for href in links[:2]:
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"].startswith("text/calendar"), href
        assert response.text().startswith("BEGIN:VCALENDAR"), href
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_skip_link(demo_site, browser, viewport):
    """The first Tab on the home page lands on a visible "Skip to main content" link; Enter moves focus to the
    main content."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _visit(page, demo_site.url + demo_site.pages["home"])

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({ className: document.activeElement.className, text: document.activeElement.textContent.trim() })"
    )
    assert focused["className"] == "skip-link", f"Tab focused {focused} first, not the skip link"
    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    assert skip.is_visible() and box is not None, "The focused skip link is not rendered"
    assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (
        f"The focused skip link is off screen: {box}"
    )
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, f"The skip link is too small: {box}"

    page.keyboard.press("Enter")
    _wait_until(page, "document.activeElement.id === 'main-content'", "focus to move to #main-content", timeout=5)
    assert urlsplit(page.url).fragment == "main-content"
    # Scrolled (smoothly) until the main content is at the top, or as far as the page scrolls.
    _wait_until(
        page,
        """Math.abs(document.getElementById("main-content").getBoundingClientRect().top) <= 1
            || scrollY >= document.documentElement.scrollHeight - innerHeight - 1""",
        "#main-content to scroll to the top of the viewport",
        timeout=5,
    )
    context.close()


def test_nothing_loads_from_another_host(demo_site, browser):
    """Every request a page makes (styles, images at every size, icons) goes to the site's own host."""
    requested, referenced = [], []
    for viewport in VIEWPORTS.values():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        for label, stop in demo_site.stops.items():
            _visit(page, demo_site.url + stop.path, stop.status)
            _load_every_image(page)
            referenced.extend((label, url) for url in page.evaluate(RESOURCE_URLS_JS))
        context.close()

    def elsewhere(url):  # data: URLs never touch the network; everything else must be this server
        return not url.startswith("data:") and urlsplit(url).netloc != demo_site.netloc

    assert len(requested) > 2 * len(demo_site.pages), f"Recorded only {len(requested)} requests"
    problems = sorted({f"requested {url}" for url in requested if elsewhere(url)})
    problems += sorted({f"{label} refers to {url}" for label, url in referenced if elsewhere(url)})
    _fail_if(problems, f"Resources from a host other than {demo_site.netloc}")
