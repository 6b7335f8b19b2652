"""The admin's "Import people" screens: upload a spreadsheet, preview what it would do, confirm, follow it.

The uploaded bytes are kept between the preview and the confirmation in the
user's (database-backed) session, compressed, so any app server can handle the
confirmation and nothing with people's details is written to public media
storage. Confirming hands the file to the task worker (editorial.importer.tasks):
a large import takes minutes, longer than any web request may. The status page
shows its progress, then its outcome. The task re-reads and re-validates the
file inside the import's transaction, so it acts on the database as it is then,
not as it was at preview time.
"""

import binascii
import secrets
import zlib
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views import View
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.admin_utils import forbidden
from core.worker import ABANDONED, fail_if_abandoned
from editorial.importer import journal
from editorial.importer.planning import default_parent
from editorial.importer.schema import COLUMNS, MAX_FILE_SIZE, MAX_ROWS, ImportFileError
from editorial.importer.service import run_import
from editorial.importer.tasks import import_people_task, pack, read_progress, unpack
from people.models import PersonIndexPage, ResidentPage

PERMISSION = "people.import_people"
SESSION_KEY = "people_import"
EXAMPLE_FILE = Path(__file__).resolve().parent / "example" / "people.csv"


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parent = obj.get_parent()
        return f"{obj.title} (under {parent.title})" if parent else obj.title


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text=(
            f"A .csv file saved as UTF-8 ('CSV UTF-8' in Excel) or an .xlsx workbook; "
            f"at most {MAX_FILE_SIZE // 1024 // 1024} MB and {MAX_ROWS:,} people. Row 1 names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    parent = ParentChoiceField(
        queryset=PersonIndexPage.objects.order_by("path"),
        label="Add new people under",
        help_text="The people index page that new profiles are created in. Existing profiles stay where they are.",
    )
    publish = forms.BooleanField(
        required=False,
        initial=True,
        label="Publish",
        help_text=(
            "Publish new and changed profiles at once. Untick to save them as drafts. "
            "A profile that already has someone else's unpublished changes is always saved as a draft."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].initial = default_parent()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_FILE_SIZE // 1024 // 1024} MB. Split it into smaller files."
            )
        return upload


class ImportViewMixin(WagtailAdminTemplateMixin):
    page_title = "Import people"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            return forbidden(request, "import people")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("people_import"), "label": "Import people"}]

    def render_form(self, form):
        context = self.get_context_data(
            form=form,
            action_url=reverse("people_import"),
            submit_button_label="Preview import",
            submit_button_active_label="Checking the file…",
            columns=COLUMNS,
            outcomes=ResidentPage.Outcome.choices,
            example_url=reverse("people_import_example"),
        )
        self.template_name = "editorial/importer/form.html"
        return self.render_to_response(context)

    def render_preview(self, plan, filename, token=None):
        self.page_subtitle = f"Preview of {filename}"
        context = self.get_context_data(plan=plan, filename=filename, token=token, upload_url=reverse("people_import"))
        self.template_name = "editorial/importer/preview.html"
        return self.render_to_response(context)

    def render_status(self, result):
        outcome = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None
        filename = (outcome or {}).get("filename") or result.kwargs.get("filename", "")
        self.page_subtitle = f"Import of {filename}" if result.is_finished else f"Importing {filename}"
        context = self.get_context_data(
            result=result,
            outcome=outcome,
            progress=status_payload(result),
            filename=filename,
            failed=result.status == TaskResultStatus.FAILED,
            worker_died=any(error.exception_class_path == ABANDONED for error in result.errors),
            undoing=result.status == TaskResultStatus.FAILED and journal.pending_undo(str(result.id)),
            retry_url=retry_url(result),
            status_url="" if result.is_finished else reverse("people_import_status", args=[result.id]),
            upload_url=reverse("people_import"),
        )
        self.template_name = "editorial/importer/status.html"
        return self.render_to_response(context)


