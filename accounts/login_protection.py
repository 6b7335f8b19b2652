"""Sign-in throttling with django-axes: limits per account and per network address, each with a cool-off.

The policy (README, "Sign-in protection"), chosen so that guessing is slow and a real person cannot be
locked out by someone else for long:

- one account from one address: LOGIN_FAILURE_LIMITS' first limit (5) wrong passwords in a row pause
  sign-in for that account *from that address* for LOGIN_COOLOFF (15 minutes); the same person elsewhere
  (another network, their phone) is unaffected, so an attacker cannot lock them out;
- one address, any accounts: the second limit (20) pauses every sign-in from that address, which stops
  one client spraying guesses across many accounts;
- attempts made while paused are refused without being counted, so a pause always ends on time;
- a successful sign-in clears that account's failures from that address (not the address's failures
  for other accounts).

Axes counts against one limit (AXES_FAILURE_LIMIT) across its lockout parameters; `LoginLimitsHandler`
gives each parameter group its own limit by scaling each group's failures to that one limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.views.account import password_reset_enabled

ACCOUNT_SCOPE = "account"
NETWORK_SCOPE = "network"


def lockout_parameters():
    """The groups of request attributes that failures are counted by, in LOGIN_FAILURE_LIMITS' order."""
    return [list(group) for group, _ in settings.LOGIN_FAILURE_LIMITS]


class LoginLimitsHandler(AxesDatabaseHandler):
    """Axes' database handler, with a limit of its own for each group of AXES_LOCKOUT_PARAMETERS."""

    def get_failures(self, request, credentials=None):
        """The failures toward the nearest limit, scaled so that reaching any limit reaches AXES_FAILURE_LIMIT."""
        scale = settings.AXES_FAILURE_LIMIT
        worst, scope = 0, None
        attempts_by_group = self.get_user_attempts(request, credentials)
        for (group, limit), attempts in zip(settings.LOGIN_FAILURE_LIMITS, attempts_by_group, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled = failures * scale // limit
            if scaled > worst:
                worst, scope = scaled, (ACCOUNT_SCOPE if "username" in group else NETWORK_SCOPE)
        if worst >= scale:
            request.login_lockout_scope = scope
        return worst

    def reset_user_attempts(self, request, credentials=None):
        """After a successful sign-in, forget that account's failures from that address, and nothing else."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def cooloff_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The admin's sign-in page, saying plainly why signing in is paused and for how long (HTTP 429)."""
    username = get_client_username(request, credentials) or ""
    context = {
        "form": LoginForm(request=request, initial={"username": username}),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "show_password_reset": password_reset_enabled(),
        "cooloff_minutes": cooloff_minutes(),
        "network_wide": getattr(request, "login_lockout_scope", ACCOUNT_SCOPE) == NETWORK_SCOPE,
    }
    return render(request, "accounts/login_locked.html", context, status=429)
