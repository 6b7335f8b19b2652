"""The editorial roles: who may do what in the admin.

`ensure_roles()` creates or repairs the groups, their permissions, the
profile-photo collection and the review workflow. It runs after every
`migrate` (see EditorialConfig.ready) and is safe to run any number of times.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

COMMUNICATIONS_GROUP = "Communications"
FACULTY_GROUP = "Faculty"
PHOTO_COLLECTION = "Profile photos"
REVIEW_WORKFLOW = "Communications review"
REVIEW_TASK = "Communications approval"

# Edit the bio and photo of the profile linked to one's own account, under review, on "My profile".
OWN_PROFILE_PERMISSION = "editorial.edit_own_profile"
INVITE_PERMISSION = "editorial.invite_profile_editor"
FRESHNESS_PERMISSION = "editorial.view_content_freshness"
ACCESS_ADMIN_PERMISSION = "wagtailadmin.access_admin"

COMMUNICATIONS_PAGE_PERMISSIONS = ["add", "change", "publish", "bulk_delete", "lock", "unlock"]
COMMUNICATIONS_MODEL_PERMISSIONS = [
    ACCESS_ADMIN_PERMISSION,
    "core.change_contactsettings",
    "wagtailredirects.add_redirect",
    "wagtailredirects.change_redirect",
    "wagtailredirects.delete_redirect",
    "wagtailsearchpromotions.add_query",
    "wagtailsearchpromotions.change_query",
    "wagtailsearchpromotions.delete_query",
    "wagtailcore.add_workflow",
    "wagtailcore.change_workflow",
    "wagtailcore.add_task",
    "wagtailcore.change_task",
    "editorial.add_profileaccount",
    "editorial.change_profileaccount",
    "editorial.delete_profileaccount",
    "people.import_people",
    # Applicants' questions and open-house registrations: read, mark answered, correct, cancel, delete on request.
    "admissions.view_question",
    "admissions.change_question",
    "admissions.delete_question",
    "admissions.view_registration",
    "admissions.change_registration",
    "admissions.delete_registration",
    INVITE_PERMISSION,
    FRESHNESS_PERMISSION,
]
COMMUNICATIONS_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
    "wagtaildocs.choose_document",
]
# Exactly these and nothing else: no page, image, document or chooser permission, so Wagtail's own
# views refuse faculty by their own checks, and the allow-list (editorial.confinement) does the rest.
FACULTY_MODEL_PERMISSIONS = [ACCESS_ADMIN_PERMISSION, OWN_PROFILE_PERMISSION]
SELF_SERVICE_PERMISSIONS = frozenset(FACULTY_MODEL_PERMISSIONS)


def get_permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def get_photo_collection():
    """Where submitted portraits are kept: private to Communications (through the root) until approved."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=PHOTO_COLLECTION).first()
    return existing or root.add_child(name=PHOTO_COLLECTION)


@transaction.atomic
def ensure_roles():
    communications, _ = Group.objects.get_or_create(name=COMMUNICATIONS_GROUP)
    faculty, _ = Group.objects.get_or_create(name=FACULTY_GROUP)

    communications.permissions.add(*[get_permission(p) for p in COMMUNICATIONS_MODEL_PERMISSIONS])
    # Set, not added to: the Faculty role is defined here, and a repair takes away anything granted by hand.
    faculty.permissions.set([get_permission(p) for p in FACULTY_MODEL_PERMISSIONS])
    GroupPagePermission.objects.filter(group=faculty).delete()
    GroupCollectionPermission.objects.filter(group=faculty).delete()

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for permission_type in COMMUNICATIONS_PAGE_PERMISSIONS:
            permission = get_permission(f"wagtailcore.{permission_type}_page")
            GroupPagePermission.objects.get_or_create(group=communications, page=root_page, permission=permission)

    root_collection = Collection.get_first_root_node()
    for dotted in COMMUNICATIONS_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=communications, collection=root_collection, permission=get_permission(dotted)
        )
    get_photo_collection()

    ensure_review_workflow(communications)
    include_in_default_moderation(communications)
    return communications, faculty


def ensure_review_workflow(communications=None):
    communications = communications or Group.objects.get(name=COMMUNICATIONS_GROUP)
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        task.groups.set([communications])
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    if not workflow.workflow_tasks.exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def assign_review_workflow(page):
    """Put a subtree (e.g. the people directory) under the Communications review workflow."""
    workflow = ensure_review_workflow()
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def include_in_default_moderation(communications):
    """Wagtail's default site-wide workflow (assigned to the root) is moderated by Communications too.

    Editors can reassign or reconfigure it under Settings > Workflows; this only adds the group.
    """
    root_page = Page.get_first_root_node()
    assignment = WorkflowPage.objects.filter(page=root_page).select_related("workflow").first()
    if assignment is None:
        return
    for task in assignment.workflow.tasks.specific():
        if isinstance(task, GroupApprovalTask):
            task.groups.add(communications)
