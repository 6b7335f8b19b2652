"""Who the client is, for every throttle (sign-in, password reset, CSP reports), and a check that the
deployment's TRUSTED_PROXY_COUNT matches what its requests carry.

X-Forwarded-For is written by whoever sends the request until the first proxy we trust: it names the client
only as far as TRUSTED_PROXY_COUNT proxies vouch for it. The count is 0 unless a deployment says otherwise, so
a client that reaches the app server directly cannot pick its own address by sending the header.

A wrong count fails quietly either way, so the app servers note what they see (once per process in the log,
and in the shared security cache for `manage.py check`):
- the count is 0 but requests carry X-Forwarded-For: a proxy is probably in front, and every client is
  counted as the proxy's address (one client's failures pause everyone's sign-ins);
- the count is N but a request carries fewer than N forwarded addresses: clients reach the app without going
  through the proxies, and could forge the header if the count were trusted.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.checks import Warning

logger = logging.getLogger("portal.security")

NOTE_SECONDS = 7 * 24 * 60 * 60  # how long `manage.py check` reports a mismatch after the last one seen
UNEXPECTED_HEADER = "unexpected-forwarded-for"
MISSING_HEADER = "missing-forwarded-for"
MISMATCH_HINTS = {
    UNEXPECTED_HEADER: (
        "Requests reach the app with X-Forwarded-For but TRUSTED_PROXY_COUNT is 0, so every client behind the "
        "proxy is counted as the proxy's address by the sign-in and reset throttles. Behind a load balancer or "
        "TLS proxy, set TRUSTED_PROXY_COUNT to the number of proxies in front of the app (README, Security)."
    ),
    MISSING_HEADER: (
        "TRUSTED_PROXY_COUNT is {count}, but requests reach the app with fewer forwarded addresses than that: "
        "clients reach the app without the proxies, or fewer proxies are in front than configured. Let only the "
        "proxies reach the app server, or set TRUSTED_PROXY_COUNT to the number of proxies (0 for none)."
    ),
}
_logged = set()  # mismatches this process has logged


def forwarded_addresses(request):
    return [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]


def client_ip_address(request):
    """The address of the client, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies.

    Behind N reverse proxies (load balancer, TLS terminator) the client's address is the N-th from the right
    of X-Forwarded-For; anything further left was written by the client and could be forged. With no proxy,
    REMOTE_ADDR is the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = forwarded_addresses(request)
    note_forwarding(proxies, forwarded)
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def forwarding_mismatch(proxies, forwarded):
    if proxies == 0 and forwarded:
        return UNEXPECTED_HEADER
    if proxies > len(forwarded):
        return MISSING_HEADER
    return None


def _note_key(proxies, mismatch):
    return f"proxy-check:{proxies}:{mismatch}"  # per count, so fixing the count clears the warning


def note_forwarding(proxies, forwarded):
    mismatch = forwarding_mismatch(proxies, forwarded)
    if mismatch is None:
        return
    caches[settings.SECURITY_CACHE_ALIAS].set(_note_key(proxies, mismatch), True, NOTE_SECONDS)
    if (proxies, mismatch) not in _logged:
        _logged.add((proxies, mismatch))
        logger.warning(MISMATCH_HINTS[mismatch].format(count=proxies))


def check_trusted_proxy_count(app_configs=None, **kwargs):
    """`manage.py check --deploy` (registered by CoreConfig): TRUSTED_PROXY_COUNT against what the running app
    servers have seen."""
    proxies = settings.TRUSTED_PROXY_COUNT
    seen = caches[settings.SECURITY_CACHE_ALIAS].get_many([_note_key(proxies, kind) for kind in MISMATCH_HINTS])
    return [
        Warning(
            MISMATCH_HINTS[kind].format(count=proxies),
            hint="Set TRUSTED_PROXY_COUNT in the environment of every app server.",
            id=f"core.W00{number}",
        )
        for number, kind in enumerate(MISMATCH_HINTS, start=1)
        if seen.get(_note_key(proxies, kind))
    ]
