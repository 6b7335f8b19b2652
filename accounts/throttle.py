"""Password-reset throttling: a few requests per network address and per account in a window.

Counted with core.throttle (a fixed window in the shared cache). Email addresses are hashed in the key, and
counted whether or not an account has them, so the throttle says nothing about which addresses are
registered.
"""

from django.conf import settings

from core.throttle import count_in_window, throttle_key

KEY_PREFIX = "password-reset"


def password_reset_allowed(address, email):
    """Count one reset request from `address` for `email`; False once either is over its limit."""
    limits = settings.PASSWORD_RESET_LIMITS
    by_address = count_in_window(throttle_key(KEY_PREFIX, "address", address), limits["address"]["window"])
    by_account = count_in_window(
        throttle_key(KEY_PREFIX, "account", email.strip().lower()), limits["account"]["window"]
    )
    return by_address <= limits["address"]["requests"] and by_account <= limits["account"]["requests"]
