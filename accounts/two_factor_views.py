"""The two-step verification screens, in the Wagtail admin (URL names all start with `two_factor_`).

- two_factor_verify: the second step after the password (a code from the app, or a recovery code);
- two_factor_setup: set up an authenticator app (QR code, or the key to type), confirmed by a first code;
- two_factor_overview: the person's own status, from Account > More actions;
- two_factor_recovery_codes: see the unused recovery codes, or replace them;
- two_factor_disable: turn it off, for people it is optional for;
- two_factor_reset: an administrator removes someone's second factor (a lost phone).
"""

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from accounts import two_factor

RESET_ACTION = "accounts.two_factor_reset"
APP_CODE_DIGITS = 6  # django-otp's TOTP default, what authenticator apps show; recovery codes are 8 characters


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


class VerifyForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code from your authenticator app, or one of your recovery codes."


def safe_next_url(request, default=None):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("wagtailadmin_home")


def check_code(user, code, devices=None):
    """The device that accepts `code` (and consumes it, for a recovery code), or None and a reason.

    A 6-digit code is tried against the authenticator app, anything else against the recovery codes, so a
    mistyped code counts against one of them only. django-otp throttles each device: after a wrong code the
    next try must wait a second, doubling with each further wrong code.
    """
    from_app = code.isdigit() and len(code) == APP_CODE_DIGITS
    throttled = False
    with transaction.atomic():
        candidates = devices if devices is not None else devices_for_user(user, for_verify=True)
        for device in candidates:
            if isinstance(device, TOTPDevice) != from_app:
                continue
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(code):
                return device, None
    if throttled:
        return None, "Too many wrong codes. Wait a moment, then try again with the code your app shows now."
    return None, "That code is not right. Check it and try again (the app's code changes every 30 seconds)."


def finish_second_step(request, device):
    """Mark the session as verified, under a new session key (the person now has more rights)."""
    request.session.cycle_key()
    otp_login(request, device)


class CodeFormMixin:
    """A form view whose one field is a code: `code_accepted(device)` runs once a device accepts it."""

    def code_devices(self):
        return None  # every device of the person

    def form_valid(self, form):
        device, problem = check_code(self.request.user, form.cleaned_data["code"], devices=self.code_devices())
        if device is None:
            form.add_error("code", problem)
            return self.form_invalid(form)
        return self.code_accepted(device)


class NextUrlMixin:
    """Passes on where to go once the step is done (the second-step screens use the sign-in page's look,
    from accounts/two_factor/second_step_base.html)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = safe_next_url(self.request)
        return context


class VerifyView(CodeFormMixin, NextUrlMixin, FormView):
    template_name = "accounts/two_factor/verify.html"
    form_class = VerifyForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("wagtailadmin_login")
        if request.user.is_verified() or not two_factor.has_two_factor(request.user):
            return redirect(safe_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def code_accepted(self, device):
        finish_second_step(self.request, device)
        if isinstance(device, StaticDevice):
            left = len(two_factor.remaining_recovery_codes(self.request.user))
            messages.warning(
                self.request,
                f"You used a recovery code; {left} left. If you lost your phone, set up the authenticator "
                "app again under Account > Two-step verification.",
            )
        return redirect(safe_next_url(self.request))


def qr_code_svg(device):
    """The otpauth:// link as an inline SVG QR code: drawn here, nothing fetched from another host."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", omitsize=True, title="QR code to scan with your authenticator app"
    )
    return mark_safe(svg)  # generated by segno from our own data, no user markup


def readable_key(device):
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


class SetupView(CodeFormMixin, NextUrlMixin, FormView):
    template_name = "accounts/two_factor/setup.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect("wagtailadmin_login")
        # Replacing an authenticator needs the current one first: a password alone must not be enough.
        if two_factor.has_two_factor(user) and not user.is_verified():
            return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
        self.device = two_factor.pending_app_device(user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            qr_code=qr_code_svg(self.device),
            key=readable_key(self.device),
            required=two_factor.two_factor_required(self.request.user),
            replacing=two_factor.has_two_factor(self.request.user),
        )
        return context

    def code_devices(self):
        return [self.device]  # the authenticator being set up

    def code_accepted(self, device):
        two_factor.confirm_app_device(self.request.user, device)
        finish_second_step(self.request, device)
        messages.success(self.request, "Two-step verification is on. Keep your recovery codes somewhere safe.")
        return redirect(f"{reverse('two_factor_recovery_codes')}?next={safe_next_url(self.request)}")


class AdminScreenMixin(WagtailAdminTemplateMixin):
    header_icon = "lock"

    parent_breadcrumb = ("wagtailadmin_account", "Account")

    def get_breadcrumbs_items(self):
        url_name, label = self.parent_breadcrumb
        return [
            *self.breadcrumbs_items,
            {"url": reverse(url_name), "label": label},
            {"url": "", "label": self.get_page_title()},
        ]


class OverviewView(AdminScreenMixin, TemplateView):
    page_title = "Two-step verification"
    template_name = "accounts/two_factor/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            enabled=two_factor.has_two_factor(user),
            required=two_factor.two_factor_required(user),
            dev_bypass=two_factor.dev_bypass_active(),
            recovery_codes_left=len(two_factor.remaining_recovery_codes(user)),
        )
        return context


class RecoveryCodesView(AdminScreenMixin, TemplateView):
    page_title = "Recovery codes"
    parent_breadcrumb = ("two_factor_overview", "Two-step verification")
    template_name = "accounts/two_factor/recovery_codes.html"

    def dispatch(self, request, *args, **kwargs):
        if not two_factor.has_two_factor(request.user):
            return redirect("two_factor_overview")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["codes"] = two_factor.remaining_recovery_codes(self.request.user)
        context["next"] = safe_next_url(self.request)
        return context

    def post(self, request, *args, **kwargs):
        two_factor.new_recovery_codes(request.user)
        messages.success(request, "New recovery codes made; the old ones no longer work.")
        return redirect("two_factor_recovery_codes")


class DisableView(CodeFormMixin, AdminScreenMixin, FormView):
    page_title = "Turn off two-step verification"
    parent_breadcrumb = ("two_factor_overview", "Two-step verification")
    template_name = "accounts/two_factor/disable.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if not two_factor.has_two_factor(request.user):
            return redirect("two_factor_overview")
        if two_factor.two_factor_required(request.user):
            messages.error(request, "Two-step verification is required for your account, so it cannot be turned off.")
            return redirect("two_factor_overview")
        return super().dispatch(request, *args, **kwargs)

    def code_accepted(self, device):
        two_factor.remove_two_factor(self.request.user)
        messages.success(self.request, "Two-step verification is off. Your password alone now signs you in.")
        return redirect("two_factor_overview")


class ResetView(AdminScreenMixin, TemplateView):
    """An administrator removes another person's second factor, e.g. after a lost phone."""

    page_title = "Reset two-step verification"
    template_name = "accounts/two_factor/reset.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        self.target = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    parent_breadcrumb = ("wagtailusers_users:index", "Users")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            target=self.target,
            enabled=two_factor.has_two_factor(self.target),
            required=two_factor.two_factor_required(self.target),
        )
        return context

    def post(self, request, *args, **kwargs):
        two_factor.remove_two_factor(self.target)
        log(instance=self.target, action=RESET_ACTION, user=request.user)
        messages.success(
            request,
            f"Two-step verification of {self.target.get_username()} was reset. "
            "They set it up again at their next sign-in (if it is required for them).",
        )
        return redirect("wagtailusers_users:index")
