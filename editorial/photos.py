"""Portraits from My profile are private until Communications approves them (core.storage, core.private_media).

- Uploaded: stored privately under an unguessable name (editorial.profiles.create_photo), seen only by its
  uploader and by those who may change images (the preview and the review show it through the private view).
- Approved (the profile is published with it): moved to public media.
- Refused (changes requested) or replaced by a newer submission: deleted, file and renditions.
"""

from wagtail.images import get_image_model
from wagtail.models import Revision, WorkflowState
from wagtail.signals import page_published, workflow_rejected

from core.private_media import make_image_public
from editorial.models import ProfileDraft, person_page_types
from editorial.roles import get_photo_collection


def pending_photos(profile, keep=()):
    """The private photos this profile's revisions and draft name, except `keep` (image ids)."""
    named = set(Revision.objects.for_instance(profile).values_list("content__photo", flat=True))
    named |= set(ProfileDraft.objects.filter(page=profile).values_list("photo_id", flat=True))
    named -= {None, *keep}
    images = get_image_model().objects.filter(pk__in=named, collection=get_photo_collection())
    return [image for image in images if image.is_private]


def delete_superseded_photos(profile, keep=()):
    """Delete the private photos of this profile other than `keep` and its live photo; Wagtail deletes their
    files and renditions once the transaction commits."""
    for image in pending_photos(profile, keep={*keep, profile.photo_id}):
        image.delete()


def on_published(sender, instance, **kwargs):
    if not isinstance(instance, person_page_types()):
        return
    if instance.photo is not None and instance.photo.is_private:
        make_image_public(instance.photo)
    delete_superseded_photos(instance)


def on_rejected(sender, instance, **kwargs):
    """Changes requested: the photo sent for review is refused (the person uploads one again to resubmit it)."""
    page = instance.content_object if isinstance(instance, WorkflowState) else None
    if page is not None and isinstance(page.specific, person_page_types()):
        delete_superseded_photos(page.specific)


def connect():
    page_published.connect(on_published, dispatch_uid="editorial_photo_published")
    workflow_rejected.connect(on_rejected, dispatch_uid="editorial_photo_rejected")
