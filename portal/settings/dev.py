from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# A development-only key; production.py rejects any key with this prefix.
SECRET_KEY = SECRET_KEY or "dev-only-not-for-production-3b1f0c"  # noqa: F405

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# Templates and code change under a developer's feet: no page cache unless PAGE_CACHE=on.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", False)
