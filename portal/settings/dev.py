from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# A development-only key; production.py rejects any key with this prefix.
SECRET_KEY = SECRET_KEY or "dev-only-not-for-production-3b1f0c"  # noqa: F405
ALTCHA_HMAC_SECRET = altcha_secret(SECRET_KEY)  # noqa: F405
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ALTCHA_LOCAL_CACHE_CHECKS  # noqa: F405

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# Templates and code change under a developer's feet: no page cache unless PAGE_CACHE=on.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", False)

# The demo logins of `make run` work without a phone: two-step verification is optional for everyone
# (set TWO_FACTOR_DEV_BYPASS=0 to try it). Never in production: portal.settings.production refuses it.
TWO_FACTOR_DEV_BYPASS = env_bool("TWO_FACTOR_DEV_BYPASS", True)
