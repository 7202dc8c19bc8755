"""Hostile and borderline image uploads, each with the answer the API must give.

Every case is built in memory from a few lines of code (nothing binary is committed); run
``python -m tests.receipts.corpus DIR`` to write them all out as files, for example to feed
another decoder or to inspect them by hand. ``src`` is exactly what a client would send in
``POST /order-management/v1/image``; ``reason`` is a fragment of ``invalidParams[0].reason``
(name ``src``) for refused cases.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from receipts.validation.images import IMAGE_MAX_BYTES
from tests.receipts import images as img


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], str]  # the `src` field, as sent
    status: int  # 201 accepted, 400 refused
    reason: str = ""
    why: str = ""

    @property
    def src(self) -> str:
        return self.build()


def raw(builder: Callable[[], bytes]) -> Callable[[], str]:
    return lambda: img.b64(builder())


def _truncated_jpeg() -> bytes:
    data = img.noisy_jpeg(400, 300)
    return data[: len(data) // 2]


def _truncated_png() -> bytes:
    data = img.noisy_png(300, 200)
    return data[: len(data) - 200]


def _png_bad_crc() -> bytes:
    data = bytearray(img.noisy_png(300, 200))
    data[-20] ^= 0xFF  # inside the last IDAT payload, so its CRC no longer matches
    return bytes(data)


def _apng() -> bytes:
    from io import BytesIO

    from PIL import Image

    frames = [Image.new("RGB", (200, 200), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


def _ztxt_bomb() -> bytes:
    # Each zTXt chunk inflates 1 KB into 1 MB of text; eight of them pass the 4 MB text cap.
    payload = b"Comment\x00\x00" + zlib.compress(b"A" * (1024 * 1024 - 1), 9)
    chunks = [img.png_chunk(b"zTXt", payload) for _ in range(8)]
    return img.png_insert_chunks(img.png(200, 200), *chunks)


def _gif_js_polyglot() -> bytes:
    # GIF89a followed by "=" makes the header a JavaScript assignment: a classic GIF/JS polyglot.
    gif = img.other_format("GIF", 200, 200)
    return gif[:6] + b"/*" + gif[8:] + b"*/=1;alert(document.domain);"


def _png_html_polyglot() -> bytes:
    return img.png(200, 200) + b"<html><script>alert(document.domain)</script></html>"


def _jpeg_zip_polyglot() -> bytes:
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil.html", "<script>alert(1)</script>")
    return img.jpeg(200, 200) + archive.getvalue()


def _jpeg_trailing_zeros() -> bytes:
    return img.jpeg(200, 200) + b"\x00" * 16


def _jpeg_without_eoi() -> bytes:
    return img.jpeg(200, 200)[:-2]


def _svg() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="200" '
        b'height="200"><script>alert(1)</script><rect width="200" height="200"/></svg>'
    )


def _html() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _mime_wrapped() -> str:
    return base64.encodebytes(img.png(200, 200)).decode("ascii")  # lines of 76 + "\n"


def _crlf_and_spaces() -> str:
    text = img.b64(img.jpeg(200, 200))
    return "  " + "\r\n\t ".join(text[i : i + 60] for i in range(0, len(text), 60)) + "\n"


def _urlsafe() -> str:
    # Pick an image whose encoding has '+' or '/', then switch to the URL-safe alphabet.
    for size in range(200, 260):
        text = img.b64(img.noisy_png(size, 200))
        if "+" in text or "/" in text:
            return text.translate(str.maketrans("+/", "-_"))
    raise AssertionError("no sample with + or /")


def _unpadded() -> str:
    for width in range(200, 240):
        text = img.b64(img.png(width, 200))
        if text.endswith("="):
            return text.rstrip("=")
    raise AssertionError("no sample needing padding")


CASES: tuple[Case, ...] = (
    # accepted
    Case("png_rgb_200x200", raw(lambda: img.png(200, 200)), 201),
    Case("jpeg_rgb_200x200", raw(lambda: img.jpeg(200, 200)), 201),
    Case("png_height_167", raw(lambda: img.png(400, 167)), 201, why="the minimum height"),
    Case("jpeg_height_167", raw(lambda: img.jpeg(400, 167)), 201, why="the minimum height"),
    Case("jpeg_progressive", raw(lambda: img.jpeg(300, 300, progressive=True)), 201),
    Case("jpeg_cmyk", raw(lambda: img.jpeg(200, 200, mode="CMYK")), 201),
    Case("png_rgba", raw(lambda: img.png(200, 200, mode="RGBA")), 201),
    Case("png_16_bit_grey", raw(lambda: img.png(200, 200, mode="I;16")), 201),
    Case(
        "png_exactly_2mb",
        raw(lambda: img.png_padded_to(IMAGE_MAX_BYTES)),
        201,
        why="2 MB is 2 × 1024 × 1024 bytes of decoded file, inclusive",
    ),
    Case(
        "jpeg_with_script_in_comment",
        raw(lambda: img.jpeg_with_comment(b"<html><script>alert(1)</script></html>")),
        201,
        why="a valid JPEG; text inside metadata is harmless when served as image/jpeg "
        "with nosniff and a sandboxing CSP",
    ),
    Case("base64_mime_wrapped", _mime_wrapped, 201, why="line breaks are ignored"),
    Case("base64_crlf_tabs_spaces", _crlf_and_spaces, 201, why="whitespace is ignored"),
    # refused: size and dimensions
    Case(
        "png_2mb_plus_one_byte",
        raw(lambda: img.png_padded_to(IMAGE_MAX_BYTES + 1)),
        400,
        "the limit is 2097152 bytes",
    ),
    Case("png_height_166", raw(lambda: img.png(400, 166)), 400, "at least 167 px high"),
    Case("jpeg_height_166", raw(lambda: img.jpeg(400, 166)), 400, "at least 167 px high"),
    Case(
        "png_declares_100000x100000",
        raw(lambda: img.png_with_declared_size(100_000, 100_000)),
        400,
        "decompression bomb",
    ),
    Case(
        "png_declares_20000x20000",
        raw(lambda: img.png_with_declared_size(20_000, 20_000)),
        400,
        "images must be at most 8000 px a side",
        why="under Pillow's own limit, over ours",
    ),
    Case(
        "png_declares_4000x2001",
        raw(lambda: img.png_with_declared_size(4000, 2001)),
        400,
        "8000000 pixels",
    ),
    Case(
        "jpeg_declares_65000x65000",
        raw(lambda: img.jpeg_with_declared_size(65_000, 65_000)),
        400,
        "decompression bomb",
    ),
    Case("png_ztxt_text_bomb", raw(_ztxt_bomb), 400, "damaged image header"),
    # refused: damaged files
    Case("jpeg_truncated_mid_scan", raw(_truncated_jpeg), 400, "could not be decoded as JPEG"),
    Case("jpeg_without_eoi", raw(_jpeg_without_eoi), 400, "JPEG"),
    Case("png_truncated_before_iend", raw(_truncated_png), 400, "damaged PNG"),
    Case("png_bad_crc", raw(_png_bad_crc), 400, "damaged PNG"),
    Case("png_signature_only", raw(lambda: b"\x89PNG\r\n\x1a\n"), 400, "not a JPEG or PNG"),
    Case("random_bytes", raw(lambda: bytes(range(256)) * 8), 400, "not a JPEG or PNG"),
    # refused: other formats, whatever the name or type the client believes
    Case("gif_renamed", raw(lambda: img.other_format("GIF")), 400, "is a GIF image"),
    Case("webp_renamed", raw(lambda: img.other_format("WEBP")), 400, "is a WebP image"),
    Case("bmp_renamed", raw(lambda: img.other_format("BMP")), 400, "is a BMP image"),
    Case("tiff_renamed", raw(lambda: img.other_format("TIFF")), 400, "is a TIFF image"),
    Case("svg_renamed", raw(_svg), 400, "markup (SVG, XML or HTML)"),
    Case("html_renamed", raw(_html), 400, "markup (SVG, XML or HTML)"),
    Case("animated_png", raw(_apng), 400, "animated PNG"),
    # refused: polyglots (an image with something else appended)
    Case("png_html_polyglot", raw(_png_html_polyglot), 400, "bytes after the end of the PNG"),
    Case("jpeg_zip_polyglot", raw(_jpeg_zip_polyglot), 400, "bytes after the end of the JPEG"),
    Case("jpeg_trailing_zeros", raw(_jpeg_trailing_zeros), 400, "after the end of the JPEG"),
    Case("gif_javascript_polyglot", raw(_gif_js_polyglot), 400, "is a GIF image"),
    # refused: the base64 text itself
    Case(
        "data_uri_png",
        lambda: "data:image/png;base64," + img.b64(img.png()),
        400,
        "without a 'data:image/...;base64,' prefix",
    ),
    Case(
        "data_uri_upper_case",
        lambda: "DATA:image/jpeg;base64," + img.b64(img.jpeg()),
        400,
        "'data:",
    ),
    Case("base64_url_safe_alphabet", _urlsafe, 400, "is not valid base64"),
    Case("base64_without_padding", _unpadded, 400, "is not valid base64"),
    Case("base64_non_ascii", lambda: img.b64(img.png()) + "é", 400, "must be base64"),
    Case("base64_only_whitespace", lambda: " \n\t ", 400, "must not be empty"),
    Case(
        "base64_far_too_long",
        lambda: "A" * (4 * (IMAGE_MAX_BYTES // 3 + 1) + 4),
        400,
        "the limit is 2097152 bytes",
        why="refused from its length, before decoding",
    ),
)
