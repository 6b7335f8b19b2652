"""The demo's pictures: found by title, or drawn (see portraits.py) and stored.

Idempotent: an image that exists is reused; with `refresh` its alt text and collection
are brought in line with the data; a row whose file went missing gets its file drawn again.
"""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from wagtail.models import Collection

from core.models import CustomImage
from demo.portraits import CARD_SIZE, HERO_SIZE, draw_abstract, draw_clinic, draw_portrait, draw_schedule_card

DRAWINGS = {
    "abstract": draw_abstract,
    "clinic": draw_clinic,
    "portrait": draw_portrait,
    "schedule_card": draw_schedule_card,
}
SIZES = {"hero": HERO_SIZE, "card": CARD_SIZE}


@dataclass
class ImageSpec:
    """One image of the demo data: `draw` names a drawing of portraits.py and its arguments."""

    key: str
    title: str
    alt_text: str
    filename: str
    collection: str
    draw: dict

    def picture(self):
        """The JPEG bytes of the drawing."""
        arguments = dict(self.draw)
        drawing = DRAWINGS[arguments.pop("drawing")]
        if "size" in arguments:
            arguments["size"] = SIZES[arguments["size"]]
        return drawing(**arguments)


def ensure_collection(name):
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


class ImageLoader:
    """Finds each image by title, or draws it and stores it. Remembers new files so a failed run can remove them."""

    def __init__(self, refresh=False):
        self.images_created = self.images_reused = self.images_repaired = 0
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
            self.images_created += 1
            return image

        changed = []
        if not image.file or not image.file.storage.exists(image.file.name):
            # The database row survived but media/ was cleared: draw the file again.
            self._store_file(image, spec)
            changed += ["file", "width", "height", "file_size", "file_hash"]
            self.images_repaired += 1
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
            self.images_reused += 1
        return image

    def _store_file(self, image, spec):
        path = f"original_images/{spec.filename}"
        if default_storage.exists(path):
            # A file from an earlier database is still there: use it rather than pile up copies.
            with default_storage.open(path, "rb") as handle:
                data = handle.read()
            name = path
        else:
            data = spec.picture()
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
