"""Pictures: one registry of rendition specs, AVIF/WebP/JPEG at 1x/2x/3x, real sizes, width and height, lazy below
the fold."""

import re
from pathlib import Path

from django.conf import settings
from django.template import engines

from core.factories import CustomImageFactory
from core.images import ALL_RENDITION_SPECS, RENDITION_SETS, specs_for
from tests.utils import SiteTestCase, parse_tags

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
# Wagtail's image tags take filter specs written in the template, which is what the registry replaces.
SPEC_WRITING_TAGS = re.compile(r"{%\s*(image|picture|srcset_image)\s")


def render(source, **context):
    return engines["django"].from_string("{% load image_tags %}" + source).render(context)


class RenditionRegistryTests(SiteTestCase):
    def test_no_template_writes_a_filter_spec_of_its_own(self):
        offenders = []
        for directory in TEMPLATE_DIRS:
            for path in directory.rglob("*.html"):
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    if SPEC_WRITING_TAGS.search(line):
                        offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
        self.assertEqual(offenders, [], "Use {% responsive_picture image 'set name' %} from core/images.py")

    def test_every_set_has_three_widths_in_avif_webp_and_jpeg(self):
        for name, rendition_set in RENDITION_SETS.items():
            with self.subTest(set=name):
                if name == "social":
                    self.assertEqual(rendition_set.specs, ["fill-1200x630|format-jpeg"])
                    continue
                self.assertEqual(len(rendition_set.widths), 3)
                self.assertEqual(rendition_set.widths[1], 2 * rendition_set.widths[0])
                self.assertEqual(rendition_set.widths[2], 3 * rendition_set.widths[0])
                self.assertEqual(len(rendition_set.specs), 9)
                for image_format in ("avif", "webp", "jpeg"):
                    self.assertEqual(sum(spec.endswith(f"format-{image_format}") for spec in rendition_set.specs), 3)

    def test_all_specs_lists_every_set_once(self):
        self.assertEqual(len(ALL_RENDITION_SPECS), len(set(ALL_RENDITION_SPECS)))
        self.assertEqual(set(ALL_RENDITION_SPECS), set(specs_for(*RENDITION_SETS)))

    def test_picture_has_sources_srcset_sizes_and_dimensions(self):
        image = CustomImageFactory(file__width=1800, file__height=2250, alt_text="Dr. Example in clinic")
        html = render(
            '{% responsive_picture image "portrait" sizes="(min-width: 48rem) 16rem, 12rem" loading="lazy" %}',
            image=image,
        )
        tags = parse_tags(html)
        sources = {tag["attrs"]["type"]: tag["attrs"] for tag in tags if tag["tag"] == "source"}
        self.assertEqual(list(sources), ["image/avif", "image/webp"])
        (img,) = [tag["attrs"] for tag in tags if tag["tag"] == "img"]
        for attrs in [*sources.values(), img]:
            widths = [candidate.split()[-1] for candidate in attrs["srcset"].split(", ")]
            self.assertEqual(widths, ["200w", "400w", "600w"])  # 1x, 2x and 3x of a 200 px card
            self.assertEqual(attrs["sizes"], "(min-width: 48rem) 16rem, 12rem")
        self.assertTrue(img["src"].endswith(".jpg"))
        self.assertEqual((img["width"], img["height"]), ("200", "250"))
        self.assertEqual(img["alt"], "Dr. Example in clinic")
        self.assertEqual(img["loading"], "lazy")

    def test_decorative_alt_and_missing_image(self):
        image = CustomImageFactory()
        self.assertIn('alt=""', render('{% responsive_picture image "card" sizes="10rem" alt="" %}', image=image))
        self.assertEqual(render('{% responsive_picture image "card" sizes="10rem" %}', image=None), "")

    def test_avif_renditions_are_encoded_at_the_configured_speed(self):
        from django.conf import settings
        from PIL import Image as PILImage

        self.assertEqual(PILImage.SAVE["AVIF"].avif_speed, settings.AVIF_ENCODER_SPEED)
        image = CustomImageFactory(file__width=800, file__height=1000)
        rendition = image.get_rendition(specs_for("portrait")[2])
        self.assertTrue(rendition.file.name.endswith(".avif"))
        with rendition.file.open("rb") as handle, PILImage.open(handle) as picture:
            self.assertEqual((picture.format, picture.size), ("AVIF", (600, 750)))
