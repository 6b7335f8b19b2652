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


def _visit(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"
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
        for label, path in demo_site.pages.items():
            _visit(page, demo_site.url + path)
            for violation in axe.run(page, options=options).response["violations"]:
                nodes = violation["nodes"]
                problems.append(
                    f"{label} ({path}) at {viewport['width']} px: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']}; {len(nodes)} element(s), first {nodes[0]['target']}"
                )
        context.close()
    _fail_if(problems, "axe-core violations")


def test_small_screen_layout(demo_site, browser):
    """At 360 px wide nothing scrolls sideways, and every pointer target meets WCAG 2.5.8 (24 px, or spaced, or
    inline in a sentence)."""
    width = VIEWPORTS["small"]["width"]
    context = browser.new_context(viewport=VIEWPORTS["small"])
    page = context.new_page()
    problems = []
    for label, path in demo_site.pages.items():
        _visit(page, demo_site.url + path)
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
    for label, path in demo_site.pages.items():
        console_errors.clear()
        response = _visit(page, demo_site.url + path)
        policy = response.headers.get("content-security-policy", "")
        if "default-src" not in policy:
            problems.append(f"{label} ({path}): no Content-Security-Policy header with default-src ({policy!r})")
        _load_every_image(page)
        for violation in page.evaluate("window.__cspViolations"):
            problems.append(f"{label} ({path}): CSP violation: {violation}")
        for message in console_errors:
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
    """With JavaScript off, the main navigation is there and the apply page's FAQ answers open."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["small"])
    page = context.new_page()

    _visit(page, demo_site.url + demo_site.pages["home"])
    links = page.locator("nav.main-nav a")
    assert links.count() >= 3, f"Expected the main navigation's links, found {links.count()}"
    for index in range(links.count()):
        link = links.nth(index)
        assert link.is_visible(), f"Main navigation link {link.inner_text()!r} is hidden without JavaScript"

    _visit(page, demo_site.url + demo_site.pages["apply"])
    question = page.locator("details.question").first
    answer = question.locator(".question__answer")
    assert not answer.is_visible(), "The FAQ answer should start closed"
    question.locator("summary").click()
    assert answer.is_visible(), "Clicking the FAQ question did not show its answer"
    assert question.get_attribute("open") is not None
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
        for label, path in demo_site.pages.items():
            _visit(page, demo_site.url + path)
            _load_every_image(page)
            referenced.extend((label, url) for url in page.evaluate(RESOURCE_URLS_JS))
        context.close()

    def elsewhere(url):  # data: URLs never touch the network; everything else must be this server
        return not url.startswith("data:") and urlsplit(url).netloc != demo_site.netloc

    assert len(requested) > 2 * len(demo_site.pages), f"Recorded only {len(requested)} requests"
    problems = sorted({f"requested {url}" for url in requested if elsewhere(url)})
    problems += sorted({f"{label} refers to {url}" for label, url in referenced if elsewhere(url)})
    _fail_if(problems, f"Resources from a host other than {demo_site.netloc}")
