"""The accounts app in the Wagtail admin: the sign-in audit report in the Reports menu."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.audit import PERMISSION, SignInAttemptsReportView


@hooks.register("register_admin_urls")
def register_accounts_urls():
    return [
        path("reports/sign-in-attempts/", SignInAttemptsReportView.as_view(), name="accounts_sign_in_attempts"),
        path(
            "reports/sign-in-attempts/results/",
            SignInAttemptsReportView.as_view(results_only=True),
            name="accounts_sign_in_attempts_results",
        ),
    ]


class SignInAttemptsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_sign_in_attempts_menu_item():
    return SignInAttemptsMenuItem(
        "Sign-in attempts", reverse("accounts_sign_in_attempts"), icon_name="lock", name="sign-in-attempts", order=1200
    )
