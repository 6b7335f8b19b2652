"""Placeholder pictures for the demo site, drawn with Pillow at load time.

Nothing here is a photo and nothing is downloaded: every picture is a few
abstract shapes on a soft gradient, and the same seed always draws the same
picture. Each drawing function returns JPEG bytes.
"""

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

PORTRAIT_SIZE = (640, 800)
HERO_SIZE = (1600, 900)
CARD_SIZE = (1200, 675)

# Drawn at twice the size and scaled down, so curves have smooth edges.
SUPERSAMPLE = 2

# (name, gradient top, gradient bottom, figure, light accent)
PALETTES = [
    ("teal", (214, 236, 233), (128, 184, 178), (34, 82, 90), (246, 251, 250)),
    ("blue", (218, 230, 246), (138, 168, 212), (38, 60, 104), (246, 249, 253)),
    ("sand", (247, 235, 214), (221, 182, 142), (104, 62, 42), (253, 249, 242)),
    ("lavender", (232, 225, 245), (168, 150, 210), (70, 52, 112), (250, 248, 253)),
    ("sage", (228, 238, 216), (158, 188, 140), (54, 84, 50), (249, 252, 246)),
    ("rose", (247, 225, 229), (212, 150, 166), (106, 42, 64), (253, 247, 248)),
    ("slate", (226, 230, 236), (148, 160, 178), (42, 52, 70), (248, 249, 251)),
    ("apricot", (250, 229, 212), (232, 160, 122), (112, 52, 30), (254, 248, 243)),
]


def seeded_random(seed):
    """A random generator that gives the same sequence for the same seed text, on every machine."""
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big"))


def palette_for(seed, name=None):
    """The named palette, or one picked by the seed."""
    if name:
        return next(palette for palette in PALETTES if palette[0] == name)
    return seeded_random(f"palette:{seed}").choice(PALETTES)


def initials(first_name, last_name):
    return f"{first_name[:1]}{last_name[:1]}".upper()


def _gradient(size, top, bottom):
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _soft_circles(image, rng, colour, count, radius_range, alpha):
    """Translucent circles scattered over the image, for a little depth."""
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    width, height = image.size
    for _ in range(count):
        radius = rng.uniform(*radius_range) * width
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, alpha))
    return Image.alpha_composite(image.convert("RGBA"), overlay)


def _finish(image, size):
    image = image.convert("RGB").reduce(SUPERSAMPLE)
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()


def draw_portrait(seed, text):
    """A head-and-shoulders silhouette with the person's initials on a soft gradient (640 x 800)."""
    rng = seeded_random(seed)
    _, top, bottom, figure, light = palette_for(seed)
    width, height = (side * SUPERSAMPLE for side in PORTRAIT_SIZE)

    image = _gradient((width, height), top, bottom)
    image = _soft_circles(image, rng, light, 3, (0.12, 0.3), 60)
    draw = ImageDraw.Draw(image)

    cx = width * rng.uniform(0.48, 0.52)
    head_rx, head_ry = width * rng.uniform(0.16, 0.18), height * rng.uniform(0.14, 0.155)
    head_cy = height * 0.4
    shoulder_top = height * rng.uniform(0.61, 0.64)
    shoulder_half = width * rng.uniform(0.38, 0.42)
    neck_half = head_rx * 0.55

    draw.rounded_rectangle(
        (cx - shoulder_half, shoulder_top, cx + shoulder_half, height * 1.2), radius=width * 0.2, fill=figure
    )
    draw.rectangle((cx - neck_half, head_cy, cx + neck_half, shoulder_top + height * 0.05), fill=figure)
    draw.ellipse((cx - head_rx, head_cy - head_ry, cx + head_rx, head_cy + head_ry), fill=figure)

    font = ImageFont.load_default(size=int(height * 0.095))
    draw.text((cx, height * 0.855), text, font=font, fill=light, anchor="mm")
    return _finish(image, PORTRAIT_SIZE)


