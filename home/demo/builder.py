"""The machinery behind `load_demo`: find-or-create pages, images, the site and settings.

Everything here is idempotent. A page is found by its slug under its parent and
an image by its title; what exists is left alone (or, with `refresh`, brought in
line with the demo content, saving a revision only when something differs).
"""

import copy
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from PIL import Image as PILImage
from taggit.managers import TaggableManager
from wagtail.fields import StreamField
from wagtail.models import Collection, Page, Site

from core.models import ContactSettings, CustomImage

WELCOME_PAGE_TITLE = "Welcome to your new Wagtail site!"


@dataclass
class PageSpec:
    """One page of the demo: where it lives and what it says.

    `fields(refs)` returns the page's field values. It is called before every
    page exists (to create the page) and again once they all do (to link pages
    to each other), so it must cope with `refs.page(key)` returning None.
    """

    key: str
    model: type
    parent: str | None  # key of the parent page; None for the root of the tree
    slug: str
    title: str
    fields: Any  # callable: Refs -> dict


@dataclass
class ImageSpec:
    key: str
    title: str
    alt_text: str
    filename: str
    collection: str
    draw: Any  # callable: () -> JPEG bytes


@dataclass
class Report:
    pages_created: list = field(default_factory=list)
    pages_updated: list = field(default_factory=list)
    pages_unchanged: list = field(default_factory=list)
    images_created: int = 0
    images_reused: int = 0
    images_repaired: int = 0
    notes: list = field(default_factory=list)


class Refs:
    """What later content refers to: pages and images by key."""

    def __init__(self):
        self.pages = {}
        self.images = {}

    def page(self, key):
        return self.pages.get(key)

    def pages_for(self, *keys):
        return [self.pages[key] for key in keys if key in self.pages]

    def image(self, key):
        return self.images.get(key)


# Images -------------------------------------------------------------------------------------------


def ensure_collection(name):
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


class ImageLoader:
    """Finds each image by title, or draws it and stores it. Remembers new files so a failed run can remove them."""

    def __init__(self, report, refresh=False):
        self.report = report
        self.refresh = refresh
        self.collections = {}
        self.written_files = []

    def collection(self, name):
        if name not in self.collections:
            self.collections[name] = ensure_collection(name)
        return self.collections[name]

    def ensure(self, spec):
        collection = self.collection(spec.collection)
        image = CustomImage.objects.filter(title=spec.title).order_by("pk").first()
        if image is None:
            image = CustomImage(title=spec.title, alt_text=spec.alt_text, collection=collection)
            self._store_file(image, spec)
            image.save()
            self.report.images_created += 1
            return image

        changed = []
        if not image.file or not image.file.storage.exists(image.file.name):
            # The database row survived but media/ was cleared: draw the file again.
            self._store_file(image, spec)
            changed += ["file", "width", "height", "file_size", "file_hash"]
            self.report.images_repaired += 1
        if self.refresh:
            if image.alt_text != spec.alt_text:
                image.alt_text = spec.alt_text
                changed.append("alt_text")
            if image.collection_id != collection.pk:
                image.collection = collection
                changed.append("collection")
        if changed:
            image.save(update_fields=changed)
        if "file" not in changed:
            self.report.images_reused += 1
        return image

    def _store_file(self, image, spec):
        path = f"original_images/{spec.filename}"
        if default_storage.exists(path):
            # A file from an earlier database is still there: use it rather than pile up copies.
            with default_storage.open(path, "rb") as handle:
                data = handle.read()
            name = path
        else:
            data = spec.draw()
            name = default_storage.save(path, ContentFile(data))
            self.written_files.append(name)
        with PILImage.open(io.BytesIO(data)) as picture:
            image.width, image.height = picture.size
        image.file.name = name
        image.file_size = len(data)
        image._set_file_hash()

    def remove_written_files(self):
        for name in self.written_files:
            default_storage.delete(name)
        self.written_files = []


# Pages --------------------------------------------------------------------------------------------


