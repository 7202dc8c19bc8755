"""Write every corpus case to DIR as ``<name>.b64`` (the src sent) and ``<name>.bin`` (decoded
bytes, when the src is valid base64)."""

from __future__ import annotations

import base64
import binascii
import sys
from pathlib import Path

from tests.receipts.corpus import CASES


def main(target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        src = case.src
        (out / f"{case.name}.b64").write_text(src, encoding="utf-8")
        try:
            (out / f"{case.name}.bin").write_bytes(base64.b64decode(src, validate=False))
        except (binascii.Error, ValueError):
            pass
        print(f"{case.status}  {case.name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "receipts-corpus")
