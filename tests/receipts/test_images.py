"""The image validator on its own (no HTTP, no database): every corpus case by name."""

from __future__ import annotations

import pytest

from receipts.validation.images import (
    IMAGE_MAX_BYTES,
    ImageRejected,
    decode_base64,
    inspect_image,
)
from tests.receipts import images as img
from tests.receipts.corpus import CASES


def answer(src: str) -> tuple[int, str]:
    try:
        inspect_image(decode_base64(src))
    except ImageRejected as exc:
        return 400, exc.reason
    return 201, ""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_case_gets_its_expected_answer(case):
    status, reason = answer(case.src)
    assert status == case.status, reason
    assert case.reason in reason


def test_the_size_limit_is_on_the_decoded_file_not_the_base64_text():
    # given: a file of exactly 2 MB, whose base64 is about 2.7 MB
    src = img.b64(img.png_padded_to(IMAGE_MAX_BYTES))
    # then
    assert len(src) > IMAGE_MAX_BYTES
    assert answer(src) == (201, "")


def test_facts_are_read_from_the_bytes():
    facts = inspect_image(img.jpeg(320, 240))
    assert (facts.format, facts.content_type, facts.width, facts.height) == (
        "JPEG",
        "image/jpeg",
        320,
        240,
    )
    assert len(facts.sha256) == 64
