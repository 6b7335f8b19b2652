import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, require_base_url, require_secret_key

DEBUG = False
SECRET_KEY = require_secret_key(SECRET_KEY)  # noqa: F405
# Invitation and password-reset emails link here: it must be the address people actually use.
WAGTAILADMIN_BASE_URL = require_base_url(os.environ.get("WAGTAILADMIN_BASE_URL", ""))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Cookies only over HTTPS. SECURE_COOKIES=off is for a plain-HTTP test deployment on loopback only.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
# Every host under this one is HTTPS-only too, and the site may be submitted to the browsers' preload list.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

if TWO_FACTOR_DEV_BYPASS:  # noqa: F405
    raise ImproperlyConfigured(
        "TWO_FACTOR_DEV_BYPASS is a development setting: it makes two-step verification optional for "
        "Communications and administrators. Unset it (or set it to 0) in production."
    )
