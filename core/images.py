"""Every image rendition the public site shows, named in one place.

Templates ask for a rendition set by name (``{% responsive_picture page.photo "portrait" sizes="..." %}``),
listings prefetch the same set by name (``prefetch_images(people, "photo", "portrait")``) and a background task
can pre-render ``ALL_RENDITION_SPECS``. Nobody writes a filter spec anywhere else, so what a template shows and
what Python prefetches cannot drift apart (tests/core/test_images.py fails on a filter spec in a template).

Each set has three widths, chosen so that the widest place the layout shows the image gets a sharp picture on a
1x, 2x and 3x screen, in AVIF and WebP with a JPEG fallback. A rendition never upscales, so a small original
simply gives smaller files.
"""

from dataclasses import dataclass
from functools import cache

FORMATS = ("avif", "webp", "jpeg")


@dataclass(frozen=True)
class RenditionSet:
    """One kind of picture: its crop, its widths and its formats."""

    operation: str  # a filter spec with {width} (and {height}) to fill in, e.g. "fill-{width}x{height}-c100"
    widths: tuple[int, ...]  # smallest first; the smallest is the <img>'s own src, width and height
    ratio: tuple[int, int] | None = None  # width:height of the crop; None keeps the original's shape
    formats: tuple[str, ...] = FORMATS  # in the order browsers should try them; the last is the fallback

    def sizes(self):
        """The resize part of each spec, e.g. ["fill-200x250-c100", ...]."""
        specs = []
        for width in self.widths:
            height = round(width * self.ratio[1] / self.ratio[0]) if self.ratio else None
            specs.append(self.operation.format(width=width, height=height))
        return specs

    @property
    def specs(self):
        """Every filter spec of the set, grouped by format (as Wagtail's Picture groups them)."""
        return [f"{size}|format-{image_format}" for image_format in self.formats for size in self.sizes()]


RENDITION_SETS = {
    # A person's portrait: ~200 px wide in a directory card, 16rem on a profile.
    "portrait": RenditionSet("fill-{width}x{height}-c100", (200, 400, 600), ratio=(4, 5)),
    # A card's picture: up to ~360 px wide (a full-width card on a phone).
    "card": RenditionSet("fill-{width}x{height}", (360, 720, 1080), ratio=(16, 9)),
    # The home page's hero: about half of a desktop screen, the full width of a phone.
    "hero": RenditionSet("fill-{width}x{height}", (560, 1120, 1680), ratio=(3, 2)),
    # The lead photo of a clinic site or a track: the width of the main column.
    "lead": RenditionSet("fill-{width}x{height}", (480, 960, 1440), ratio=(16, 9)),
    # An image in a page's body: the original's shape, the width of the reading column.
    "body": RenditionSet("width-{width}", (480, 960, 1440)),
    # What link previews show (Open Graph, Twitter): one JPEG at the size the networks ask for.
    "social": RenditionSet("fill-{width}x{height}", (1200,), ratio=(40, 21), formats=("jpeg",)),
}

ALL_RENDITION_SPECS = tuple(dict.fromkeys(spec for each in RENDITION_SETS.values() for spec in each.specs))


def rendition_set(name):
    try:
        return RENDITION_SETS[name]
    except KeyError:
        raise ValueError(f"No rendition set named {name!r}; the sets are {', '.join(RENDITION_SETS)}.") from None


# The sets that listings show many of on one page. Their renditions are made when an image is saved (core.tasks),
# never inside a visitor's request: a page shows the ones that exist (see existing_renditions).
MADE_AHEAD = ("portrait", "card")


@cache
def filters_of(name):
    """The set's specs as Wagtail Filter objects, made once per process: a Filter parses its spec into operations
    (through inspect.getcallargs) the first time it is used, and a listing of 24 portraits asks 216 times."""
    from wagtail.images.models import Filter

    return tuple(Filter(spec) for spec in rendition_set(name).specs)


def existing_renditions(image, name):
    """{spec: rendition} of the named set that already exist for `image`, in the set's order; never makes one.

    From the prefetched renditions where the listing prefetched them (no query), else the rendition cache or one
    query. A missing width is left out, so the browser picks the nearest existing one from the srcset; a missing
    format is left out of the <picture>'s sources.
    """
    peers = getattr(image, "renditions_on_demand", None)  # core.models.RenditionsOnDemand
    if peers is not None:
        peers.load()
    found = image.find_existing_renditions(*filters_of(name))
    # What Wagtail's get_renditions does after its lookup: keep what came from the database in the rendition cache,
    # so that a page that does not prefetch (search results) finds them there next time.
    rendition_model = image.get_rendition_model()
    additions = {
        rendition_model.construct_cache_key(image, each.get_cache_key(image), each.spec): rendition
        for each, rendition in found.items()
        if not getattr(rendition, "_from_cache", False)
    }
    if additions:
        rendition_model.cache_backend.set_many(additions)
    return {each.spec: found[each] for each in filters_of(name) if each in found}


def specs_for(*names):
    """The filter specs of the named rendition sets, in order, without repeats."""
    return list(dict.fromkeys(spec for name in names for spec in rendition_set(name).specs))


# libavif's encoder speed (0 slowest and smallest, 10 fastest). Pillow's default of 6 takes about 0.25 s for a
# 600 px portrait and over 0.5 s for a hero, inside the request of the first visitor who needs it; 8 is about six
# times faster for files about 10% larger, still well under the WebP and JPEG beside them.
AVIF_SPEED = 8


def use_faster_avif_encoding(speed=AVIF_SPEED):
    """Make AVIF renditions encode at `speed` unless a caller asks for another.

    Neither Wagtail nor Willow passes an encoder speed to Pillow, so this wraps Pillow's AVIF writer through
    Pillow's public plugin API (`Image.register_save`) to add the speed to the options of every AVIF it writes.
    """
    from PIL import AvifImagePlugin, Image

    writer = Image.SAVE.get("AVIF")
    if writer is None or getattr(writer, "avif_speed", None) is not None:
        return  # no AVIF support in this Pillow, or already wrapped

    def save_avif(image, fp, filename):
        image.encoderinfo = {"speed": speed, **image.encoderinfo}
        return writer(image, fp, filename)

    save_avif.avif_speed = speed
    Image.register_save(AvifImagePlugin.AvifImageFile.format, save_avif)
