"""The scoring rules of Mozilla's HTTP Observatory, applied to one response's headers (and body, for SRI).

After the published methodology (MDN "HTTP Observatory: Tests & Scoring"): every site starts at 100, each test
gives one result with a modifier, penalties are applied first, and bonuses only if the score is still 90 or
more. The tests: Content-Security-Policy, cookies, CORS, redirection, Referrer-Policy, Strict-Transport-Security,
Subresource Integrity, X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors) and
Cross-Origin-Resource-Policy. The HSTS preload bonus needs the host in the browsers' preload list, which no test
response can show, so it is never given; CORP's absence scores 0, as the live scanner reports it.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

SIX_MONTHS = 15_768_000
PRIVATE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
UNSAFE_REFERRER_POLICIES = {"origin", "origin-when-cross-origin", "unsafe-url"}
VALID_REFERRER_POLICIES = PRIVATE_REFERRER_POLICIES | UNSAFE_REFERRER_POLICIES | {"no-referrer-when-downgrade"}
BROAD_SOURCES = {"*", "http:", "https:", "data:", "blob:", "filesystem:"}


@dataclass
class Result:
    test: str
    result: str
    modifier: int


@dataclass
class Score:
    results: list = field(default_factory=list)

    @property
    def score(self):
        penalties = sum(r.modifier for r in self.results if r.modifier < 0)
        bonuses = sum(r.modifier for r in self.results if r.modifier > 0)
        score = 100 + penalties
        if score >= 90:
            score += bonuses
        return max(score, 0)

    def summary(self):
        return ", ".join(f"{r.result} ({r.modifier:+d})" for r in self.results if r.modifier)


def parse_csp(value):
    """{directive: [sources]} of a policy header; the first occurrence of a directive wins, as in browsers."""
    policy = {}
    for part in value.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not re.fullmatch(r"[a-z-]+", name):
            raise ValueError(f"not a directive: {name!r}")
        policy.setdefault(name, [token.lower() for token in tokens[1:]])
    return policy


def csp_test(headers):
    value = headers.get("Content-Security-Policy")
    if not value:
        return Result("content-security-policy", "csp-not-implemented", -25)
    try:
        policy = parse_csp(value)
    except ValueError:
        return Result("content-security-policy", "csp-header-invalid", -25)

    default = policy.get("default-src")
    script = policy.get("script-src", default)
    objects = policy.get("object-src", default)
    style = policy.get("style-src", default)
    has_nonce_or_hash = script is not None and any(s.startswith(("'nonce-", "'sha")) for s in script)

    if script is None or objects is None:
        return Result("content-security-policy", "csp-implemented-with-unsafe-inline", -20)
    if ("'unsafe-inline'" in script and not has_nonce_or_hash) or BROAD_SOURCES & set(script):
        return Result("content-security-policy", "csp-implemented-with-unsafe-inline", -20)
    if BROAD_SOURCES - {"data:", "blob:"} & set(objects):
        return Result("content-security-policy", "csp-implemented-with-unsafe-inline", -20)
    active = [s for name, sources in policy.items() if name not in ("img-src", "media-src") for s in sources]
    if any(s == "http:" or s.startswith("http://") for s in active):
        return Result("content-security-policy", "csp-implemented-with-insecure-scheme", -20)
    if "'unsafe-eval'" in script:
        return Result("content-security-policy", "csp-implemented-with-unsafe-eval", -10)
    passive = policy.get("img-src", []) + policy.get("media-src", [])
    if any(s == "http:" or s.startswith("http://") for s in passive):
        return Result("content-security-policy", "csp-implemented-with-insecure-scheme-in-passive-content-only", -10)
    if style is not None and ("'unsafe-inline'" in style or BROAD_SOURCES & set(style)):
        return Result("content-security-policy", "csp-implemented-with-unsafe-inline-in-style-src-only", 0)
    if default == ["'none'"]:
        return Result("content-security-policy", "csp-implemented-with-no-unsafe-default-src-none", 10)
    return Result("content-security-policy", "csp-implemented-with-no-unsafe", 5)


def cookies_test(response, hsts):
    cookies = [morsel for morsel in response.cookies.values() if morsel.value or morsel["max-age"] != 0]
    if not cookies:
        return Result("cookies", "cookies-not-found", 0)
    results = []
    for cookie in cookies:
        name = cookie.key.lower()
        session = "sess" in name or "login" in name
        anti_csrf = "csrf" in name
        samesite = (cookie["samesite"] or "").lower()
        if not cookie["secure"]:
            if session:
                results.append(
                    ("cookies-session-without-secure-flag-but-protected-by-hsts", -10)
                    if hsts
                    else ("cookies-session-without-secure-flag", -40)
                )
            else:
                results.append(
                    ("cookies-without-secure-flag-but-protected-by-hsts", -5)
                    if hsts
                    else ("cookies-without-secure-flag", -20)
                )
        if session and not cookie["httponly"]:
            results.append(("cookies-session-without-httponly-flag", -30))
        if samesite and samesite not in ("strict", "lax", "none"):
            results.append(("cookies-samesite-flag-invalid", -20))
        if anti_csrf and not samesite:
            results.append(("cookies-anticsrf-without-samesite-flag", -20))
    if results:
        worst = min(results, key=lambda item: item[1])
        return Result("cookies", *worst)
    if all((cookie["samesite"] or "").lower() in ("strict", "lax") for cookie in cookies):
        return Result("cookies", "cookies-secure-with-httponly-sessions-and-samesite", 5)
    return Result("cookies", "cookies-secure-with-httponly-sessions", 0)


def cors_test(headers, origin_sent):
    allowed = headers.get("Access-Control-Allow-Origin")
    if not allowed:
        return Result("cors", "cross-origin-resource-sharing-not-implemented", 0)
    if allowed == origin_sent and headers.get("Access-Control-Allow-Credentials", "").lower() == "true":
        return Result("cors", "cross-origin-resource-sharing-implemented-with-universal-access", -50)
    if allowed == "*":
        return Result("cors", "cross-origin-resource-sharing-implemented-with-public-access", 0)
    return Result("cors", "cross-origin-resource-sharing-implemented-with-restricted-access", 0)


def redirection_test(http_response, host):
    """`http_response`: the answer to the same URL asked over plain http."""
    if http_response.status_code not in (301, 302, 303, 307, 308):
        return Result("redirection", "redirection-missing", -20)
    target = urlsplit(http_response["Location"])
    if target.scheme != "https":
        return Result("redirection", "redirection-not-to-https", -20)
    if target.hostname != host:
        return Result("redirection", "redirection-off-host-from-http", -5)
    return Result("redirection", "redirection-to-https", 0)


def referrer_test(headers):
    value = headers.get("Referrer-Policy")
    if not value:
        return Result("referrer-policy", "referrer-policy-not-implemented", 0)
    valid = [token.strip().lower() for token in value.split(",") if token.strip().lower() in VALID_REFERRER_POLICIES]
    if not valid:
        return Result("referrer-policy", "referrer-policy-header-invalid", -5)
    effective = valid[-1]  # browsers use the last policy they understand
    if effective in PRIVATE_REFERRER_POLICIES:
        return Result("referrer-policy", "referrer-policy-private", 5)
    if effective in UNSAFE_REFERRER_POLICIES:
        return Result("referrer-policy", "referrer-policy-unsafe", -5)
    return Result("referrer-policy", "referrer-policy-no-referrer-when-downgrade", 0)


def hsts_test(headers):
    value = headers.get("Strict-Transport-Security")
    if not value:
        return Result("strict-transport-security", "hsts-not-implemented", -20)
    match = re.search(r"(?:^|;)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:;|$)", value, re.I)
    if not match:
        return Result("strict-transport-security", "hsts-header-invalid", -20)
    if int(match.group(1)) < SIX_MONTHS:
        return Result("strict-transport-security", "hsts-implemented-max-age-less-than-six-months", -10)
    return Result("strict-transport-security", "hsts-implemented-max-age-at-least-six-months", 0)


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs)


def sri_test(response, host):
    if "html" not in response.get("Content-Type", ""):
        return Result("subresource-integrity", "sri-not-implemented-response-not-html", 0)
    parser = _Scripts()
    parser.feed(response.content.decode(errors="replace"))
    if not parser.scripts:
        return Result("subresource-integrity", "sri-not-implemented-but-no-scripts-loaded", 0)
    external = [s for s in parser.scripts if urlsplit(s["src"]).netloc and urlsplit(s["src"]).hostname != host]
    with_integrity = all(s.get("integrity") for s in parser.scripts)
    if not external:
        if with_integrity:
            return Result("subresource-integrity", "sri-implemented-and-all-scripts-loaded-securely", 5)
        return Result("subresource-integrity", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)
    insecure = any(urlsplit(s["src"]).scheme == "http" for s in external)
    external_with_integrity = all(s.get("integrity") for s in external)
    if external_with_integrity:
        if insecure:
            return Result("subresource-integrity", "sri-implemented-but-external-scripts-not-loaded-securely", -20)
        return Result("subresource-integrity", "sri-implemented-and-external-scripts-loaded-securely", 5)
    if insecure:
        return Result("subresource-integrity", "sri-not-implemented-and-external-scripts-not-loaded-securely", -50)
    return Result("subresource-integrity", "sri-not-implemented-but-external-scripts-loaded-securely", -5)


def content_type_options_test(headers):
    value = headers.get("X-Content-Type-Options")
    if not value:
        return Result("x-content-type-options", "x-content-type-options-not-implemented", -5)
    if value.strip().lower() != "nosniff":
        return Result("x-content-type-options", "x-content-type-options-header-invalid", -5)
    return Result("x-content-type-options", "x-content-type-options-nosniff", 0)


def frame_options_test(headers):
    csp = headers.get("Content-Security-Policy")
    if csp:
        try:
            if "frame-ancestors" in parse_csp(csp):
                return Result("x-frame-options", "x-frame-options-implemented-via-csp", 5)
        except ValueError:
            pass
    value = (headers.get("X-Frame-Options") or "").strip().lower()
    if not value:
        return Result("x-frame-options", "x-frame-options-not-implemented", -20)
    if value in ("deny", "sameorigin"):
        return Result("x-frame-options", "x-frame-options-sameorigin-or-deny", 0)
    if value.startswith("allow-from "):
        return Result("x-frame-options", "x-frame-options-allow-from-origin", 0)
    return Result("x-frame-options", "x-frame-options-header-invalid", -20)


def corp_test(headers):
    value = (headers.get("Cross-Origin-Resource-Policy") or "").strip().lower()
    if not value:
        return Result("cross-origin-resource-policy", "corp-not-implemented", 0)
    if value in ("same-origin", "same-site"):
        return Result("cross-origin-resource-policy", f"corp-implemented-with-{value}", 0)
    if value == "cross-origin":
        return Result("cross-origin-resource-policy", "corp-implemented-with-cross-origin", -20)
    return Result("cross-origin-resource-policy", "corp-header-invalid", -20)


def observatory_score(response, http_response, host, origin_sent):
    """The Observatory's score of `response` (fetched over https with `origin_sent` as Origin), given the answer
    to the same URL over http."""
    headers = response.headers
    hsts = hsts_test(headers)
    return Score(
        [
            csp_test(headers),
            cookies_test(response, hsts=hsts.modifier >= 0),
            cors_test(headers, origin_sent),
            redirection_test(http_response, host),
            referrer_test(headers),
            hsts,
            sri_test(response, host),
            content_type_options_test(headers),
            frame_options_test(headers),
            corp_test(headers),
        ]
    )
