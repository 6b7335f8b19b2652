"""Two-step verification (TOTP authenticator app, with one-time recovery codes) for the Wagtail admin.

Built on django-otp: its TOTP and static-token devices, its `OTPMiddleware` (which marks a session verified
once a code was accepted) and its throttling of wrong codes. Who must use it, and the middleware that holds
a signed-in but unverified person at the second step, are here.

- Superusers and members of TWO_FACTOR_REQUIRED_GROUPS ("Communications") must: after their password they
  set up an authenticator app (first sign-in) or enter a code, before any other admin page.
- Everyone else (Faculty) may: once they set it up, their sign-ins need a code too.
- TWO_FACTOR_DEV_BYPASS (on in portal.settings.dev only; production refuses to start with it) makes it
  optional for everyone, so the demo logins of `make run` work without a phone.
- On the public site a session that has not finished its second step counts as not signed in (Wagtail's page
  and collection privacy ask only whether someone is signed in and in which groups), and opening a restricted
  page or a private document sends the person to finish it (accounts.wagtail_hooks).
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_utils import admin_prefix, admin_url_match, is_admin_path

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Set on a public-site request whose session has not finished its second step: the step it must go to.
PENDING_STEP_ATTRIBUTE = "second_step_pending"

# Admin URLs a signed-in person may open before the second step: signing in and out, the password reset,
# the second step itself, and what the admin's sign-in look loads (translations, icons).
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
    "two_factor_setup",  # the view itself refuses someone who already has a device and has not verified
}


def two_factor_required(user):
    """Whether `user` must use two-step verification to use the admin."""
    if settings.TWO_FACTOR_DEV_BYPASS or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.TWO_FACTOR_REQUIRED_GROUPS).exists()


def dev_bypass_active():
    return settings.TWO_FACTOR_DEV_BYPASS


def has_two_factor(user):
    return user_has_device(user, confirmed=True)


def app_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_app_device(user):
    """The authenticator being set up (unconfirmed until a first code from it is accepted), made if need be."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def recovery_device(user):
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def remaining_recovery_codes(user):
    device = recovery_device(user)
    return [] if device is None else [token.token for token in device.token_set.order_by("pk")]


@transaction.atomic
def confirm_app_device(user, device):
    """Make `device` the user's one authenticator, and give them a fresh set of recovery codes."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if recovery_device(user) is None:
        new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=StaticToken.random_token()) for _ in range(RECOVERY_CODE_COUNT)]
    )
    return remaining_recovery_codes(user)


@transaction.atomic
def remove_two_factor(user):
    """Forget every second factor of `user` (they set it up again at their next sign-in if it is required)."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def second_step_for(user):
    """The URL name of the step a signed-in, unverified user still owes (None if they owe none)."""
    if has_two_factor(user):
        return "two_factor_verify"
    if two_factor_required(user):
        return "two_factor_setup"
    return None


def pending_second_step(request):
    """On the public site: the step this request's session still owes, or None (see TwoFactorMiddleware)."""
    return getattr(request, PENDING_STEP_ATTRIBUTE, None)


class TwoFactorMiddleware:
    """Holds a signed-in person who has not passed the second step at that step.

    In the admin, every URL but OPEN_URL_NAMES sends them to the step. On the public site they count as not
    signed in (`request.user` is anonymous), so neither page nor document privacy nor anything else that
    asks who is there sees them; the step they owe is kept on the request for accounts.wagtail_hooks, which
    sends them to it from a restricted page or a private document. Goes after django-otp's OTPMiddleware
    (which sets `request.user.is_verified()`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if is_admin_path(request.path_info):
                match = admin_url_match(request)
                if (match.url_name if match else None) not in OPEN_URL_NAMES:
                    step = second_step_for(user)
                    if step:
                        return redirect_to_step(step, request)
            else:
                step = second_step_for(user)
                if step:
                    request.user = AnonymousUser()
                    setattr(request, PENDING_STEP_ATTRIBUTE, step)
        return self.get_response(request)


def redirect_to_step(url_name, request):
    """To the second step, coming back afterwards to the page asked for (or the dashboard, after a POST)."""
    next_url = request.get_full_path() if request.method == "GET" else admin_prefix()
    return redirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
