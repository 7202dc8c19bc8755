"""Image checks for ``POST /order-management/v1/image``.

An image is accepted only when Pillow, reading the decoded bytes (never a file name or a
declared type), finds a JPEG or a PNG that passes ``verify()`` and decodes completely, and
when it fits our limits:

* base64 in the standard alphabet with ``=`` padding; spaces, tabs and line breaks are
  ignored (MIME and PEM encoders wrap lines, and .NET's decoder behind the original service
  skips them too); a ``data:`` URI prefix is refused with a reason that says so;
* at most 2 MB (2 × 1024 × 1024 bytes) of decoded file;
* at least 167 px high (the minimum the later Vipps spec states), at most 8000 px a side and
  8,000,000 pixels: a full decode of 8 Mpx needs 32 MB at Pillow's 4 bytes a pixel, which keeps
  one upload well under 64 MB. Larger declared sizes are refused from the header alone,
  before any pixel is decoded, so a decompression bomb costs a few milliseconds;
* one still image: animated PNG is refused;
* nothing after the end of the image (PNG ``IEND``, JPEG ``EOI``): appended payloads are how
  image/HTML, image/ZIP and image/script polyglots are built.
"""

from __future__ import annotations

import binascii
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, PngImagePlugin, UnidentifiedImageError

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MIN_HEIGHT = 167
IMAGE_MAX_SIDE = 8000
IMAGE_MAX_PIXELS = 8_000_000
FORMATS = ("JPEG", "PNG")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}

# Longest base64 text (after removing whitespace) that can decode to IMAGE_MAX_BYTES.
_MAX_BASE64_CHARS = 4 * -(-IMAGE_MAX_BYTES // 3)
_BASE64_WHITESPACE = " \t\r\n"

# Pillow decompresses PNG text chunks (zTXt, iTXt) up to 64 MB in total by default; a 2 MB
# file of such chunks would cost that much memory before any pixel. 4 MB is ample for real
# metadata. This is process-wide hardening, set once when the validator is imported.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * 1024 * 1024


class ImageRejected(ValueError):
    """The image is not acceptable; ``reason`` says why, for ``invalidParams``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ImageFacts:
    format: str
    width: int
    height: int
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def decode_base64(src: str) -> bytes:
    """The file bytes of ``src``: strict base64, whitespace ignored, size capped before decoding.

    binascii decodes bytes about twice as fast as an ASCII str, and the encode is a plain
    copy, so the text is encoded first; whitespace is removed only when there is some.
    """
    if not src.isascii():
        raise ImageRejected("must be base64 (A-Z, a-z, 0-9, '+', '/' and '=' padding)")
    if src[:5].lower() == "data:":
        raise ImageRejected(
            "must be the base64 data alone, without a 'data:image/...;base64,' prefix"
        )
    text = src.encode("ascii")
    if any(blank in src for blank in _BASE64_WHITESPACE):
        text = text.translate(None, _BASE64_WHITESPACE.encode("ascii"))
    if not text:
        raise ImageRejected("must not be empty")
    if len(text) > _MAX_BASE64_CHARS:
        raise ImageRejected(_too_large(len(text) * 3 // 4))
    try:
        data = binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error:
        raise ImageRejected(
            "is not valid base64 (standard alphabet A-Z, a-z, 0-9, '+', '/', with '=' padding)"
        ) from None
    if len(data) > IMAGE_MAX_BYTES:
        raise ImageRejected(_too_large(len(data)))
    return data


def inspect_image(data: bytes) -> ImageFacts:
    """Facts about an acceptable image, or ImageRejected with the first reason it is not."""
    if len(data) > IMAGE_MAX_BYTES:
        raise ImageRejected(_too_large(len(data)))
    image = _open(data)
    with image:
        _check_header(image)
        try:
            image.verify()
        except Exception as exc:  # any decoder complaint means a damaged file
            raise ImageRejected(f"is a damaged {image.format} file ({_brief(exc)})") from None
    # verify() leaves the image unusable; a fresh open decodes every pixel.
    with _open(data) as image:
        try:
            image.load()
        except Exception as exc:  # truncated or corrupt data, whatever the decoder says
            raise ImageRejected(f"could not be decoded as {image.format} ({_brief(exc)})") from None
        fmt, width, height = image.format, image.width, image.height
    end = _png_end(data) if fmt == "PNG" else _jpeg_end(data)
    if end < len(data):
        raise ImageRejected(
            f"has {len(data) - end} bytes after the end of the {fmt} image; "
            "appended data is not accepted"
        )
    return ImageFacts(fmt, width, height, len(data), hashlib.sha256(data).hexdigest())


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)
    # Pillow warns (or, when warnings are errors, raises) above its own pixel limit and
    # refuses twice that; our smaller limit is checked right after open in any case.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_too_many_pixels()) from None
    except UnidentifiedImageError:
        raise ImageRejected(_unidentified(data)) from None
    except Exception as exc:  # a recognised signature with a broken header
        raise ImageRejected(f"has a damaged image header ({_brief(exc)})") from None


def _check_header(image: Image.Image) -> None:
    if image.format not in FORMATS:
        # Pillow reads multi-picture JPEGs as MPO: several images in one file.
        raise ImageRejected(f"is {image.format}; only a single JPEG or PNG image is accepted")
    width, height = image.size
    if width > IMAGE_MAX_SIDE or height > IMAGE_MAX_SIDE or width * height > IMAGE_MAX_PIXELS:
        raise ImageRejected(_too_many_pixels(width, height))
    if height < IMAGE_MIN_HEIGHT:
        raise ImageRejected(f"must be at least {IMAGE_MIN_HEIGHT} px high, not {height} px")
    if getattr(image, "is_animated", False):
        raise ImageRejected("is an animated PNG; only still images are accepted")


def _png_end(data: bytes) -> int:
    """Offset just past the IEND chunk (verify() has already checked the chunk chain)."""
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    raise ImageRejected("is a damaged PNG file (no IEND chunk)")


_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def _jpeg_end(data: bytes) -> int:
    """Offset just past the EOI marker that ends the first image, walking segments and scans."""
    size, pos = len(data), 2
    while pos + 1 < size:
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            pos = _entropy_end(data, pos)
    raise ImageRejected("is a damaged JPEG file (no end-of-image marker)")


def _entropy_end(data: bytes, pos: int) -> int:
    """Offset of the first marker after entropy-coded data (FF00 is a stuffed byte, FFD0-D7
    restart markers belong to the scan)."""
    size = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= size:
            return size
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


_SIGNATURES = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF document"),
    (b"\x00\x00\x01\x00", "an ICO image"),
)


def _unidentified(data: bytes) -> str:
    head = data[:64]
    kind = next((name for sig, name in _SIGNATURES if head.startswith(sig)), None)
    if kind is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "a WebP image"
    elif kind is None and head[4:8] == b"ftyp":
        kind = "an HEIF/AVIF image"
    elif kind is None and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        kind = "markup (SVG, XML or HTML)"
    if kind:
        return f"is {kind}; only JPEG and PNG images are accepted"
    return "is not a JPEG or PNG image"


def _too_large(size: int) -> str:
    return f"the image is {size} bytes; the limit is {IMAGE_MAX_BYTES} bytes (2 MB)"


def _too_many_pixels(width: int | None = None, height: int | None = None) -> str:
    limit = f"at most {IMAGE_MAX_SIDE} px a side and {IMAGE_MAX_PIXELS} pixels in all"
    if width is None:
        return f"declares far too many pixels (a decompression bomb); images must be {limit}"
    return f"is {width}×{height} px; images must be {limit}"


def _brief(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:120]
