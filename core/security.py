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

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from core.admin_utils import is_admin_path

logger = logging.getLogger("portal.csp")

MAX_REPORT_BYTES = 16 * 1024
REPORT_LOG_INTERVAL = 60 * 60  # seconds: the same violation is logged once in this time


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


@csrf_exempt
def csp_report(request):
    """Receives browsers' CSP violation reports (report-uri) and logs each distinct one, at most hourly.

    Enforced-policy violations are warnings (something was blocked); report-only ones are info (what the
    admin still needs 'unsafe-inline' for). Anyone can post here, so the body is size-capped, nothing is
    stored, and repeats are dropped.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if len(request.body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    fields = {
        name: str(report.get(name, ""))[:300]
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
    key = "csp-report:" + hashlib.sha256(identity.encode()).hexdigest()
    if caches[settings.SECURITY_CACHE_ALIAS].add(key, 1, timeout=REPORT_LOG_INTERVAL):
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