def _strip_ids(value):
    if isinstance(value, dict):
        return {key: _strip_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_strip_ids(item) for item in value]
    return value


def _canonical_stream(stream_field, value):
    """A StreamField value as plain data without block ids, so two values can be compared."""
    stream_value = stream_field.to_python(copy.deepcopy(value) if isinstance(value, list) else value)
    for _child in stream_value:  # turn lazy raw data into blocks, so both sides are normalised alike
        pass
    return _strip_ids(stream_field.stream_block.get_prep_value(stream_value))


def _child_rows(manager, keys):
    return [tuple(getattr(row, key) for key in keys) for row in manager.all()]


def apply_fields(page, values, force=False):
    """Set `values` on `page` in memory. Returns the names that differed (all of them when `force`)."""
    changed = []
    for name, desired in values.items():
        try:
            model_field = page._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None

        if isinstance(model_field, StreamField):
            if force or _canonical_stream(model_field, getattr(page, name)) != _canonical_stream(model_field, desired):
                setattr(page, name, copy.deepcopy(desired))
                changed.append(name)
        elif isinstance(model_field, TaggableManager):
            manager = getattr(page, name)
            if force or set(manager.names()) != set(desired):
                manager.set(list(desired))
                changed.append(name)
        elif isinstance(model_field, ParentalManyToManyField):
            if force or {obj.pk for obj in getattr(page, name).all()} != {obj.pk for obj in desired}:
                setattr(page, name, list(desired))
                changed.append(name)
        elif isinstance(model_field, models.ManyToOneRel):
            # An inline child relation (e.g. rotations): a list of dicts, in order, all with the same keys.
            keys = sorted({key for row in desired for key in row})
            wanted = [tuple(row[key] for key in keys) for row in desired]
            if force or _child_rows(getattr(page, name), keys) != wanted:
                related = model_field.related_model
                setattr(page, name, [related(sort_order=index, **row) for index, row in enumerate(desired)])
                changed.append(name)
        elif isinstance(model_field, models.ForeignKey):
            if force or getattr(page, model_field.attname) != (desired.pk if desired else None):
                setattr(page, name, desired)
                changed.append(name)
        elif force or getattr(page, name) != desired:
            setattr(page, name, desired)
            changed.append(name)
    return changed


class PageBuilder:
    def __init__(self, refs, report, refresh=False):
        self.refs = refs
        self.report = report
        self.refresh = refresh
        self.created = set()

    def build(self, specs):
        specs = list(specs)
        # First pass: make sure every page exists, so pages can link to pages further down the list.
        for spec in specs:
            self._find_or_create(spec)
        # Second pass: fill in the links and publish a revision, for new pages and changed ones.
        for spec in specs:
            page = self.refs.pages[spec.key]
            if spec.key in self.created:
                apply_fields(page, {"title": spec.title, **spec.fields(self.refs)}, force=True)
                page.save_revision().publish()
                self.report.pages_created.append(page)
            elif self.refresh and apply_fields(page, {"title": spec.title, **spec.fields(self.refs)}):
                page.save_revision(log_action=True).publish()
                self.report.pages_updated.append(page)
            else:
                self.report.pages_unchanged.append(page)

    def _find_or_create(self, spec):
        parent = self.refs.page(spec.parent) if spec.parent else Page.get_first_root_node()
        if parent is None:
            raise CommandError(f"Cannot place '{spec.title}': its parent page '{spec.parent}' is missing.")
        existing = self.refs.page(spec.key) or Page.objects.child_of(parent).filter(slug=spec.slug).first()
        if existing is not None:
            existing = existing.specific
            if not isinstance(existing, spec.model):
                raise CommandError(
                    f"The page at '{existing.url_path}' is a {existing.specific_class.__name__}, not a "
                    f"{spec.model.__name__}. Rename its slug or move it, then run load_demo again."
                )
            self.refs.pages[spec.key] = existing
            return existing

        page = spec.model(title=spec.title, slug=spec.slug)
        apply_fields(page, spec.fields(self.refs), force=True)
        parent.add_child(instance=page)  # Wagtail logs the creation itself
        self.refs.pages[spec.key] = page
        self.created.add(spec.key)
        return page


