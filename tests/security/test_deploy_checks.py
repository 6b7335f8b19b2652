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
