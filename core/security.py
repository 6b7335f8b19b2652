"""Content-Security-Policy for the whole site, the Wagtail admin included, and the endpoint that logs violations.

Public pages have the strict CONTENT_SECURITY_POLICY (no inline script or style, nothing from another host).
The admin gets ADMIN_CONTENT_SECURITY_POLICY: as strict, except that Wagtail 8 still renders inline scripts
and style attributes (date and time widgets, inline panels, Stimulus-free fragments; upstream wagtail#7053 and
#12368), so 'unsafe-inline' stays in its script-src and style-src. Beside it, the admin is sent
ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY, the policy it should reach, without 'unsafe-inline': browsers
report each inline script or style it would block to /csp-report/, which logs them, naming what still needs
the exception.
"""

import hashlib
import json
import logging
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from core.admin_utils import is_admin_path
from core.client_address import client_ip_address

logger = logging.getLogger("portal.csp")

MAX_REPORT_BYTES = 16 * 1024
REPORT_LOG_INTERVAL = 60 * 60  # seconds: the same violation is logged once in this time
# Anyone can post reports, so everything they cost is bounded whatever they send:
REPORTS_PER_ADDRESS = 20  # reports accepted per address per REPORT_WINDOW; more answer 429 and log nothing
REPORT_WINDOW = 60  # seconds
LOG_RECORDS_PER_INTERVAL = 100  # log records per REPORT_LOG_INTERVAL for every sender together
FIELD_LENGTH = 200  # characters kept of each field of a report
# The limits' keys are slots of a fixed table (a hash modulo these), never one key per value a sender chose.
ADDRESS_SLOTS = 1024
REPORT_SLOTS = 512


class CrossOriginResourcePolicyMiddleware:
    """Cross-Origin-Resource-Policy: same-origin on every response (static files included, when placed before
    WhiteNoise): other sites cannot load our pages, images or scripts into theirs, e.g. for Spectre-style reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, giving admin URLs the admin's policies unless a view set its own."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.config is None and is_admin_path(request.path_info):
            policy = (
                settings.ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY
                if report_only
                else settings.ADMIN_CONTENT_SECURITY_POLICY
            )
            parts.config = policy["DIRECTIVES"]
        return parts


def _slot(value, slots):
    return int(hashlib.sha256(value.encode()).hexdigest()[:16], 16) % slots


def _within(cache, key, limit, window):
    """Count one against `key` (started with `window` as its timeout); whether the count is within `limit`."""
    cache.add(key, 0, timeout=window)
    try:
        return (cache.incr(key) or 0) <= limit
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True


def _printable(value):
    """A report field as one bounded line: control characters (newlines forging log lines) made visible."""
    text = str(value)[:FIELD_LENGTH]
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


@csrf_exempt
def csp_report(request):
    """Receives browsers' CSP violation reports (report-uri) and logs each distinct one, at most hourly.

    Enforced-policy violations are warnings (something was blocked); report-only ones are info (what the
    admin still needs 'unsafe-inline' for). Anyone can post here, so: the body is size-capped; each address
    may send REPORTS_PER_ADDRESS a minute; at most LOG_RECORDS_PER_INTERVAL records an hour reach the log,
    each of bounded length; repeats are dropped; and every key kept is one of a fixed number of slots.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if len(request.body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    cache = caches[settings.SECURITY_CACHE_ALIAS]
    window = int(time.time() // REPORT_WINDOW)
    address_key = f"csp-report:address:{_slot(client_ip_address(request), ADDRESS_SLOTS)}:{window}"
    if not _within(cache, address_key, REPORTS_PER_ADDRESS, REPORT_WINDOW):
        return HttpResponse(status=429)
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    fields = {
        name: _printable(report.get(name, ""))
        for name in (
            "disposition",
            "effective-directive",
            "blocked-uri",
            "document-uri",
            "source-file",
            "line-number",
            "script-sample",
        )
    }
    identity = "|".join(
        fields[name] for name in ("disposition", "effective-directive", "blocked-uri", "source-file", "line-number")
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    seen_key = f"csp-report:seen:{_slot(identity, REPORT_SLOTS)}"
    if cache.get(seen_key) == digest:
        return HttpResponse(status=204)  # logged within the hour
    cache.set(seen_key, digest, timeout=REPORT_LOG_INTERVAL)
    budget_key = f"csp-report:logged:{int(time.time() // REPORT_LOG_INTERVAL)}"
    if not _within(cache, budget_key, LOG_RECORDS_PER_INTERVAL, REPORT_LOG_INTERVAL):
        return HttpResponse(status=204)
    level = logging.INFO if fields["disposition"] == "report" else logging.WARNING
    logger.log(
        level,
        "CSP %s: %s blocked %s on %s (%s:%s) %s",
        "report-only" if fields["disposition"] == "report" else "violation",
        fields["effective-directive"],
        fields["blocked-uri"] or "inline",
        fields["document-uri"],
        fields["source-file"],
        fields["line-number"],
        fields["script-sample"],
    )
    return HttpResponse(status=204)
