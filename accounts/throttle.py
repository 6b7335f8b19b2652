"""Password-reset throttling: a few requests per network address and per account in a window.

A counter per key in the SECURITY_CACHE_ALIAS cache (one every app server shares, so they count together),
started with the window as its timeout, so a window is fixed from its first request. Email addresses are
hashed in the key, and counted whether or not an account has them, so the throttle says nothing about which
addresses are registered. A cache outage (django-redis ignores it) stops the counting rather than resets.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

KEY_PREFIX = "password-reset"


def _key(kind, value):
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{KEY_PREFIX}:{kind}:{digest}"


def _count(key, window):
    cache = caches[settings.SECURITY_CACHE_ALIAS]
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) or 0
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return 1


def password_reset_allowed(address, email):
    """Count one reset request from `address` for `email`; False once either is over its limit."""
    limits = settings.PASSWORD_RESET_LIMITS
    by_address = _count(_key("address", address), limits["address"]["window"])
    by_account = _count(_key("account", email.strip().lower()), limits["account"]["window"])
    return by_address <= limits["address"]["requests"] and by_account <= limits["account"]["requests"]
