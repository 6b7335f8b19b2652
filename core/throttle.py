"""Counting requests in a fixed window, in the cache every app server shares: the building block of the
password-reset throttle (accounts) and the applicant forms' per-address limit (admissions).

A counter per key in the SECURITY_CACHE_ALIAS cache (one every app server shares, so they count together),
started with the window as its timeout, so a window is fixed from its first request. What is counted (an
address, an email) is hashed in the key, so the cache holds no personal data. A cache outage (django-redis
ignores it) stops the counting rather than resets it.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches


def throttle_key(prefix, kind, value):
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{prefix}:{kind}:{digest}"


def count_in_window(key, window):
    """Count one more request under `key`; returns the count so far in the window (seconds) started by the first."""
    cache = caches[settings.SECURITY_CACHE_ALIAS]
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) or 0
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return 1


def client_address(request):
    """The address of the client, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies.

    Behind N reverse proxies (load balancer, TLS terminator) the client's address is the N-th from the right
    of X-Forwarded-For; anything further left was written by the client and could be forged. With no proxy,
    REMOTE_ADDR is the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
