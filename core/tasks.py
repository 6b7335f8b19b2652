"""Background work of the shared app, run by the task worker (`manage.py db_worker`).

- Renditions of a new (or replaced) image are made as soon as it is saved, so the first visitor
  to a page that shows it does not wait for them (the first directory view after 710 new photos
  used to take 22 s).
- When the page cache is invalidated and a CDN or Varnish is configured (WAGTAILFRONTENDCACHE),
  every live page's URL is purged there too.
"""

import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.images.models import Filter
from wagtail.models import Page

from core.admin_utils import is_admin_path
from core.images import MADE_AHEAD, specs_for
from core.models import CustomImage

logger = logging.getLogger("portal.tasks")


def background_rendition_specs():
    """The filter specs made ahead for every new image: the sets listings show many of on one page (core.images
    MADE_AHEAD), which made the first directory view after 710 new photos take 22 s. A page's own hero, lead,
    body and sharing images are one each and are made by their page's first view."""
    return list(specs_for(*MADE_AHEAD))


@task()
def generate_renditions(image_id):
    """Make the renditions public pages will need of one image (those that exist are kept)."""
    image = CustomImage.objects.filter(pk=image_id).first()
    if image is None:
        return 0  # deleted before the worker got to it
    # One at a time: Wagtail's get_renditions() makes them three at a time, each thread decoding the original,
    # which triples the worker's peak memory for no gain in the background.
    filters = [Filter(spec=spec) for spec in background_rendition_specs()]
    existing = image.find_existing_renditions(*filters)  # one query
    for missing in [each for each in filters if each not in existing]:
        image.create_rendition(missing)
    return len(filters)


# True while an admin request (an upload in the image library, a photo on "My profile") is being handled: the
# uploader waits for their one image's renditions, so no page ever shows it before they exist. Imports and
# scripts leave them to the worker, and pages show what exists meanwhile (core.templatetags.image_tags).
_in_admin_request = ContextVar("in_admin_request", default=False)


def enqueue_renditions(sender, instance, created=False, update_fields=None, **kwargs):
    """After an image is uploaded or its file replaced, make its listing renditions once the save commits: in
    the uploader's request for an upload in the admin, else by the worker."""
    if update_fields is not None and "file" not in update_fields:
        return  # e.g. a focal point or title change: existing renditions are cleared by Wagtail if needed
    image_id = instance.pk
    make = generate_renditions.call if _in_admin_request.get() else generate_renditions.enqueue
    transaction.on_commit(lambda: make(image_id))


class UploadRenditionsMiddleware:
    """Marks admin POSTs, so that the renditions of an image uploaded there are made in that request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not is_admin_path(request.path):
            return self.get_response(request)
        token = _in_admin_request.set(True)
        try:
            return self.get_response(request)
        finally:
            _in_admin_request.reset(token)


@task()
def purge_site_from_frontend_cache(extra_urls=()):
    """Purge every live page of every site from the configured CDN / Varnish, and `extra_urls`.

    Every live page, because a change shows on many pages (menus, footers, listings); the extra URLs
    are pages that were live until this change (unpublished or deleted ones).
    """
    batch = PurgeBatch(extra_urls)
    batch.add_pages(Page.objects.live().filter(depth__gt=1).iterator())
    batch.purge()
    return len(batch.urls)


def purge_frontend_cache(extra_urls=()):
    if settings.WAGTAILFRONTENDCACHE:
        purge_site_from_frontend_cache.enqueue(list(extra_urls))


def connect():
    post_save.connect(enqueue_renditions, sender=CustomImage, dispatch_uid="core_enqueue_renditions")
