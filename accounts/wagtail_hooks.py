"""The accounts app in the Wagtail admin: the two-step verification screens, the sign-in audit report, and
the links to them (Account > More actions, the Users listing for administrators, the Reports menu); and the
second step in front of restricted pages and private documents on the public site."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.models import BaseViewRestriction

from accounts import two_factor_views
from accounts.audit import PERMISSION, SignInAttemptsReportView
from accounts.two_factor import pending_second_step, redirect_to_step

two_factor_urls = [
    path("", two_factor_views.OverviewView.as_view(), name="two_factor_overview"),
    path("verify/", two_factor_views.VerifyView.as_view(), name="two_factor_verify"),
    path("setup/", two_factor_views.SetupView.as_view(), name="two_factor_setup"),
    path("recovery-codes/", two_factor_views.RecoveryCodesView.as_view(), name="two_factor_recovery_codes"),
    path("turn-off/", two_factor_views.DisableView.as_view(), name="two_factor_disable"),
    path("reset/<int:user_id>/", two_factor_views.ResetView.as_view(), name="two_factor_reset"),
]


@hooks.register("register_admin_urls")
def register_accounts_urls():
    return [
        path("two-factor/", include(two_factor_urls)),
        path("reports/sign-in-attempts/", SignInAttemptsReportView.as_view(), name="accounts_sign_in_attempts"),
        path(
            "reports/sign-in-attempts/results/",
            SignInAttemptsReportView.as_view(results_only=True),
            name="accounts_sign_in_attempts_results",
        ),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    return {
        "url": reverse("two_factor_overview"),
        "label": "Two-step verification",
        "help_text": "Sign in with a code from an authenticator app as well as your password.",
    }


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    if request_user.is_superuser:
        yield ListingButton(
            "Reset two-step verification", reverse("two_factor_reset", args=[user.pk]), icon_name="lock", priority=60
        )


class SignInAttemptsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_sign_in_attempts_menu_item():
    return SignInAttemptsMenuItem(
        "Sign-in attempts", reverse("accounts_sign_in_attempts"), icon_name="lock", name="sign-in-attempts", order=1200
    )


@hooks.register("register_log_actions")
def register_two_factor_log_actions(actions):
    actions.register_action(two_factor_views.RESET_ACTION, "Reset two-step verification", "Two-step verification reset")


# Restrictions that ask who is signed in (a shared password asks nothing about the person).
PERSONAL_RESTRICTIONS = (BaseViewRestriction.LOGIN, BaseViewRestriction.GROUPS)


def second_step_before(request, restricted):
    """Send a session that has not finished signing in to its second step, if what it opens asks who it is.

    TwoFactorMiddleware already made such a session anonymous on the public site, so Wagtail would send it to
    the sign-in form; the person has signed in with their password and owes only the second step.
    `restricted()` gives the view restrictions; they are read only for such a session (no query for others).
    """
    step = pending_second_step(request)
    if step and any(restriction.restriction_type in PERSONAL_RESTRICTIONS for restriction in restricted()):
        return redirect_to_step(step, request)
    return None


@hooks.register("before_serve_page")  # runs before Wagtail's own privacy check (an on_serve_page hook)
def second_step_before_restricted_page(page, request, serve_args, serve_kwargs):
    return second_step_before(request, page.get_view_restrictions)


@hooks.register("before_serve_document", order=-1)  # before Wagtail's collection privacy check
def second_step_before_private_document(document, request):
    return second_step_before(request, document.collection.get_view_restrictions)
