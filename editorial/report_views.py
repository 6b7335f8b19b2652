"""The "Content freshness" report in the Wagtail admin (Reports menu)."""

from wagtail.admin.views.reports import ReportView

from core.admin_utils import forbidden
from core.exports import SafeSpreadsheetExportMixin
from editorial.freshness import all_findings, group_findings
from editorial.roles import FRESHNESS_PERMISSION as PERMISSION


class ContentFreshnessReportView(SafeSpreadsheetExportMixin, ReportView):
    """Profiles missing a photo, alt text or a bio, profiles not updated for a year, and past apply dates."""

    page_title = "Content freshness"
    header_icon = "time"
    results_template_name = "editorial/content_freshness_results.html"
    index_url_name = "editorial_content_freshness"
    paginate_by = None  # the findings are grouped by problem on one page
    export_filename = "content-freshness"
    list_export = ["problem", "title", "context", "detail", "page_title", "page_type", "status", "edit_url"]
    export_headings = {
        "problem": "Problem",
        "title": "Item",
        "context": "Where",
        "detail": "Details",
        "page_title": "Page",
        "page_type": "Page type",
        "status": "Status",
        "edit_url": "Edit link",
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            return forbidden(request, "view the content freshness report")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return all_findings()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = group_findings(context["object_list"])
        return context

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["edit_url"] = self.request.build_absolute_uri(row["edit_url"])
        return row
