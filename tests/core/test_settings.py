"""Settings read the environment: each case imports the settings in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

# Variables the settings read; the subprocess starts without them unless a test sets them.
CONTROLLED = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}
CONTROLLED |= {"PAGE_CACHE", "MEDIA_BUCKET", "MEDIA_ENDPOINT_URL", "MEDIA_CUSTOM_DOMAIN", "TASKS_BACKEND"}
CONTROLLED |= {"WAGTAILADMIN_BASE_URL"}
CONTROLLED |= {"TWO_FACTOR_DEV_BYPASS", "TRUSTED_PROXY_COUNT"}
REAL_KEY = "k3J9-not-a-dev-key-but-long-and-random-enough-for-a-test-0123456789"
BASE_URL = "https://residency.example.org"

PROBE = """
import json
from django.conf import settings
try:
    result = {
        "DATABASES": settings.DATABASES,
        "CACHES": settings.CACHES,
        "DEBUG": settings.DEBUG,
        "SESSION_COOKIE_SECURE": getattr(settings, "SESSION_COOKIE_SECURE", None),
        "SESSION_ENGINE": settings.SESSION_ENGINE,
        "WAGTAILADMIN_BASE_URL": settings.WAGTAILADMIN_BASE_URL,
        "STORAGES": settings.STORAGES,
        "CONTENT_SECURITY_POLICY": settings.CONTENT_SECURITY_POLICY,
        "WAGTAILDOCS_SERVE_METHOD": getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None),
        "PAGE_CACHE_ENABLED": settings.PAGE_CACHE_ENABLED,
        "TWO_FACTOR_DEV_BYPASS": settings.TWO_FACTOR_DEV_BYPASS,
        "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
    }
except Exception as error:
    result = {"error": type(error).__name__, "message": str(error)}
print(json.dumps(result, default=str))
"""


def load_settings(module, **environ):
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(DJANGO_SETTINGS_MODULE=module, **environ)
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["portal.settings.dev", "portal.settings.test"])
def test_database_url_selects_postgresql(module):
    result = load_settings(module, DATABASE_URL="postgres://u:p@db.example:5432/x")
    database = result["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"], database["USER"]) == ("x", "db.example", 5432, "u")


def test_sqlite_is_the_default_database():
    database = load_settings("portal.settings.dev")["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert str(database["NAME"]).endswith("db.sqlite3")


def test_redis_url_selects_django_redis_behind_a_circuit_breaker():
    result = load_settings("portal.settings.dev", REDIS_URL="redis://127.0.0.1:6379/1")
    for alias in ("default", "shared"):
        cache = result["CACHES"][alias]
        # django-redis, with a Redis outage a quick cache miss rather than a 500 (core.cache_backends).
        assert cache["BACKEND"] == "core.cache_backends.ResilientRedisCache"
        assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"
        assert cache["OPTIONS"]["SOCKET_TIMEOUT"] == 0.25
    assert result["CACHES"]["default"]["KEY_PREFIX"] != result["CACHES"]["shared"]["KEY_PREFIX"]


def test_without_redis_the_shared_cache_is_on_local_disk():
    caches = load_settings("portal.settings.dev")["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert caches["shared"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_media_bucket_selects_object_storage():
    result = load_settings(
        "portal.settings.dev", MEDIA_BUCKET="portal-media", MEDIA_ENDPOINT_URL="http://127.0.0.1:9000"
    )
    storage = result["STORAGES"]["default"]
    assert storage["BACKEND"] == "core.storage.BucketMediaStorage"  # S3Storage keeping unapproved photos private
    assert storage["OPTIONS"]["bucket_name"] == "portal-media"
    assert storage["OPTIONS"]["querystring_auth"] is False  # cached pages hold permanent URLs
    assert "http://127.0.0.1:9000" in result["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert result["WAGTAILDOCS_SERVE_METHOD"] == "serve_view"
    local = load_settings("portal.settings.dev")["STORAGES"]["default"]
    assert local["BACKEND"] == "core.storage.MediaStorage"  # the file system, with a private part


def test_page_cache_is_on_in_production_only():
    production = load_settings("portal.settings.production", SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL)
    assert production["PAGE_CACHE_ENABLED"] is True
    assert load_settings("portal.settings.dev")["PAGE_CACHE_ENABLED"] is False
    assert load_settings("portal.settings.dev", PAGE_CACHE="on")["PAGE_CACHE_ENABLED"] is True


def test_local_memory_is_the_default_cache():
    result = load_settings("portal.settings.dev")
    assert result["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_sessions_do_not_depend_on_the_cache():
    result = load_settings("portal.settings.dev", REDIS_URL="redis://127.0.0.1:6379/1")
    assert result["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize("secret_key", [None, "", "dev-only-not-for-production-3b1f0c"])
def test_production_refuses_a_missing_or_development_secret_key(secret_key):
    environ = {} if secret_key is None else {"SECRET_KEY": secret_key}
    result = load_settings("portal.settings.production", **environ)
    assert result.get("error") == "ImproperlyConfigured", result
    assert "SECRET_KEY" in result["message"]


def test_in_development_the_base_url_follows_where_make_run_serves():
    assert load_settings("portal.settings.dev")["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8000"
    result = load_settings("portal.settings.dev", WAGTAILADMIN_BASE_URL="http://0.0.0.0:9000")
    assert result["WAGTAILADMIN_BASE_URL"] == "http://0.0.0.0:9000"


@pytest.mark.parametrize("base_url", [None, "", "residency.example.org"])
def test_production_refuses_to_start_without_the_address_people_use(base_url):
    environ = {} if base_url is None else {"WAGTAILADMIN_BASE_URL": base_url}
    result = load_settings("portal.settings.production", SECRET_KEY=REAL_KEY, **environ)
    assert result.get("error") == "ImproperlyConfigured", result
    assert "WAGTAILADMIN_BASE_URL" in result["message"]


def test_production_loads_with_a_real_secret_key():
    result = load_settings("portal.settings.production", SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL, DEBUG="1")
    assert "error" not in result, result
    assert result["DEBUG"] is False
    assert result["SESSION_COOKIE_SECURE"] is True


def test_production_uses_postgresql_and_redis_from_the_environment():
    result = load_settings(
        "portal.settings.production",
        SECRET_KEY=REAL_KEY,
        WAGTAILADMIN_BASE_URL=BASE_URL,
        DATABASE_URL="postgres://u:p@db.example:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert result["CACHES"]["default"]["BACKEND"] == "core.cache_backends.ResilientRedisCache"
    assert result["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 3


def test_test_settings_use_a_fast_password_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