class PeopleImportView(ImportViewMixin, View):
    """Step 1 and 2: the upload form, and the preview of what the file would do."""

    def get(self, request):
        return self.render_form(PeopleImportForm())

    def post(self, request):
        form = PeopleImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        parent, publish = form.cleaned_data["parent"], form.cleaned_data["publish"]
        try:
            plan = run_import(data, upload.name, parent=parent, publish=publish, user=request.user, dry_run=True)
        except ImportFileError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            return self.render_form(form)
        token = None
        request.session.pop(SESSION_KEY, None)
        if not plan.errors:
            token = secrets.token_urlsafe(24)
            request.session[SESSION_KEY] = {
                "token": token,
                "user": request.user.pk,
                "name": upload.name,
                "data": pack(data),
                "parent": parent.pk,
                "publish": publish,
            }
        return self.render_preview(plan, upload.name, token)


class PeopleImportConfirmView(ImportViewMixin, View):
    """Step 3: hand the previewed file to the task worker, which re-validates and applies it."""

    def get(self, request):
        return redirect("people_import")

    def post(self, request):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("user") != request.user.pk or stored.get("token") != request.POST.get("token"):
            messages.error(
                request, "That import preview has expired or was replaced by another upload. Upload the file again."
            )
            return redirect("people_import")
        try:
            unpack(stored["data"])
        except (binascii.Error, zlib.error, KeyError, TypeError):
            request.session.pop(SESSION_KEY, None)
            messages.error(request, "The uploaded file could not be recovered. Upload it again.")
            return redirect("people_import")
        parent = PersonIndexPage.objects.filter(pk=stored.get("parent")).first()
        if parent is None:
            request.session.pop(SESSION_KEY, None)
            messages.error(request, "The page to add new people under no longer exists. Upload the file again.")
            return redirect("people_import")

        request.session.pop(SESSION_KEY, None)
        result = import_people_task.enqueue(
            data=stored["data"],
            filename=stored["name"],
            parent_id=parent.pk,
            publish=stored["publish"],
            user_id=request.user.pk,
        )
        if result.is_finished:  # a backend that runs tasks at once (TASKS_BACKEND=immediate): no worker to wait for
            return self.render_status(result)
        return redirect("people_import_status", result.id)


class PeopleImportStatusView(ImportViewMixin, View):
    """Step 4: the import's progress while the task worker runs it, then what it did."""

    def get(self, request, task_id):
        result = own_import(request, task_id)
        if request.GET.get("format") == "json":
            return JsonResponse(status_payload(result))
        return self.render_status(result)


class PeopleImportRetryView(ImportViewMixin, View):
    """An import whose worker died (or that failed unexpectedly) runs again from the same file, for the same
    person: it wrote nothing, so running it again is safe."""

    def post(self, request, task_id):
        result = own_import(request, task_id)
        if result.status != TaskResultStatus.FAILED:
            return redirect("people_import_status", result.id)
        again = import_people_task.enqueue(**result.kwargs)
        if again.is_finished:
            return self.render_status(again)
        return redirect("people_import_status", again.id)


def retry_url(result):
    """Where a failed import runs again; none for a backend whose tasks have no lasting id (immediate)."""
    if result.status != TaskResultStatus.FAILED:
        return ""
    try:
        return reverse("people_import_retry", args=[result.id])
    except NoReverseMatch:
        return ""


def own_import(request, task_id):
    """The import `task_id` if it is the requester's, as it stands: a RUNNING import whose worker has stopped
    beating is recorded and shown as failed (core.worker), never as running for ever."""
    row = DBTaskResult.objects.filter(pk=task_id).first()
    if row is not None:
        fail_if_abandoned(row)
    try:
        result = import_people_task.get_result(str(task_id))
    except TaskResultDoesNotExist:
        raise Http404("No such import.") from None
    if result.kwargs.get("user_id") != request.user.pk and not request.user.is_superuser:
        raise Http404("No such import.")  # someone else's import, and the people in it
    return result


def status_payload(result):
    """What the progress bar needs: the task's state and, while it runs, how far it has got."""
    progress = read_progress(result.id) or {}
    total, done = progress.get("total") or 0, progress.get("done") or 0
    return {
        "status": result.status.name.lower(),
        "finished": result.is_finished,
        "phase": progress.get("phase", ""),
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
    }


def example_file(request):
    """The example spreadsheet, as a download."""
    if not request.user.has_perm(PERMISSION):
        return forbidden(request, "import people")
    return FileResponse(EXAMPLE_FILE.open("rb"), as_attachment=True, filename="people-example.csv")
