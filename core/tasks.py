"""Background work of the shared app, run by the task worker (`manage.py db_worker`).

- Renditions of a new (or replaced) image are made as soon as it is saved, so the first visitor
  to a page that shows it does not wait for them (the first directory view after 710 new photos
  used to take 22 s).
- When the page cache is invalidated and a CDN or Varnish is configured (WAGTAILFRONTENDCACHE),
  every live page's URL is purged there too.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from wagtail.images.models import Filter

logger = logging.getLogger("portal.tasks")


# The rendition sets that listings show many of on one page (directories of portraits, grids of cards): those
# are what made the first directory view after 710 new photos take 22 s. A page's own hero, lead, body and
# sharing images are one each and are made by their page's first view.
BACKGROUND_RENDITION_SETS = ("portrait", "card")


def background_rendition_specs():
    """The filter specs made in the background for every new image (core.images names every spec)."""
    from core.images import specs_for

    return list(specs_for(*BACKGROUND_RENDITION_SETS))


@task()
def generate_renditions(image_id):
    """Make the renditions public pages will need of one image (those that exist are kept)."""
    from core.models import CustomImage

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


def enqueue_renditions(sender, instance, created=False, update_fields=None, **kwargs):
    """After an image is uploaded or its file replaced, queue its renditions (once the save commits)."""
    if update_fields is not None and "file" not in update_fields:
        return  # e.g. a focal point or title change: existing renditions are cleared by Wagtail if needed
    image_id = instance.pk
    transaction.on_commit(lambda: generate_renditions.enqueue(image_id))


@task()
def purge_site_from_frontend_cache(extra_urls=()):
    """Purge every live page of every site from the configured CDN / Varnish, and `extra_urls`.

    Every live page, because a change shows on many pages (menus, footers, listings); the extra URLs
    are pages that were live until this change (unpublished or deleted ones).
    """
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Page

    batch = PurgeBatch(extra_urls)
    batch.add_pages(Page.objects.live().filter(depth__gt=1).iterator())
    batch.purge()
    return len(batch.urls)


def purge_frontend_cache(extra_urls=()):
    if settings.WAGTAILFRONTENDCACHE:
        purge_site_from_frontend_cache.enqueue(list(extra_urls))


def connect():
    from core.models import CustomImage

    post_save.connect(enqueue_renditions, sender=CustomImage, dispatch_uid="core_enqueue_renditions")
