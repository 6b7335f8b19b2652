from .base import *  # noqa: F403

SECRET_KEY = "dev-only-test-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Room for every rendition a test renders (nine per image: three widths in three formats); at the default 300
# entries the local-memory cache culls itself mid-test and the warm-cache query counts would measure the culling.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # noqa: F405
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 20_000}  # noqa: F405

# The tests render thousands of renditions and never look at their bytes: encode AVIF at libavif's fastest speed.
AVIF_ENCODER_SPEED = 10
