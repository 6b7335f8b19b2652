"""Image files that pass a header check and fail when their pixels are read: truncated, corrupt and lying."""

import io
import struct
import zlib

from PIL import Image


def encoded(format_name, size=(480, 600)):
    buffer = io.BytesIO()
    image = Image.radial_gradient("L").resize(size).convert("RGB")
    image.save(buffer, format_name, **({"quality": 90} if format_name != "PNG" else {}))
    return buffer.getvalue()


def truncated(format_name):
    """The first half of a real file: the header is intact (Pillow opens it), the pixels stop short."""
    data = encoded(format_name)
    return data[: len(data) // 2]


def corrupt(format_name):
    """A real file with its compressed pixel data overwritten by noise from a third of the way in."""
    data = bytearray(encoded(format_name))
    start = len(data) // 3
    data[start : start + 4096] = bytes((index * 97 + 13) % 256 for index in range(4096))
    return bytes(data)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def lying_png():
    """A PNG header claiming 640 x 800 pixels, followed by a JPEG's bytes where its pixel data should be."""
    header = struct.pack(">IIBBBBB", 640, 800, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", encoded("JPEG"))
        + png_chunk(b"IEND", b"")
    )


EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def hostile_files():
    """[(label, file name, content type, bytes)] for each kind of damage in JPEG, PNG and WebP."""
    files = []
    for format_name, extension in EXTENSIONS.items():
        for damage in (truncated, corrupt):
            files.append(
                (
                    f"{damage.__name__} {format_name}",
                    f"photo.{extension}",
                    CONTENT_TYPES[format_name],
                    damage(format_name),
                )
            )
    files.append(("lying PNG", "photo.png", "image/png", lying_png()))
    return files
