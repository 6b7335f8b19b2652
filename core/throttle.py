"""Counting requests in a fixed window, in the cache every app server shares: the applicant forms' per-address
limit (admissions). (The password-reset throttle in accounts/throttle.py keeps its own counter for now.)

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
