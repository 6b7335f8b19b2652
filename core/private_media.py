"""Serving private media (core.storage) to the people allowed to see it, and making an image public.

A private image (a portrait waiting for approval) is shown to the person who uploaded it and to anyone who may
change it in the image library (Communications, administrators). Everyone else, signed in or not, gets a 404:
not even whether the file exists. The URL is under /admin/, so two-step verification guards it as it guards the
admin.
"""

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from core.storage import PRIVATE_PREFIX, is_private_name


def image_for_private_name(name):
    """The image whose original or rendition is stored under `name`, or None."""
    Image = get_image_model()
    image = Image.objects.filter(file=name).first()
    if image is None:
        rendition = Image.get_rendition_model().objects.filter(file=name).select_related("image").first()
        image = rendition.image if rendition is not None else None
    return image


def may_see_private_image(user, image):
    if not user.is_authenticated or not user.is_active:
        return False
    if image.uploaded_by_user_id == user.pk:
        return True
    policy = policy_registry.get_by_type(type(image))
    return policy.user_has_permission_for_instance(user, "change", image)


def serve_private_media(request, name):
    name = posixpath.normpath(PRIVATE_PREFIX + name)
    if not is_private_name(name) or ".." in name.split("/"):
        raise Http404
    image = image_for_private_name(name)
    if image is None or not may_see_private_image(request.user, image) or not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    patch_cache_control(response, private=True, no_store=True)  # never in a shared cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


@transaction.atomic
def make_image_public(image):
    """Move a private image's file to public media (same unguessable name); its private renditions are deleted,
    and the public ones are made again (core.tasks). Does nothing to an image that is public already."""
    old_name = image.file.name
    if not is_private_name(old_name):
        return False
    storage = image.file.storage
    with storage.open(old_name, "rb") as source:
        new_name = storage.save(f"original_images/{posixpath.basename(old_name)}", source)
    for rendition in image.renditions.all():
        rendition.delete()  # Wagtail deletes each rendition's file once this commits
    image.file.name = new_name
    image.save(update_fields=["file"])
    transaction.on_commit(lambda: storage.delete(old_name))
    return True
