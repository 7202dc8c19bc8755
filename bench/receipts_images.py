"""Image upload benchmark: validation speed, peak memory of one upload, bomb refusal time.

    .venv/bin/python bench/receipts_images.py

Measures, against the targets of the receipts issue:

1. validating a 2 MB JPEG (receipts.validation.images.inspect_image on the decoded bytes, and
   decode_base64 + inspect_image from the base64 text a client sends) side by side with
   Pillow's own ``open + verify`` then ``open + load`` of the same bytes, runs interleaved,
   in CPU time (the work is single-threaded; other processes on the machine do not count);
   the target is at most 1.5x;
2. the peak memory of one upload, in a fresh process: the whole request (middleware, DRF's JSON
   parser, base64, Pillow, the database insert) through Django's test client into an
   in-memory SQLite database, for the 2 MB JPEG and for the worst case the limits allow (an
   8-megapixel RGBA PNG, which decodes to 32 MB); the peak resident set is reset just before
   the request (/proc/self/clear_refs) and read just after (VmHWM); the target is under 64 MB;
3. the time to refuse decompression bombs (PNG and JPEG headers declaring 100000 x 100000
   pixels, and a real 10000 x 10000 PNG that inflates to 300 MB), from the base64 text, in
   wall-clock time; the target is under 50 ms.

BENCH_RUNS (default 21) sets the number of timed runs per measurement.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from receipts.validation.images import (  # noqa: E402
    IMAGE_MAX_BYTES,
    ImageRejected,
    decode_base64,
    inspect_image,
)
from tests.receipts import images as img  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "21"))


def two_megabyte_jpeg() -> bytes:
    """A photo-like JPEG just under 2 MB (2 × 1024 × 1024 bytes)."""
    width, height, quality = 2400, 1800, 95
    while True:
        data = img.noisy_jpeg(width, height, quality=quality)
        if len(data) <= IMAGE_MAX_BYTES:
            return data
        quality -= 1


def pillow_baseline(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def timed(fn, arg, clock=time.process_time) -> float:
    """CPU time of this process by default: other work on a shared machine does not count."""
    start = clock()
    fn(arg)
    return clock() - start


def side_by_side(candidates: dict, arg_of: dict) -> dict[str, tuple[float, float]]:
    """(best, median) seconds of each candidate; rounds interleave them, in a rotating order,
    so that a busy machine slows every candidate alike."""
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    names = list(candidates)
    for round_ in range(RUNS):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            samples[name].append(timed(candidates[name], arg_of[name]))
    return {name: (min(v), statistics.median(v)) for name, v in samples.items()}


def validation_speed() -> None:
    data = two_megabyte_jpeg()
    src = img.b64(data)
    with Image.open(io.BytesIO(data)) as probe:
        size = f"{probe.width}x{probe.height}"
    print(f"1. validating a 2 MB JPEG ({len(data)} bytes, {size}), {RUNS} runs each")
    medians = side_by_side(
        {
            "Pillow open+verify, open+load": pillow_baseline,
            "inspect_image (bytes)": inspect_image,
            "decode_base64 + inspect_image": lambda s: inspect_image(decode_base64(s)),
        },
        {
            "Pillow open+verify, open+load": data,
            "inspect_image (bytes)": data,
            "decode_base64 + inspect_image": src,
        },
    )
    best_base, median_base = medians["Pillow open+verify, open+load"]
    print(f"   {'':34s} {'best':>8s}      {'median':>8s}")
    for name, (best, median) in medians.items():
        print(
            f"   {name:34s} {best * 1000:6.1f} ms {best / best_base:4.2f}x"
            f"  {median * 1000:6.1f} ms {median / median_base:4.2f}x"
        )
    print("   target: at most 1.50x of Pillow")


MEMORY_CHILD = r"""
import json, os, sys, resource
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from accounts.services import app_create
from receipts.validation import images  # imported before measuring, as in a running server

