"""A person's own profile: finding it, submitting its changes, and its review status."""

import re
from dataclasses import dataclass

from django.db import transaction
from wagtail.models import TaskState, WorkflowState

from people.permissions import is_own_profile


def get_own_profile(user):
    """The profile page linked to this account, if it may edit it."""
    from people.models import FacultyPage, ResidentPage

    if not (user.is_authenticated and user.is_active):
        return None
    for model in (FacultyPage, ResidentPage):
        profile = model.objects.filter(user=user).first()
        if profile is not None and is_own_profile(user, profile):
            return profile
    return None


BLOCK_KEYS = re.compile(r' data-block-key="[^"]*"')


def _comparable(value):
    # The rich text editor may renumber its block keys on a save that changes nothing.
    return BLOCK_KEYS.sub("", value) if isinstance(value, str) else value


def changed_since_previous_revision(page, fields=("bio", "photo")):
    """Whether the newest revision changes any of `fields` compared with the one before it."""
    newest, previous = (list(page.revisions.order_by("-created_at", "-pk")[:2]) + [None, None])[:2]
    if newest is None or previous is None:
        return True
    return any(_comparable(newest.content.get(field)) != _comparable(previous.content.get(field)) for field in fields)


def submit_for_review(page, user):
    """Send a person's saved changes to their review workflow (start it, or resume it after changes were requested)."""
    workflow = page.get_workflow()
    if workflow is None:
        return None
    with transaction.atomic():
        state = page.workflow_states.filter(
            status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
        ).first()
        if state is None:
            return workflow.start(page, user)
        if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
        return state


@dataclass
class ProfileStatus:
    code: str
    label: str
    comment: str = ""
    reviewer: str = ""


def profile_status(page):
    """Where the person's last submission stands, in words they understand."""
    state = page.workflow_states.order_by("-created_at").first()
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return ProfileStatus("in_review", "In review: Communications will check your changes before they go live.")
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        rejected = (
            state.task_states.filter(status=TaskState.STATUS_REJECTED)
            .select_related("finished_by")
            .order_by("-finished_at")
            .first()
        )
        reviewer = ""
        if rejected and rejected.finished_by:
            reviewer = rejected.finished_by.get_full_name() or rejected.finished_by.get_username()
        return ProfileStatus(
            "changes_requested",
            "Changes requested: edit your profile and save to send it back for review.",
            comment=(rejected.comment if rejected else ""),
            reviewer=reviewer,
        )
    if page.has_unpublished_changes:
        return ProfileStatus("draft", "Draft: your saved changes are not public yet.")
    if page.live:
        return ProfileStatus("published", "Published: your profile is live.")
    return ProfileStatus("draft", "Draft: your profile is not public yet.")
