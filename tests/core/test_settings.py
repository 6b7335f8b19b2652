"""Settings read the environment: each case imports the settings in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

# Variables the settings read; the subprocess starts without them unless a test sets them.
CONTROLLED = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "ALLOWED_HOSTS",
    "TWO_FACTOR_DEV_BYPASS",
}
REAL_KEY = "k3J9-not-a-dev-key-but-long-and-random-enough-for-a-test-0123456789"

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
        "TWO_FACTOR_DEV_BYPASS": settings.TWO_FACTOR_DEV_BYPASS,
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


def test_redis_url_selects_django_redis():
    result = load_settings("portal.settings.dev", REDIS_URL="redis://127.0.0.1:6379/1")
    cache = result["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"
    # A Redis outage must be a cache miss, not a 500 on every page.
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


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


def test_production_loads_with_a_real_secret_key():
    result = load_settings("portal.settings.production", SECRET_KEY=REAL_KEY, DEBUG="1")
    assert "error" not in result, result
    assert result["DEBUG"] is False
    assert result["SESSION_COOKIE_SECURE"] is True


def test_production_uses_postgresql_and_redis_from_the_environment():
    result = load_settings(
        "portal.settings.production",
        SECRET_KEY=REAL_KEY,
        DATABASE_URL="postgres://u:p@db.example:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert result["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"


def test_test_settings_use_a_fast_password_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
