"""A person's own profile: finding it, their unsent draft, sending a change for review, and where it stands.

A change is built on the profile's latest revision (so it keeps every other field exactly as that
revision has it) with only the bio and photo replaced, saved as one revision by the person, and sent
to the review workflow. Nothing here publishes: the change goes live when Communications approves it.
"""

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Revision, TaskState, WorkflowState

from editorial.bio import clean_text, rich_text_to_text, same_bio, text_to_rich_text
from editorial.models import ProfileAccount, ProfileDraft, person_page_types
from editorial.photos import delete_superseded_photos
from editorial.roles import OWN_PROFILE_PERMISSION, ensure_review_workflow, get_photo_collection


class NothingToSubmit(Exception):
    """The submission would not change the bio or the photo."""


def get_own_profile(user):
    """The profile page linked to this account, if the account may edit it; otherwise None."""
    if not (user.is_authenticated and user.is_active and user.has_perm(OWN_PROFILE_PERMISSION)):
        return None
    account = ProfileAccount.objects.filter(user=user).select_related("page").first()
    if account is None:
        return None
    page = account.page.specific
    return page if isinstance(page, person_page_types()) else None


def get_draft(profile):
    return ProfileDraft.objects.filter(page=profile).select_related("photo").first()


def latest_version(profile):
    """The profile as its newest revision has it: what the person's next change builds on."""
    return profile.get_latest_revision_as_object()


def current_photo(profile, latest, state):
    """The photo a change keeps when the person uploads none.

    Their own pending photo while it is in review; otherwise the live one. A photo that Communications
    sent back (changes requested) or whose review was cancelled is never carried into the next
    submission, so a rejected photo can only go live if the person uploads it again.
    """
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return latest.photo
    return profile.photo


def editable_values(profile, draft=None):
    """The bio text and the photo the form starts from: the unsent draft, else the newest revision."""
    latest = latest_version(profile)
    photo = current_photo(profile, latest, active_workflow_state(profile))
    if draft is not None:
        return draft.bio, draft.photo or photo
    return rich_text_to_text(latest.bio), photo


def apply_change(page, bio_text, photo):
    """`page` with its bio and photo replaced by the person's. Returns whether anything changed."""
    changed = False
    if not same_bio(page.bio, bio_text):
        page.bio = text_to_rich_text(bio_text)
        changed = True
    if (photo.pk if photo else None) != page.photo_id:
        page.photo = photo
        changed = True
    return changed


def proposed_version(profile, bio_text, new_photo, state):
    """The profile as the person's change would make it, and whether that differs from its newest revision.

    `state` is the profile's active workflow state (active_workflow_state), which decides the photo kept.
    """
    page = latest_version(profile)
    photo = new_photo or current_photo(profile, page, state)
    return page, apply_change(page, bio_text, photo)


def create_photo(profile, user, uploaded_file, header, alt_text):
    """A new image for a submitted portrait, in the private photo collection, recorded as the person's upload."""
    from wagtail.images import get_image_model

    extension = {"JPEG": "jpg"}.get(header.format, header.format.lower())
    uploaded_file.name = f"{profile.slug}-portrait.{extension}"  # never trust the uploaded name
    image = get_image_model()(
        title=f"{profile.full_name}: portrait submitted for review",
        alt_text=alt_text.strip(),
        file=uploaded_file,
        collection=get_photo_collection(),
        uploaded_by_user=user,
    )
    image.store_privately = True  # private until approved, under an unguessable name (core.storage)
    image._set_image_file_metadata()
    image.save()
    return image


def photo_is_unused(profile, image):
    """An unsent upload: not the live photo and in none of the profile's revisions."""
    if image.pk == profile.photo_id:
        return False
    revisions = Revision.objects.for_instance(profile).filter(content__photo=image.pk)
    return not revisions.exists()


def discard_unsent_photo(profile, image):
    if image is not None and image.collection_id == get_photo_collection().pk and photo_is_unused(profile, image):
        image.delete()


@transaction.atomic
def save_draft(profile, user, bio_text, photo=None):
    """Keep the person's change without sending it; a newer upload replaces an unsent one.

    Returns the draft, or None when the change would leave the profile as it is (and no draft is kept).
    """
    if not proposed_version(profile, bio_text, photo, active_workflow_state(profile))[1]:
        discard_draft(profile)
        return None
    draft = ProfileDraft.objects.select_for_update().filter(page=profile).first() or ProfileDraft(page=profile)
    replaced = draft.photo if photo is not None and draft.photo_id not in (None, photo.pk) else None
    draft.bio = clean_text(bio_text)
    if photo is not None:
        draft.photo = photo
    draft.updated_by = user
    draft.save()
    discard_unsent_photo(profile, replaced)
    return draft


def discard_draft(profile):
    draft = get_draft(profile)
    if draft is not None:
        photo = draft.photo
        draft.delete()
        discard_unsent_photo(profile, photo)


def active_workflow_state(profile):
    return (
        WorkflowState.objects.for_instance(profile)
        .filter(status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES])
        .first()
    )


@transaction.atomic
def submit_for_review(profile, user, bio_text, photo=None):
    """Save the change as one revision by `user` and send it to Communications. Returns the workflow state.

    Submitting again while a change is in review replaces it: the pending review is cancelled and a
    new one starts on the new revision, so reviewers always approve what the person sent last and
    the person is never locked out. After "changes requested" the same review resumes.
    """
    state = active_workflow_state(profile)
    page, changed = proposed_version(profile, bio_text, photo, state)
    if not changed and (state is None or state.status == WorkflowState.STATUS_IN_PROGRESS):
        raise NothingToSubmit
    page.save_revision(user=user, log_action=True)

    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        if state is not None:
            state.cancel(user=user)
        workflow = profile.get_workflow() or ensure_review_workflow()
        state = workflow.start(page, user)
    ProfileDraft.objects.filter(page=profile).delete()
    # A photo sent earlier and not approved is replaced by this submission's (or its lack of one).
    delete_superseded_photos(profile, keep={page.photo_id})
    return state


@dataclass
class ProfileStatus:
    code: str
    label: str


def _rejection(state):
    rejected = (
        state.task_states.filter(status=TaskState.STATUS_REJECTED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if rejected is None:
        return "", ""
    reviewer = ""
    if rejected.finished_by:
        reviewer = rejected.finished_by.get_full_name() or rejected.finished_by.get_username()
    return rejected.comment, reviewer


def profile_status(profile, draft=None):
    """Where the person's last change stands, in words they understand."""
    state = WorkflowState.objects.for_instance(profile).order_by("-created_at", "-pk").first()
    if draft is not None:
        return ProfileStatus("draft", "Draft saved: your changes are not sent for review yet.")
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return ProfileStatus("in_review", "In review: Communications will check your changes before they go live.")
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        # The reviewer's comment comes from review_comment(), which shows it beside a newer draft too.
        return ProfileStatus("changes_requested", "Changes requested: edit your profile and submit it again.")
    if state is not None and state.status == WorkflowState.STATUS_CANCELLED:
        return ProfileStatus("cancelled", "Not in review: the review of your last change was cancelled.")
    if profile.live:
        return ProfileStatus("published", "Published: your profile is live.")
    return ProfileStatus("not_public", "Not public yet: Communications has not published your profile.")


def review_comment(profile):
    """The reviewer's comment while changes are requested (shown even beside a newer draft)."""
    state = active_workflow_state(profile)
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return "", ""
    return _rejection(state)
