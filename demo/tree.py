"""One way to build a page tree: used by `load_demo` and by the test suite's standard tree.

A tree is a list of `Node`s, parents before children. A node's field values may
refer to other pages and images by key (`PageRef`, `ImageRef`, or a rich text link
written `<a page="key">text</a>`); the builder resolves them against what it has
built so far. Pages are found by slug under their parent, so building again finds
what exists instead of duplicating it. How a missing page is made is up to the
caller: the demo saves the page model (`create_page`), tests pass their factories.
"""

import copy
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import CommandError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from taggit.managers import TaggableManager
from wagtail.fields import StreamField
from wagtail.models import Page


@dataclass(frozen=True)
class PageRef:
    key: str


@dataclass(frozen=True)
class ImageRef:
    key: str


@dataclass
class Node:
    """One page of a tree. `slug` and `title` may be None when `make_page` fills them in (factories do)."""

    key: str
    model: type
    parent: str | None  # key of the parent page; None for the builder's root
    slug: str | None = None
    title: str | None = None
    fields: dict = field(default_factory=dict)


class Refs:
    """What field values refer to: pages and images by key."""

    def __init__(self, pages=None, images=None):
        self.pages = dict(pages or {})
        self.images = dict(images or {})

    def page(self, key):
        return self.pages.get(key)


# A reference to a page not built yet. Inside a list (a StreamField's blocks, a many-to-many field)
# the item that holds it is left out; anywhere else the value becomes None. Links fill in on the second pass.
MISSING = object()
_PAGE_LINK = re.compile(r'<a page="([^"]+)">(.*?)</a>', re.S)


def resolve(value, refs):
    """`value` with its references replaced by pages and images, and rich text links by Wagtail's page links."""
    if isinstance(value, PageRef):
        return refs.page(value.key) or MISSING
    if isinstance(value, ImageRef):
        if value.key not in refs.images:
            raise CommandError(f"No demo image has the key '{value.key}'.")
        return refs.images[value.key]
    if isinstance(value, str) and "<a page=" in value:
        return _PAGE_LINK.sub(lambda match: _page_link(refs, *match.groups()), value)
    if isinstance(value, dict):
        resolved = {name: resolve(item, refs) for name, item in value.items()}
        return MISSING if any(item is MISSING for item in resolved.values()) else resolved
    if isinstance(value, list):
        return [item for item in (resolve(item, refs) for item in value) if item is not MISSING]
    return value


def _page_link(refs, key, text):
    page = refs.page(key)
    return f'<a linktype="page" id="{page.pk}">{text}</a>' if page else text


def resolve_fields(fields, refs):
    return {name: (None if value is MISSING else value) for name, value in resolve(dict(fields), refs).items()}


def has_missing(value, refs):
    """Whether `value` refers to a page not built yet."""
    if isinstance(value, PageRef):
        return refs.page(value.key) is None
    if isinstance(value, str):
        return any(refs.page(key) is None for key, _text in _PAGE_LINK.findall(value))
    if isinstance(value, dict):
        return any(has_missing(item, refs) for item in value.values())
    if isinstance(value, list):
        return any(has_missing(item, refs) for item in value)
    return False


# Setting field values ------------------------------------------------------------------------------


def _strip_ids(value):
    if isinstance(value, dict):
        return {key: _strip_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_strip_ids(item) for item in value]
    return value


