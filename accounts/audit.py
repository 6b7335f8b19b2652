"""Reports > Sign-in attempts: the audit trail of failed sign-ins and of the pauses they caused.

django-axes writes one AccessFailureLog row per failed sign-in (who was tried, from where, with what browser,
and whether it started a pause); this lists them, newest first, filterable and exportable (through the safe
CSV writer), for superusers and LOGIN_AUDIT_GROUPS, with the pauses in force now above the list.
"""

import django_filters
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from core.exports import SafeSpreadsheetExportMixin

PERMISSION = "axes.view_accessfailurelog"


class FailedSignInFilterSet(WagtailFilterSet):
    username = django_filters.CharFilter(label="Username", lookup_expr="icontains")
    ip_address = django_filters.CharFilter(label="Network address")
    locked_out = django_filters.BooleanFilter(label="Started a pause")

    class Meta:
        model = AccessFailureLog
        fields = ["username", "ip_address", "locked_out"]


def current_pauses(now=None):
    """The pauses in force: (kind, username or None, address, failures, until), soonest to end last."""
    now = now or timezone.now()
    cooloff = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cooloff)
    pauses = []
    for group, limit in settings.LOGIN_FAILURE_LIMITS:
        rows = recent.values(*group).annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        for row in rows.filter(failures__gte=limit):
            pauses.append(
                {
                    "kind": "Account from one address" if "username" in group else "Every account from one address",
                    "username": row.get("username"),
                    "ip_address": row["ip_address"],
                    "failures": row["failures"],
                    "until": row["last"] + cooloff,
                }
            )
    return sorted(pauses, key=lambda pause: pause["until"], reverse=True)


class SignInAttemptsReportView(SafeSpreadsheetExportMixin, ReportView):
    page_title = "Sign-in attempts"
    header_icon = "lock"
    index_url_name = "accounts_sign_in_attempts"
    index_results_url_name = "accounts_sign_in_attempts_results"
    results_template_name = "accounts/admin/sign_in_attempts_results.html"
    permission_policy = ModelPermissionPolicy(AccessFailureLog)
    any_permission_required = ["view"]
    filterset_class = FailedSignInFilterSet
    export_filename = "sign-in-attempts"
    list_export = ["attempt_time", "username", "ip_address", "user_agent", "path_info", "locked_out"]
    export_headings = {
        "attempt_time": "Time",
        "username": "Username tried",
        "ip_address": "Network address",
        "user_agent": "Browser",
        "path_info": "Page",
        "locked_out": "Started a pause",
    }
    columns = [
        DateColumn("attempt_time", label="Time"),
        Column("username", label="Username tried"),
        Column("ip_address", label="Network address"),
        Column("user_agent", label="Browser"),
        BooleanColumn("locked_out", label="Started a pause"),
    ]

    def get_queryset(self):
        return AccessFailureLog.objects.order_by("-attempt_time", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pauses"] = current_pauses()
        context["cooloff_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context
