"""Password-reset throttling: a few requests per network address, and per address and account together.

Why this design: a limit per account counted from every address let strangers stop a person's own reset
emails (three requests naming their email, from anywhere, blocked them for an hour). Here every counter
includes the requesting address, so nobody else's requests count against the owner's: their own address has
its own allowance. Per address (5 an hour, any emails) stops one client spraying the form; per address and
account (3 an hour) stops one client flooding one person's inbox. Someone with many addresses can still send a
person a few emails from each, but each only holds a link the person can ignore (it changes nothing until
used), while a per-account cap would hand them a way to lock the person out of their own reset.

A counter per key in the SECURITY_CACHE_ALIAS cache (one every app server shares, so they count together),
started with the window as its timeout, so a window is fixed from its first request. Email addresses are
hashed in the key, and counted whether or not an account has them, so the throttle says nothing about which
addresses are registered. A cache outage (django-redis ignores it) stops the counting rather than resets.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

KEY_PREFIX = "password-reset"


def _key(kind, *values):
    digest = hashlib.sha256("\n".join(values).encode()).hexdigest()
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
    """Count one reset request from `address` for `email`; False once either counter is over its limit."""
    limits = settings.PASSWORD_RESET_LIMITS
    by_address = _count(_key("address", address), limits["address"]["window"])
    pair = _key("address-and-account", address, email.strip().lower())
    by_pair = _count(pair, limits["address_and_account"]["window"])
    return by_address <= limits["address"]["requests"] and by_pair <= limits["address_and_account"]["requests"]