_, token = app_create(name="bench", scopes=["RECEIPTS.MANAGE"])
body = open(sys.argv[1], "rb").read()
warm_up = open(sys.argv[2], "rb").read()
client = Client()
auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
# A first, small upload loads the code every request needs; only the image's cost remains.
client.post("/order-management/v1/image", warm_up, content_type="application/json", **auth)

def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])

try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident set
    reset = True
except OSError:
    reset = False
before = rss_kb("VmRSS:")
reply = client.post("/order-management/v1/image", body, content_type="application/json", **auth)
peak = rss_kb("VmHWM:") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": reply.status_code, "before_kb": before, "peak_kb": peak,
                  "reset": reset, "body": reply.content[:300].decode()}))
"""


def upload_memory(name: str, data: bytes, tmp: Path) -> None:
    body, warm_up = tmp / f"{name}.json", tmp / "warm-up.json"
    body.write_text(json.dumps({"imageId": name, "src": img.b64(data), "type": "base64"}))
    warm_up.write_text(json.dumps({"imageId": "w", "src": img.b64(img.png()), "type": "base64"}))
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite://:memory:",
        "TALLY_DEBUG": "1",
        "TALLY_ALLOWED_HOSTS": "testserver",
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(body), str(warm_up)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 201, result["body"]
    grown = (result["peak_kb"] - result["before_kb"]) / 1024
    note = "" if result["reset"] else " (peak since start: clear_refs unavailable)"
    print(
        f"   {name:34s} HTTP {result['status']}, peak {grown:6.1f} MB above the "
        f"{result['before_kb'] / 1024:.0f} MB process{note}"
    )


def worst_case_png() -> bytes:
    """The most an upload can cost: a file near 2 MB that is also 8 Mpx (3264 x 2450) of RGBA,
    4 bytes a pixel decoded. A gradient (which compresses to little) with a patch of noise
    (which does not) brings the file to about 1.9 MB."""
    width, height = 3264, 2450
    ramp = Image.linear_gradient("L").resize((width, height))
    flipped = ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    image = Image.merge("RGBA", (ramp, flipped, ramp, flipped))
    side = 680
    image.paste(Image.frombytes("RGBA", (side, side), random.Random(3).randbytes(side * side * 4)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def peak_memory() -> None:
    import tempfile

    print("2. peak memory of one upload (fresh process, whole request through Django)")
    with tempfile.TemporaryDirectory() as tmp:
        upload_memory("jpeg-2mb", two_megabyte_jpeg(), Path(tmp))
        worst = worst_case_png()
        assert len(worst) <= IMAGE_MAX_BYTES, len(worst)
        upload_memory("png-8mpx-rgba", worst, Path(tmp))
    print("   target: under 64 MB")


def real_png_bomb(side: int = 10_000) -> bytes:
    """A genuine bomb: side x side RGB of zeros, which deflate shrinks about a thousandfold."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + side * 3)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = (side).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + img.png_chunk(b"IHDR", header)
        + img.png_chunk(b"IDAT", idat)
        + img.png_chunk(b"IEND", b"")
    )


def refuse(src: str) -> None:
    try:
        inspect_image(decode_base64(src))
    except ImageRejected:
        return
    raise AssertionError("the bomb was accepted")


def bomb_refusal() -> None:
    print(f"3. refusing decompression bombs (from the base64 text, median of {RUNS} runs)")
    bombs = {
        "PNG header 100000x100000": img.png_with_declared_size(100_000, 100_000),
        "JPEG header 65000x65000": img.jpeg_with_declared_size(65_000, 65_000),
        "real PNG 10000x10000 (300 MB raw)": real_png_bomb(),
    }
    for name, data in bombs.items():
        src = img.b64(data)
        times = [timed(refuse, src, time.perf_counter) for _ in range(RUNS)]
        print(
            f"   {name:34s} {len(data):8d} bytes  median {statistics.median(times) * 1000:6.2f} ms"
            f"  worst {max(times) * 1000:6.2f} ms"
        )
    print("   target: under 50 ms")


if __name__ == "__main__":
    validation_speed()
    peak_memory()
    bomb_refusal()
