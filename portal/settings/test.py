from .base import *  # noqa: F403

SECRET_KEY = "dev-only-test-key"
ALTCHA_HMAC_SECRET = altcha_secret(SECRET_KEY)  # noqa: F405
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ALTCHA_LOCAL_CACHE_CHECKS  # noqa: F405
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"  # noqa: F405
SERVE_MEDIA = True  # the browser tests load images from the live server
WAGTAILADMIN_BASE_URL = "http://testserver"

# Everything in-process unless a test says otherwise: the page cache off (tests that need it turn
# it on), the shared cache in memory, background tasks run at once. Tests that start servers pass
# REDIS_URL, DATABASE_URL and TASKS_BACKEND to them through the environment instead.
PAGE_CACHE_ENABLED = False
CACHES["shared"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}  # noqa: F405
CACHES["security"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "security"}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# django-axes refuses Django's test-client login (which passes no request); the sign-in protection tests
# turn it on and sign in through the real form.
AXES_ENABLED = False

# Room for every rendition a test renders (nine per image: three widths in three formats); at the default 300
# entries the local-memory cache culls itself mid-test and the warm-cache query counts would measure the culling.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # noqa: F405
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 20_000}  # noqa: F405

# The tests render thousands of renditions and never look at their bytes: encode AVIF at libavif's fastest speed.
AVIF_ENCODER_SPEED = 10

# Each test runs inside a transaction. With SQLite's IMMEDIATE mode (base.py) that transaction would hold the
# write lock for the whole test, and the browser tests' live server thread, which shares the in-memory database,
# could never write (shared-cache locks do not wait for the busy timeout). Deferred here; the real-process tests
# (tests/production) run the production settings, IMMEDIATE included.
DATABASES["default"].get("OPTIONS", {}).pop("transaction_mode", None)  # noqa: F405

# In-process tests have no other writer waiting for the lock between an import's batches.
IMPORT_BATCH_PAUSE_SECONDS = 0
