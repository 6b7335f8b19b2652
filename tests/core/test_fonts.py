"""Web fonts: at most 50 KB on a page in English, all from this site, and the ones the first screen needs preloaded."""

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR, "static", "css", "site.css")
FONTS = Path(settings.BASE_DIR, "static", "fonts")
BASE_TEMPLATE = Path(settings.BASE_DIR, "templates", "base.html")
FONT_BUDGET_BYTES = 50_000


def font_faces():
    """[(file name, [(first, last) code point ranges])] of every @font-face in site.css."""
    faces = []
    for block in re.findall(r"@font-face\s*\{([^}]*)\}", CSS.read_text()):
        source = re.search(r'src:\s*url\("([^"]+)"\)', block).group(1)
        ranges = []
        for part in re.search(r"unicode-range:\s*([^;]+);", block).group(1).split(","):
            first, _, last = part.strip().removeprefix("U+").partition("-")
            ranges.append((int(first, 16), int(last or first, 16)))
        faces.append((source, ranges))
    return faces


def test_the_fonts_a_page_in_english_loads_weigh_at_most_50_kb():
    english = {
        ord(character) for character in "Apply to the Primary Care Track: 4+1 schedule, clinic sites — “faculty”…"
    }
    loaded = {
        source
        for source, ranges in font_faces()
        if any(first <= code <= last for code in english for first, last in ranges)
    }
    assert loaded == {"../fonts/source-sans-3-site-wght-normal.woff2", "../fonts/source-serif-4-site-650-normal.woff2"}
    total = sum((FONTS / Path(source).name).stat().st_size for source in loaded)
    assert total <= FONT_BUDGET_BYTES, f"{total:,} bytes of fonts"


def test_every_font_is_served_from_this_site_and_exists():
    for source, _ in font_faces():
        assert source.startswith("../fonts/"), source
        assert (FONTS / Path(source).name).is_file(), source


def test_the_first_screen_fonts_are_preloaded():
    preloaded = re.findall(
        r"<link rel=\"preload\" href=\"\{% static 'fonts/([^']+)' %\}\" as=\"font\"", BASE_TEMPLATE.read_text()
    )
    assert preloaded == ["source-sans-3-site-wght-normal.woff2", "source-serif-4-site-650-normal.woff2"]