def remove_welcome_page(report):
    """Delete the page Wagtail's first migration creates, unless someone has built on it."""
    root = Page.get_first_root_node()
    for page in Page.objects.child_of(root).filter(title=WELCOME_PAGE_TITLE):
        if page.specific_class is not Page or page.get_children().exists():
            continue
        # Sites cascade-delete with their root page: park them on the tree root until the new home exists.
        Site.objects.filter(root_page=page).update(root_page=root)
        page.delete()
        report.notes.append(f"Removed Wagtail's default page '{WELCOME_PAGE_TITLE}'.")


# Site, settings and users -------------------------------------------------------------------------


def ensure_site(home, site_name, report, address=("localhost", 80)):
    """The default site, at `address` (hostname, port), rooted at the demo home page."""
    hostname, port = address
    site = (
        Site.objects.filter(is_default_site=True).first()
        or Site.objects.filter(hostname=hostname, port=port).first()
        or Site(hostname=hostname, port=port)
    )
    wanted = {
        "hostname": hostname,
        "port": port,
        "root_page_id": home.pk,
        "is_default_site": True,
        "site_name": site_name,
    }
    changed = [name for name, value in wanted.items() if getattr(site, name) != value]
    if changed or site.pk is None:
        for name, value in wanted.items():
            setattr(site, name, value)
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
        site.save()
        report.notes.append(f"Pointed the default site ({site.root_url}) at the demo home page.")
    return site


def ensure_contact_settings(values, report, refresh=False):
    """Fill in the contact details; without `refresh`, only the ones still blank (staff may have edited them)."""
    settings = ContactSettings.load()
    changed = []
    for name, value in values.items():
        current = getattr(settings, name)
        if current != value and (refresh or not current):
            setattr(settings, name, value)
            changed.append(name)
    if changed:
        settings.save()
        report.notes.append(f"Contact settings: set {', '.join(changed)}.")
    return settings


@dataclass
class DemoUser:
    username: str
    password: str
    created: bool
    password_is_demo: bool


def ensure_demo_users():
    """The accounts the demo needs. Never changes an existing account's password."""
    user_model = get_user_model()
    users = []
    admin = user_model.objects.filter(username="admin").first()
    created = admin is None
    if created:
        admin = user_model.objects.create_superuser("admin", "admin@example.org", "admin")
    users.append(DemoUser("admin", "admin", created, created or admin.check_password("admin")))
    return users


DEMO_EDITORS = [
    # username, password, first name, last name, group
    ("comms", "comms-demo", "Casey", "Morgan", "Communications"),
    ("faculty", "faculty-demo", None, None, "Faculty"),
]


def ensure_editorial_demo(people_index, faculty_profile):
    """A communications user and a faculty user linked to one demo profile, and the people under review.

    Never changes an existing account's password; links the faculty account only if the profile has none.
    """
    from django.contrib.auth.models import Group

    from editorial.models import ProfileAccount
    from editorial.roles import assign_review_workflow

    user_model = get_user_model()
    users = []
    for username, password, first_name, last_name, group_name in DEMO_EDITORS:
        if username == "faculty":
            first_name, last_name = faculty_profile.first_name, faculty_profile.last_name
        user = user_model.objects.filter(username=username).first()
        created = user is None
        if created:
            user = user_model.objects.create_user(
                username, f"{username}@example.org", password, first_name=first_name, last_name=last_name
            )
        user.groups.add(Group.objects.get(name=group_name))
        users.append(DemoUser(username, password, created, created or user.check_password(password)))
        if username == "faculty" and not ProfileAccount.objects.filter(page=faculty_profile).exists():
            ProfileAccount.objects.get_or_create(user=user, defaults={"page": faculty_profile})
    assign_review_workflow(people_index)
    return users
