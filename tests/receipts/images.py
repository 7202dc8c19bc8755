"""Image bytes for tests and benchmarks, made with Pillow and a few hand-built chunks."""

from __future__ import annotations

import base64
import io
import random
import struct
import zlib

from PIL import Image


def png(width: int = 200, height: int = 200, *, mode: str = "RGB", **params) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), _colour(mode)).save(out, "PNG", **params)
    return out.getvalue()


def jpeg(width: int = 200, height: int = 200, *, mode: str = "RGB", **params) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), _colour(mode)).save(out, "JPEG", **params)
    return out.getvalue()


def other_format(fmt: str, width: int = 200, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def noisy_jpeg(width: int, height: int, *, quality: int = 90, seed: int = 7) -> bytes:
    """A photo-like JPEG (smooth gradient plus noise), so its size is that of a real photo."""
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    image = Image.merge(
        "RGB", (gradient, Image.blend(gradient, noise, 0.35), noise.point(lambda v: v // 2))
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def noisy_png(width: int, height: int, *, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_with_declared_size(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` with a token of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def png_insert_chunks(data: bytes, *chunks: bytes) -> bytes:
    """``data`` with ``chunks`` placed right after IHDR (8-byte signature + 25-byte IHDR)."""
    return data[:33] + b"".join(chunks) + data[33:]


def png_padded_to(size: int, width: int = 600, height: int = 400) -> bytes:
    """A valid PNG of exactly ``size`` bytes: a noisy image plus a private ancillary chunk."""
    base = noisy_png(width, height)
    missing = size - len(base) - 12
    assert missing >= 0, "the base image is already larger than the target"
    return png_insert_chunks(base, png_chunk(b"prVt", b"\x00" * missing))


def jpeg_with_declared_size(width: int, height: int) -> bytes:
    """A small JPEG whose SOF header is rewritten to claim ``width`` × ``height``."""
    data = bytearray(jpeg(16, 16))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_with_comment(text: bytes) -> bytes:
    data = jpeg(200, 200)
    segment = b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text
    return data[:2] + segment + data[2:]


def _colour(mode: str):
    return {"RGB": (30, 90, 160), "RGBA": (30, 90, 160, 200), "CMYK": (10, 20, 30, 40)}.get(
        mode, 128
    )