def draw_abstract(seed, size=HERO_SIZE, palette=None):
    """Overlapping soft circles and two gentle waves on a gradient: a wide banner."""
    rng = seeded_random(seed)
    _, top, bottom, figure, light = palette_for(seed, palette)
    width, height = (side * SUPERSAMPLE for side in size)

    image = _gradient((width, height), top, bottom)
    image = _soft_circles(image, rng, light, 7, (0.05, 0.22), 70)

    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for index, alpha in enumerate((70, 110)):
        base = height * (0.68 + 0.1 * index)
        amplitude = height * rng.uniform(0.04, 0.08)
        phase = rng.uniform(0, math.tau)
        points = [
            (x, base + amplitude * math.sin(phase + x / width * math.tau * 1.2)) for x in range(0, width + 40, 40)
        ]
        draw.polygon([*points, (width, height), (0, height)], fill=(*figure, alpha))
    image = Image.alpha_composite(image, overlay)
    return _finish(image, size)


def draw_schedule_card(seed, size=CARD_SIZE):
    """Rows of rounded squares in which every fifth is highlighted: the 4+1 schedule as a picture."""
    _, top, bottom, figure, light = palette_for(seed)
    width, height = (side * SUPERSAMPLE for side in size)
    image = _gradient((width, height), top, bottom)
    draw = ImageDraw.Draw(image)

    columns, rows = 10, 4
    gap = width * 0.02
    cell = (width * 0.8 - gap * (columns - 1)) / columns
    left = (width - (cell * columns + gap * (columns - 1))) / 2
    top_edge = (height - (cell * rows + gap * (rows - 1))) / 2
    for row in range(rows):
        for column in range(columns):
            x = left + column * (cell + gap)
            y = top_edge + row * (cell + gap)
            highlighted = (row * columns + column) % 5 == 4
            draw.rounded_rectangle(
                (x, y, x + cell, y + cell), radius=cell * 0.18, fill=figure if highlighted else light
            )
    return _finish(image, size)


def draw_clinic(seed, size=CARD_SIZE):
    """A simple low building with windows, a door and a tree, under a soft sky."""
    rng = seeded_random(seed)
    _, top, bottom, figure, light = palette_for(seed)
    width, height = (side * SUPERSAMPLE for side in size)

    image = _gradient((width, height), light, top)
    draw = ImageDraw.Draw(image)

    sun_r = width * 0.05
    sun_x, sun_y = width * rng.uniform(0.1, 0.9), height * rng.uniform(0.12, 0.25)
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=(252, 236, 190))

    ground = height * 0.8
    draw.rectangle((0, ground, width, height), fill=bottom)

    floors = rng.choice((1, 2, 2, 3))
    building_w = width * rng.uniform(0.5, 0.58)
    building_h = height * (0.2 + 0.14 * floors)
    left = (width - building_w) / 2 + width * rng.uniform(-0.06, 0.06)
    roof = ground - building_h
    draw.rectangle((left, roof, left + building_w, ground), fill=(250, 250, 248))
    draw.rectangle((left - width * 0.01, roof - height * 0.03, left + building_w + width * 0.01, roof), fill=figure)

    columns = rng.choice((5, 6, 7))
    pane_w = building_w / (columns * 1.6 + 0.6)
    pane_h = height * 0.08
    for floor in range(floors):
        y = roof + height * 0.05 + floor * height * 0.14
        for column in range(columns):
            x = left + pane_w * 0.6 + column * pane_w * 1.6
            draw.rectangle((x, y, x + pane_w, y + pane_h), fill=top)

    door_w = building_w * 0.12
    door_x = left + (building_w - door_w) / 2
    draw.rectangle((door_x, ground - height * 0.14, door_x + door_w, ground), fill=figure)

    tree_x = left - width * 0.08 if rng.random() < 0.5 else left + building_w + width * 0.08
    trunk_w = width * 0.012
    draw.rectangle((tree_x - trunk_w, ground - height * 0.18, tree_x + trunk_w, ground), fill=(110, 84, 60))
    canopy = width * 0.06
    draw.ellipse((tree_x - canopy, ground - height * 0.36, tree_x + canopy, ground - height * 0.14), fill=figure)
    return _finish(image, size)