def _raw_stream(value):
    """StreamField data with pages and images as their ids, as the blocks store them."""
    if isinstance(value, dict):
        return {key: _raw_stream(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_raw_stream(item) for item in value]
    return value.pk if isinstance(value, models.Model) else value


def _canonical_stream(stream_field, value):
    """A StreamField value as plain data without block ids, so two values can be compared."""
    stream_value = stream_field.to_python(copy.deepcopy(value) if isinstance(value, list) else value)
    for _child in stream_value:  # turn lazy raw data into blocks, so both sides are normalised alike
        pass
    return _strip_ids(stream_field.stream_block.get_prep_value(stream_value))


def _typed_row(model, row):
    """An inline row's values as the model's fields hold them (dates and times from data files are text)."""
    return {key: model._meta.get_field(key).to_python(value) for key, value in row.items()}


def apply_fields(page, values, force=False):
    """Set `values` on `page` in memory. Returns the names that differed (all of them when `force`)."""
    changed = []
    for name, desired in values.items():
        try:
            model_field = page._meta.get_field(name)
        except FieldDoesNotExist:
            raise CommandError(f"{type(page).__name__} has no field '{name}'.") from None

        if isinstance(model_field, StreamField):
            desired = _raw_stream(desired)
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
            related = model_field.related_model
            rows = [_typed_row(related, row) for row in desired]
            keys = sorted({key for row in rows for key in row})
            wanted = [tuple(row[key] for key in keys) for row in rows]
            current = [tuple(getattr(row, key) for key in keys) for row in getattr(page, name).all()]
            if force or current != wanted:
                setattr(page, name, [related(sort_order=index, **row) for index, row in enumerate(rows)])
                changed.append(name)
        elif isinstance(model_field, models.ForeignKey):
            if force or getattr(page, model_field.attname) != (desired.pk if desired else None):
                setattr(page, name, desired)
                changed.append(name)
        else:
            if desired is not None:
                desired = model_field.to_python(desired)
            if force or getattr(page, name) != desired:
                setattr(page, name, desired)
                changed.append(name)
    return changed


def create_page(model, parent, fields):
    """Save a new page of `model` under `parent` through the page model (Wagtail logs the creation)."""
    page = model(title=fields["title"], slug=fields["slug"])
    apply_fields(page, fields, force=True)
    parent.add_child(instance=page)
    return page


# Building ------------------------------------------------------------------------------------------


@dataclass
class TreeReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


class TreeBuilder:
    """Finds or makes every node's page, then fills in links to pages made later in the list.

    `publish`: give every new page a published revision (the demo), rather than leave it as made (tests).
    `refresh`: bring existing pages in line with their nodes, saving a revision only where something differs.
    """

    def __init__(self, refs=None, root=None, make_page=create_page, publish=True, refresh=False):
        self.refs = refs or Refs()
        self.root = root
        self.make_page = make_page
        self.publish = publish
        self.refresh = refresh
        self.report = TreeReport()

    def build(self, nodes):
        nodes = list(nodes)
        created = {}
        for node in nodes:  # first pass: every page exists, so links to pages further down can resolve
            page, is_new = self._find_or_make(node)
            if is_new:
                created[node.key] = has_missing(node.fields, self.refs)
        for node in nodes:  # second pass: links, and a revision for new pages and changed ones
            page = self.refs.pages[node.key]
            values = {**({"title": node.title} if node.title else {}), **node.fields}
            if node.key in created:
                if self.publish:
                    apply_fields(page, resolve_fields(values, self.refs), force=True)
                    page.save_revision().publish()
                elif created[node.key]:
                    apply_fields(page, resolve_fields(values, self.refs), force=True)
                    page.save()
                self.report.created.append(page)
            elif self.refresh and apply_fields(page, resolve_fields(values, self.refs)):
                page.save_revision(log_action=True).publish()
                self.report.updated.append(page)
            else:
                self.report.unchanged.append(page)
        return self.refs

    def _find_or_make(self, node):
        parent = self.refs.page(node.parent) if node.parent else (self.root or Page.get_first_root_node())
        if parent is None:
            raise CommandError(f"Cannot place '{node.title or node.key}': its parent page '{node.parent}' is missing.")
        existing = self.refs.page(node.key)
        if existing is None and node.slug:
            existing = Page.objects.child_of(parent).filter(slug=node.slug).first()
        if existing is not None:
            existing = existing.specific
            if not isinstance(existing, node.model):
                raise CommandError(
                    f"The page at '{existing.url_path}' is a {existing.specific_class.__name__}, not a "
                    f"{node.model.__name__}. Rename its slug or move it, then build again."
                )
            self.refs.pages[node.key] = existing
            return existing, False
        named = {name: value for name, value in (("title", node.title), ("slug", node.slug)) if value}
        page = self.make_page(node.model, parent, {**named, **resolve_fields(node.fields, self.refs)})
        self.refs.pages[node.key] = page
        return page, True
