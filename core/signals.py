"""What invalidates the page cache: any change that can alter what a public page shows.

Publishing, unpublishing, moving and deleting pages (which is also how the menu, built from the
page tree, changes), a live page created directly (copies), Wagtail settings (contact details,
footer, social links), sites, page privacy, images (alt text, a replaced file) and documents.
Saving a draft (Wagtail autosaves as editors type) changes nothing public and invalidates nothing.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core import generation_memo
from core.models import SocialLink
from core.page_cache import invalidate, purge_also

# Models whose every save or delete can change public pages.
CONTENT_MODELS = (BaseGenericSetting, BaseSiteSetting, SocialLink, Site, PageViewRestriction, AbstractImage)


def changed():
    """Stale pages after the commit, everywhere; this process also drops what it memoised at once."""
    generation_memo.forget()
    invalidate()


def on_page_change(sender, instance, **kwargs):
    purge_also(instance)  # an unpublished page is not live any more, but a CDN still holds it
    changed()


def on_save(sender, instance, created=False, **kwargs):
    # A page created live (a copy, a script) appears at once; drafts change nothing public.
    if isinstance(instance, CONTENT_MODELS) or (isinstance(instance, Page) and created and instance.live):
        changed()


def on_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        purge_also(instance)
    if isinstance(instance, (*CONTENT_MODELS, Page, AbstractDocument)):
        changed()


def connect():
    page_published.connect(on_page_change, dispatch_uid="page_cache_published")
    page_unpublished.connect(on_page_change, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(on_page_change, dispatch_uid="page_cache_moved")
    post_save.connect(on_save, dispatch_uid="page_cache_saved")
    post_delete.connect(on_delete, dispatch_uid="page_cache_deleted")
