"""The demo site's content, read from the YAML files in demo/content/ (one per area).

A file holds `images` and `pages` (and site.yaml the site's name, contact details and
accounts). A page names its model (`app.Model`), its parent's key, slug, title and
fields; a file's `defaults` fill in what its pages leave out, for pages that do not name
their own model. Fields refer to other
pages with `!page key` and to images with `!image key`; rich text links to a page
with `<a page="key">text</a>`.

The Primary Care Track's facts come from its current page (seed/primary-care-track.txt):
every sentence of the seed is in these files, in the field where it belongs. Everything
else (people, clinic names and addresses, phone numbers, the dates of the application
cycle) is made up, and the site footer says so.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.apps import apps

from demo.images import ImageSpec
from demo.tree import ImageRef, Node, PageRef

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# Read in this order: parents before children, and siblings in menu order.
AREAS = [
    "home",
    "track",
    "curriculum",
    "clinic_sites",
    "people",
    "apply",
    "faculty",
    "residents",
    "graduates",
    "pages",
]


class DemoLoader(yaml.SafeLoader):
    """YAML with two tags: `!page key` and `!image key`."""


DemoLoader.add_constructor("!page", lambda loader, node: PageRef(loader.construct_scalar(node)))
DemoLoader.add_constructor("!image", lambda loader, node: ImageRef(loader.construct_scalar(node)))


@dataclass
class DemoContent:
    site: dict
    images: list
    nodes: list


def read(name, directory=CONTENT_DIR):
    with open(directory / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=DemoLoader)  # safe: a SafeLoader that knows two more tags


def node_from(entry, defaults):
    if "type" in entry:  # a page that names its own type takes none of the file's defaults
        defaults = {}
    entry = {**defaults, **entry, "fields": {**defaults.get("fields", {}), **entry.get("fields", {})}}
    return Node(
        key=entry["key"],
        model=apps.get_model(entry["type"]),
        parent=entry["parent"],
        slug=entry["slug"],
        title=entry["title"],
        fields=entry["fields"],
    )


def load_content(directory=CONTENT_DIR):
    images, nodes = [], []
    for area in AREAS:
        data = read(area, directory)
        defaults = data.get("defaults", {})
        images += [ImageSpec(**entry) for entry in data.get("images", [])]
        nodes += [node_from(entry, defaults) for entry in data["pages"]]
    return DemoContent(site=read("site", directory), images=images, nodes=nodes)
