"""The API's JSON renderer writes exactly the bytes DRF's own renderer writes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from config.renderers import JSONRenderer

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(),  # any Unicode, U+2028 and U+2029 included
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.datetimes(timezones=st.just(UTC)),
    st.uuids(),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


@given(documents)
def test_any_response_body_is_byte_for_byte_what_drf_writes(data):
    assert JSONRenderer().render(data) == DrfJSONRenderer().render(data)


def test_line_separators_datetimes_and_ids_are_written_as_drf_writes_them():
    data = {
        "text": "a\u2028b\u2029c é",
        "at": datetime(2026, 11, 23, 16, 44, 45, 374000, tzinfo=UTC),
        "id": uuid.UUID(int=7),
        "amount": Decimal("10.50"),
        "ints": {1: "one"},
        "huge": 2**70,
    }
    ours = JSONRenderer().render(data)
    assert ours == DrfJSONRenderer().render(data)
    assert b"\\u2028" in ours and b'"2026-11-23T16:44:45.374000Z"' in ours


def test_an_indented_reply_still_indents():
    context = {"indent": 2}
    assert JSONRenderer().render({"a": 1}, renderer_context=context) == b'{\n  "a": 1\n}'
