"""Django's deployment checklist passes on the production settings, with nothing silenced."""

import os
import subprocess
import sys

from django.conf import settings

from tests.core.test_settings import BASE_URL, CONTROLLED, REAL_KEY


def test_check_deploy_is_clean_with_production_settings():
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env["SECRET_KEY"] = REAL_KEY
    env["WAGTAILADMIN_BASE_URL"] = BASE_URL
    # Production as deployed, with the shared Redis (nothing connects to it for the checks). Without it,
    # altcha-django rightly warns that a file-based cache cannot remember solved challenges atomically.
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
