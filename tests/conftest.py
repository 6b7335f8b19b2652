"""Fixtures shared by the whole suite."""

import factory.random
import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from tests.utils import build_site


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds the whole demo site; deselect with -m 'not slow'")
    config.addinivalue_line(
        "markers", "real_two_factor: sessions must pass two-step verification themselves (see _second_step_passed)"
    )
    # WhiteNoise warns that collectstatic has not run; tests serve static files from the finders.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(scope="session", autouse=True)
def _isolated_media(tmp_path_factory):
    """Images and renditions written by the tests go to a temporary directory, not the repository."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_state():
    """Deterministic factories, and nothing cached by an earlier test: site root paths, renditions, pages,
    throttle counters (in every cache alias, the shared one included)."""
    factory.random.reseed_random("residency-portal")
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _second_step_passed(request):
    """A test that signs in someone who must use two-step verification gets a session that has passed it.

    Two-step verification is required for Communications and superusers (accounts/two_factor.py), so
    without this every admin test would meet the verification screen. Tests of two-step verification
    itself are marked `real_two_factor` and sign in as a person does.
    """
    if request.node.get_closest_marker("real_two_factor"):
        yield
        return

    from django.contrib.auth.signals import user_logged_in
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from accounts.two_factor import two_factor_required

    def pass_second_step(sender, request, user, **kwargs):
        if two_factor_required(user):
            device, _ = StaticDevice.objects.get_or_create(user=user, name="Test session", confirmed=True)
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id

    user_logged_in.connect(pass_second_step, dispatch_uid="tests-second-step-passed")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-second-step-passed")


@pytest.fixture(scope="module")
def site_tree(django_db_setup, django_db_blocker):
    """The standard site tree, built once per test module and rolled back afterwards.

    Tests that use it also need the `db` fixture; whatever they add is rolled back after each test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_site()
        yield tree
        transaction.set_rollback(True)


def pytest_terminal_summary(terminalreporter):
    from tests.utils import QUERY_COUNTS

    if QUERY_COUNTS:
        terminalreporter.section("SQL queries per page render: a little content vs a lot, warm / cold cache")
        for label, (small_warm, small_cold, large_warm, large_cold) in sorted(QUERY_COUNTS.items()):
            terminalreporter.write_line(
                f"warm {small_warm:3d} vs {large_warm:3d}   cold {small_cold:3d} vs {large_cold:3d}   {label}"
            )
