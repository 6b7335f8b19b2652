"""Settings shared by every environment.

The environment is read here and only here: each variable below has a safe
development default, and production.py refuses to start where a default would
be unsafe.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "home",
    "programs",
    "admissions",
    "people",
    "editorial",
    "accounts",
    "demo",
    "operations",
    "devtools",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "altcha_django",
    "django_tasks",
    "django_tasks_db",
    "storages",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

# Order matters. The page cache sits right after the HTTPS redirect and static files, so a
# cached page costs no session, database or template work; everything below it (compression,
# CSP and frame headers) is part of the response it stores. The database guard turns a
# database outage into a designed 503 instead of a 500.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.CrossOriginResourcePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.page_cache.PageCacheMiddleware",
    "core.current_request.CurrentRequestMiddleware",
    "core.page_cache.AnonymousGZipMiddleware",
    "core.faults.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.page_cache.CookielessVisitorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "editorial.confinement.SelfServiceConfinementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.tasks.UploadRenditionsMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite by default so a new machine needs nothing else; DATABASE_URL selects
# PostgreSQL (or anything dj-database-url understands) in production and CI.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request in seconds (a 503), not after minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )
# SQLite has one writer at a time; the server, the task worker and the scheduler all write. So:
# - WAL: readers never wait for the writer, nor the writer for readers. It is persistent in the file and
#   set by the first connection that finds it missing (core.database.use_wal, which waits its turn: a
#   fresh or restored file opened by several processes at once refused all but one "PRAGMA
#   journal_mode=WAL" at once, without the busy timeout). synchronous=NORMAL is WAL's recommended
#   durability (a power cut may lose the last commits, never corrupt the file).
# - IMMEDIATE: a transaction takes the write lock at BEGIN. A deferred one that reads, then writes,
#   fails at once with "database is locked" when another process wrote meanwhile, and the busy
#   timeout cannot help it; an immediate one simply waits its turn.
# - A busy timeout of SQLITE_BUSY_TIMEOUT (20 s): how long a writer waits for another. Under
#   gunicorn's 30 s request timeout, so a request that waits still gets its answer; every writer,
#   an import included, holds the lock for far less.
SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT,
            "init_command": "PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" is Wagtail's own (site root paths, renditions): process-local memory unless
# REDIS_URL is set. "shared" holds what every process of the deployment must see alike: the
# page cache and its generation key, and the progress of background imports. Without Redis it
# is a directory on local disk, which the web server, the task worker and publish_scheduled
# processes of one machine share (process memory would not: an import published by the worker
# would leave the web process serving stale pages). Several machines need REDIS_URL.
#
# With Redis: django-redis behind a circuit breaker (core.cache_backends). A hung or dead Redis
# costs one short timeout per process, then the cache is skipped for REDIS_BREAKER_SECONDS and
# the outage is logged once; Django's own RedisCache would raise on every call instead.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.25"))  # seconds, connect and each command
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "30"))
SHARED_CACHE_DIR = Path(os.environ.get("SHARED_CACHE_DIR", BASE_DIR / "var" / "cache"))
if REDIS_URL:
    _redis_cache = {
        "BACKEND": "core.cache_backends.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_TIMEOUT,
        },
    }
    CACHES = {
        "default": _redis_cache,
        "shared": {**_redis_cache, "KEY_PREFIX": "portal-shared"},
        "security": {**_redis_cache, "KEY_PREFIX": "portal-security"},
    }
else:
    CACHES = {
        # Room for the renditions of every image: each has several (core.images), and Django's default of 300
        # entries would cull them on every busy page.
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(SHARED_CACHE_DIR),
            "OPTIONS": {"MAX_ENTRIES": 5000},  # more than the page cache's slots: it never culls the generation
        },
        # The throttles' counters, in a directory of their own: nothing the page cache stores can cull them.
        "security": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(SHARED_CACHE_DIR / "security"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }

# The full-page cache for anonymous visitors (core.page_cache). On in production, off in
# development (templates change under a developer's feet) and in tests unless a test turns it on.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))  # how long a stored page lives at most
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "60"))  # max-age
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", "300"))  # s-maxage
# The bound on its memory: at most this many stored pages (fixed slots), each at most this many bytes.
PAGE_CACHE_MAX_ENTRIES = int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "1000"))
PAGE_CACHE_MAX_ENTRY_BYTES = int(os.environ.get("PAGE_CACHE_MAX_ENTRY_BYTES", "200000"))
# Query parameters that never change a page (campaign tags): one stored copy serves them all.
PAGE_CACHE_IGNORED_QUERY_PARAMS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]
PAGE_CACHE_IGNORED_QUERY_PARAMS += ["fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"]

# A CDN or Varnish in front: every change purges the site's page URLs there too (core.tasks), through
# wagtail.contrib.frontend_cache's backends. Configured only from the environment.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):  # Varnish, nginx or any proxy that accepts PURGE
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", ""),
        "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
    }
if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
    }

# Background work (django-tasks; its database backend is the django-tasks-db package since
# 0.12). `manage.py db_worker` runs the queue: imports, renditions of new photos, and Wagtail's
# own tasks (reference index, frontend cache purges). TASKS_BACKEND=immediate runs them inline.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}
# The worker beats every TASK_WORKER_HEARTBEAT_SECONDS; a task whose worker has not beaten for
# TASK_WORKER_LEASE_SECONDS is shown, and recorded, as failed (core.worker).
TASK_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("TASK_WORKER_HEARTBEAT_SECONDS", "10"))
TASK_WORKER_LEASE_SECONDS = float(os.environ.get("TASK_WORKER_LEASE_SECONDS", "60"))
# A people import writes its rows in transactions of at most this long (editorial.importer.journal), so that
# on SQLite a publish or a sign-in waits for one batch, never for the whole import.
IMPORT_BATCH_SECONDS = float(os.environ.get("IMPORT_BATCH_SECONDS", "2"))
# ...and, on SQLite, pauses this long between batches: its lock is no queue, and waiting writers retry only
# about every 100 ms, so an import that took the lock again at once could starve them.
IMPORT_BATCH_PAUSE_SECONDS = float(os.environ.get("IMPORT_BATCH_PAUSE_SECONDS", "0.3"))
# How long a database outage's 503 asks clients and crawlers to wait before trying again.
DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", "30"))

# The cache for counters every app server must share: the password-reset throttle, the CSP report limits and
# what the proxy check saw (django-axes keeps its sign-in counts in the database). Apart from the page cache's
# entries, so that pages can never evict them (README, "The page cache").
SECURITY_CACHE_ALIAS = "security"

# Sessions stay in the database: they must survive a cache outage or flush.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# -- Sign-in protection (accounts/login_protection.py; policy in the README) ---------------------------
# django-axes checks every sign-in before Django's own backend does. AxesBackend rather than
# AxesStandaloneBackend: it is also a ModelBackend, so code that logs in with the first backend works.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# (request attributes, failures allowed) per limit: an account from one address, then one address.
LOGIN_FAILURE_LIMITS = [(("username", "ip_address"), 5), (("ip_address",), 20)]
AXES_HANDLER = "accounts.login_protection.LoginLimitsHandler"
AXES_LOCKOUT_PARAMETERS = [list(group) for group, _ in LOGIN_FAILURE_LIMITS]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS[0][1]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts while paused do not extend the pause
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the audit trail: Reports > Sign-in attempts
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 500
AXES_LOCKOUT_CALLABLE = "accounts.login_protection.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip_address"
AXES_ENABLE_ADMIN = False  # no Django admin here; the Wagtail admin has the report
# Reverse proxies in front of the app whose X-Forwarded-For is trusted to name the client (core/client_address.py).
# 0 everywhere unless the deployment says so: with none, a client that reaches the app directly could choose its
# own address for every throttle. `manage.py check --deploy` warns when requests disagree with the count.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Reset requests per window, per network address and per address and account together (accounts/throttle.py):
# nobody else's requests count against the owner's own.
PASSWORD_RESET_LIMITS = {
    "address": {"requests": 5, "window": 60 * 60},
    "address_and_account": {"requests": 3, "window": 60 * 60},
}
# -- Applicants' questions and open-house registrations (admissions/; README) ----------------------------
# Posts per network address to the questions and registration forms, per window (seconds), all forms together.
APPLICANT_FORM_LIMIT = {"requests": int(os.environ.get("APPLICANT_FORM_LIMIT", "10")), "window": 60 * 60}
# Questions and registrations are deleted this many days after they arrive (`manage.py prune_applicant_data`).
APPLICANT_DATA_RETENTION_DAYS = int(os.environ.get("APPLICANT_DATA_RETENTION_DAYS", "365"))
# ALTCHA (altcha-django): a proof-of-work the visitor's browser solves, minted and checked here, no third party.
# Its signing key is derived from SECRET_KEY unless given (settings files call altcha_secret()); solved
# challenges are remembered in the shared cache, so each is accepted once, by every app server.
ALTCHA_CACHE_ALIAS = "shared"
ALTCHA_WIDGET_JS_SOURCE = "vendored"  # the widget from our own static files, never a CDN
ALTCHA_CHALLENGE = {"algorithm": "PBKDF2/SHA-256", "cost": 5000, "key_prefix": "00", "expires_seconds": 1800}
# Without REDIS_URL the shared cache is a local directory (process memory in tests), whose add() is not atomic
# across processes: one solved challenge sent twice at the same instant could pass twice (each post still counts
# against the per-address limit). altcha-django warns about it (altcha.W001, W017); dev.py and test.py silence
# that, production keeps the warning unless REDIS_URL is set.
ALTCHA_LOCAL_CACHE_CHECKS = ["altcha.W001", "altcha.W017"]


def altcha_secret(secret_key):
    """ALTCHA_HMAC_SECRET from the environment, else one derived from SECRET_KEY (never SECRET_KEY itself)."""
    import hashlib
    import hmac

    given = os.environ.get("ALTCHA_HMAC_SECRET", "")
    return given or hmac.new(secret_key.encode(), b"portal.altcha", hashlib.sha256).hexdigest()


# Who may read the sign-in audit trail in the admin (besides superusers).
LOGIN_AUDIT_GROUPS = ["Communications"]

# -- Two-step verification (accounts/two_factor.py) --------------------------------------------------
# Required for superusers and these groups; optional for everyone else.
TWO_FACTOR_REQUIRED_GROUPS = ["Communications"]
# Development only: makes two-step verification optional for everyone, so the demo logins work without
# a phone. On in portal.settings.dev; portal.settings.production refuses to start with it on.
TWO_FACTOR_DEV_BYPASS = env_bool("TWO_FACTOR_DEV_BYPASS", False)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Django itself serves MEDIA_ROOT at MEDIA_URL when DEBUG is on, or when this is (the browser tests' live server).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Private media (core.storage): portraits waiting for approval, outside MEDIA_ROOT, served by a view that checks
# who asks. Never serve this directory directly.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "core.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible object storage (AWS S3, MinIO, Ceph, R2...) when a bucket is named, so any
# number of app servers share uploads and renditions; local disk otherwise. Keys come from the
# usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables (or an instance role).
MEDIA_BUCKET = os.environ.get("MEDIA_BUCKET", "")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "core.storage.BucketMediaStorage",  # private names under private/ (README: the bucket policy)
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_REGION") or None,
            # e.g. "www.example.org/media" when the CDN serves the bucket on the site's own host
            "custom_domain": os.environ.get("MEDIA_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("MEDIA_PREFIX", ""),
            # Plain, permanent URLs: cached pages must not hold signed links that expire.
            "querystring_auth": False,
            "default_acl": None,  # read access comes from the bucket's policy
            "file_overwrite": False,
        },
    }
    # Documents stream through Django, which checks collection privacy, instead of redirecting
    # to a public bucket URL that would bypass it.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Internal Medicine Residency")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME  # how authenticator apps label the account
WAGTAILIMAGES_IMAGE_MODEL = "core.CustomImage"
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]  # no SVG
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# The pixel budget of every upload (image library and portraits; core.uploads): a JPEG up to 30 million pixels
# (decoded at reduced scale), any other type up to 10 million (decoded whole); originals are stored at most
# 2,560 px a side. Memory of an upload and of its renditions stays under 150 MB (tests/core/test_upload_memory.py).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 30_000_000  # also Pillow's own cap (core.uploads.apply_pillow_pixel_cap)
IMAGE_MAX_FULL_DECODE_PIXELS = 10_000_000
STORED_IMAGE_SIDE = 2560
# Every image upload form checks size, type and pixel count from the file's header before decoding it.
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.image_forms.ImageForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The public search records queries that found something, up to this many distinct ones (core.views).
SEARCH_QUERY_LOG_MAX_QUERIES = int(os.environ.get("SEARCH_QUERY_LOG_MAX_QUERIES", "5000"))
WAGTAILSEARCH_HITS_MAX_AGE = 30  # days of hits kept by `manage.py searchpromotions_garbage_collect`
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILEMBEDS_FINDERS = []  # nothing may load from another host
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # admin avatars would otherwise load from gravatar.com
WAGTAIL_USER_EDIT_FORM = None

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# -- Content-Security-Policy (core/security.py) -------------------------------------------------------
# Public pages: a strict policy, no inline script or style, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
CSP_REPORT_URL = "/csp-report/"
# The Wagtail admin: as strict, except that Wagtail 8 still renders inline scripts (date and time widgets,
# inline panels; wagtail#7053, #12368) and style attributes, so 'unsafe-inline' stays for script and style.
# blob: images are the multiple uploader's previews; the preview panel frames the admin's own URLs.
_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "media-src": ["'self'"],
    "manifest-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
    "report-uri": CSP_REPORT_URL,
}
ADMIN_CONTENT_SECURITY_POLICY = {"DIRECTIVES": _ADMIN_DIRECTIVES}
# Beside it, the policy the admin should reach, report-only: what it would block is logged by /csp-report/,
# with the first characters of each inline script or style ('report-sample'), which name what needs it.
ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    "DIRECTIVES": {
        **_ADMIN_DIRECTIVES,
        "script-src": ["'self'", "'report-sample'"],
        "style-src": ["'self'", "'report-sample'"],
    },
}
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"


def media_origin():
    """Where images are loaded from when media is in a bucket: None when that is the site's own host."""
    from urllib.parse import urlsplit

    domain = os.environ.get("MEDIA_CUSTOM_DOMAIN", "").split("/")[0]
    if domain:
        return None if domain in ALLOWED_HOSTS else f"https://{domain}"
    endpoint = urlsplit(os.environ.get("MEDIA_ENDPOINT_URL") or f"https://{MEDIA_BUCKET}.s3.amazonaws.com")
    return f"{endpoint.scheme}://{endpoint.netloc}"


if MEDIA_BUCKET and media_origin():
    # Serving the bucket under the site's own host (a CDN path rule plus MEDIA_CUSTOM_DOMAIN)
    # keeps the policy at 'self'; otherwise images come from the bucket's host.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(media_origin())
    _ADMIN_DIRECTIVES["img-src"].append(media_origin())  # the report-only policy shares this list

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "residency-web@example.org")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Outages are reported once by core.cache_backends / core.faults, not once per call.
        "django_redis": {"level": "CRITICAL"},
        "django_tasks_db": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "portal.worker": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        # What the admin's report-only policy would block, once an hour each (core.security.csp_report).
        "portal.csp": {"level": os.environ.get("CSP_LOG_LEVEL", "INFO")},
    },
}


def require_base_url(base_url):
    """Production must say where its admin lives, or emails would link to a development address."""
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "WAGTAILADMIN_BASE_URL must be set in the environment for production: the address people use "
            "to reach the site, e.g. https://residency.example.org (invitation and password emails link to it)."
        )
    return base_url.rstrip("/")


def require_secret_key(secret_key):
    """Production must never run on a default or empty key."""
    if not secret_key or secret_key.startswith("dev-only-"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment for production "
            "(a long random string, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    return secret_key
