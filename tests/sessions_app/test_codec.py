"""The token format (contract section 2): pinned algorithm, header allow-list, size caps, and
hostile tokens refused by the cheap checks, before any key is looked up or anything decrypted."""

from __future__ import annotations

import json
import uuid
from base64 import urlsafe_b64encode
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto.common import base64url_decode
from jwcrypto.jwe import JWE
from jwcrypto.jwk import JWK

from config import clock as tally_clock
from sessions_app import codec
from sessions_app.errors import (
    InvalidOrderSessionId,
    OrderSessionExpired,
    OrderSessionNotFound,
    OrderSessionNotYetValid,
    OrderSessionTooLarge,
)

APP = str(uuid.uuid4())
KEY = JWK.generate(kty="oct", size=256)
OTHER_KEY = JWK.generate(kty="oct", size=256)
PLAN = str(uuid.uuid4())


def b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return urlsafe_b64encode(raw).decode().rstrip("=")


def claims(*, iat: int = 1_780_000_000, ttl: int = 3600) -> dict:
    return {
        "v": 1,
        "sid": "ab" * 16,
        "app": APP,
        "iat": iat,
        "nbf": iat,
        "exp": iat + ttl,
        "data": {"planId": PLAN},
    }


def sealed(**kw) -> str:
    return codec.seal(claims(**kw), app_id=APP, kid="k1.1", key=KEY)


class KeyLookupSpy:
    """Records whether the codec got as far as asking for a key (the step before decrypting)."""

    def __init__(self, key: JWK | None = KEY) -> None:
        self.key, self.calls = key, 0

    def __call__(self, kid):
        self.calls += 1
        return self.key


def _at(seconds: int = 1_780_000_100) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def open_(token: str, *, key_for=None, at=None, app_id: str = APP) -> dict:
    at = at or _at()
    opened = codec.decrypt_token(token, app_id=app_id, key_for=key_for or KeyLookupSpy())
    codec.check_times(opened.claims, at)
    return opened.claims


def header_of(token: str) -> dict:
    return json.loads(base64url_decode(token.split(".")[0]))


def with_header(token: str, header: dict) -> str:
    parts = token.split(".")
    return ".".join([b64(json.dumps(header)), *parts[1:]])


def test_token_round_trips_its_claims():
    # given / when
    token = sealed()
    # then
    assert open_(token) == claims()


def test_threads_reading_at_once_each_get_their_own_tokens_claims():
    # given 200 tokens of different sessions
    tokens = {
        f"{i:032x}": codec.seal({**claims(), "sid": f"{i:032x}"}, app_id=APP, kid="k1.1", key=KEY)
        for i in range(200)
    }

    def read(item):
        sid, token = item
        return sid, open_(token)["sid"]

    # when 8 threads open them at the same time
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, tokens.items()))
    # then every token gave back its own session
    assert all(sid == read_sid for sid, read_sid in results)


def test_a_failed_read_leaves_nothing_for_the_next():
    with pytest.raises(OrderSessionNotFound):
        open_(sealed(), key_for=KeyLookupSpy(OTHER_KEY))
    assert open_(sealed()) == claims()
    with pytest.raises(OrderSessionNotFound):
        open_(sealed(), key_for=KeyLookupSpy(OTHER_KEY))


def test_opening_names_the_key_the_token_was_sealed_with():
    opened = codec.decrypt_token(sealed(), app_id=APP, key_for=KeyLookupSpy())
    assert opened.kid == codec.KeyId("k1", 1)


def test_protected_header_is_exactly_alg_enc_kid_typ_app():
    header = header_of(sealed())
    assert header == {
        "alg": "dir",
        "enc": "A256GCM",
        "kid": "k1.1",
        "typ": "order-session+jwt",
        "app": APP,
    }


def test_token_is_compact_jwe_with_no_encrypted_key():
    parts = sealed().split(".")
    assert len(parts) == 5 and parts[1] == ""


@pytest.mark.parametrize(
    "extra",
    [{"zip": "DEF"}, {"crit": ["exp"]}, {"jku": "https://evil.example/keys"}, {"x": 1}],
    ids=["zip", "crit", "jku", "unknown"],
)
def test_any_other_header_member_makes_the_token_invalid(extra):
    # given: a header with one member more than the allow-list
    token = with_header(sealed(), {**header_of(sealed()), **extra})
    spy = KeyLookupSpy()
    # when / then
    with pytest.raises(InvalidOrderSessionId):
        open_(token, key_for=spy)
    assert spy.calls == 0


def test_missing_header_member_makes_the_token_invalid():
    header = header_of(sealed())
    del header["typ"]
    with pytest.raises(InvalidOrderSessionId):
        open_(with_header(sealed(), header))


@pytest.mark.parametrize(
    "changes",
    [
        {"alg": "none"},
        {"alg": "PBES2-HS512+A256KW", "p2s": b64(b"salt" * 4), "p2c": 2_000_000_000},
        {"alg": "RSA-OAEP"},
        {"alg": "ECDH-ES"},
        {"alg": "A256KW"},
        {"enc": "A128CBC-HS256"},
        {"typ": "JWT"},
        {"kid": 7},
        {"kid": "k1"},
        {"kid": "../../etc.1"},
        {"app": None},
    ],
    ids=[
        "alg-none",
        "pbes2-huge-p2c",
        "rsa",
        "ecdh",
        "aeskw",
        "enc-cbc",
        "typ",
        "kid-int",
        "kid-no-version",
        "kid-path",
        "app-null",
    ],
)
def test_algorithm_pin_and_header_values_are_checked_before_any_key_lookup(changes):
    # given: an otherwise well-formed token whose header asks for something else
    header = {**header_of(sealed()), **changes}
    header = {k: v for k, v in header.items() if k in codec.HEADER_MEMBERS or k in changes}
    token = with_header(sealed(), header)
    spy = KeyLookupSpy()
    # when / then
    with pytest.raises(InvalidOrderSessionId):
        open_(token, key_for=spy)
    assert spy.calls == 0


def test_alg_none_token_without_ciphertext_parts_is_invalid():
    token = b64('{"alg":"none"}') + "." + b64('{"sid":"x"}') + "."
    with pytest.raises(InvalidOrderSessionId):
        open_(token)


def test_json_serialization_is_refused():
    # given: the same token in the JWE JSON serialization
    jwe = JWE(json.dumps(claims()).encode(), protected=json.dumps(header_of(sealed())))
    jwe.add_recipient(KEY)
    token = jwe.serialize()  # flattened JSON
    spy = KeyLookupSpy()
    # when / then
    with pytest.raises(InvalidOrderSessionId):
        open_(token, key_for=spy)
    assert spy.calls == 0


def test_oversized_token_is_refused():
    spy = KeyLookupSpy()
    with pytest.raises(InvalidOrderSessionId):
        open_(sealed() + "A" * codec.MAX_TOKEN_CHARS, key_for=spy)
    assert spy.calls == 0


def test_ciphertext_longer_than_the_plaintext_cap_is_refused():
    parts = sealed().split(".")
    parts[3] = "A" * (codec.MAX_PLAINTEXT_BYTES * 4 // 3 + 8)
    with pytest.raises(InvalidOrderSessionId):
        open_(".".join(parts))


def test_plaintext_over_2_kib_is_not_sealed():
    big = claims()
    big["data"] = {"note": "x" * codec.MAX_PLAINTEXT_BYTES}
    with pytest.raises(OrderSessionTooLarge):
        codec.seal(big, app_id=APP, kid="k1.1", key=KEY)


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "....",
        "a.b.c.d.e",
        "eyJ.." + "A" * 16 + ".AAAA." + "A" * 22,
        "not a token",
        "é" * 40,
        "%00",
        "a" * 5000,
        '{"protected":"x"}',
    ],
)
def test_malformed_tokens_are_invalid(token):
    with pytest.raises(InvalidOrderSessionId):
        open_(token)


def test_header_with_bad_base64_or_json_is_invalid():
    parts = sealed().split(".")
    for header in ["A", b64("{not json"), b64(b"\xff\xfe"), b64("[1,2]")]:
        with pytest.raises(InvalidOrderSessionId):
            open_(".".join([header, *parts[1:]]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(max_size=600)
    | st.from_regex(r"[A-Za-z0-9_-]{1,40}(\.[A-Za-z0-9_-]{0,40}){4}", fullmatch=True)
)
def test_no_input_escapes_as_anything_but_a_session_error(text):
    try:
        open_(text)
    except (InvalidOrderSessionId, OrderSessionNotFound):
        pass


def test_another_apps_token_is_not_found_without_a_key_lookup():
    spy = KeyLookupSpy()
    with pytest.raises(OrderSessionNotFound):
        open_(sealed(), key_for=spy, app_id=str(uuid.uuid4()))
    assert spy.calls == 0


def test_tampered_ciphertext_is_not_found():
    parts = sealed().split(".")
    flipped = "B" if parts[3][5] != "B" else "C"
    parts[3] = parts[3][:5] + flipped + parts[3][6:]
    with pytest.raises(OrderSessionNotFound):
        open_(".".join(parts))


def test_tampered_header_kid_is_not_found():
    token = with_header(sealed(), {**header_of(sealed()), "kid": "k1.2"})
    with pytest.raises(OrderSessionNotFound):
        open_(token)


def test_wrong_key_is_not_found():
    with pytest.raises(OrderSessionNotFound):
        open_(sealed(), key_for=KeyLookupSpy(OTHER_KEY))


def test_unknown_key_is_not_found():
    with pytest.raises(OrderSessionNotFound):
        open_(sealed(), key_for=KeyLookupSpy(None))


def test_payload_app_must_equal_the_caller():
    # given: a token whose payload names another app, under the right key and header
    forged = {**claims(), "app": str(uuid.uuid4())}
    token = codec.seal(forged, app_id=APP, kid="k1.1", key=KEY)
    with pytest.raises(OrderSessionNotFound):
        open_(token)


def test_expiry_is_checked_with_60_seconds_leeway():
    token = sealed(iat=1_780_000_000, ttl=100)
    exp = _at()
    assert open_(token, at=exp + timedelta(seconds=60))
    with pytest.raises(OrderSessionExpired):
        open_(token, at=exp + timedelta(seconds=61))


def test_not_before_is_checked_with_60_seconds_leeway():
    token = sealed(iat=1_780_000_000)
    nbf = _at(1_780_000_000)
    assert open_(token, at=nbf - timedelta(seconds=60))
    with pytest.raises(OrderSessionNotYetValid):
        open_(token, at=nbf - timedelta(seconds=61))


def test_refusals_name_no_library_exception_or_key_id():
    tokens = [sealed() + "x", with_header(sealed(), {**header_of(sealed()), "zip": "DEF"})]
    for token in tokens:
        with pytest.raises(InvalidOrderSessionId) as refused:
            open_(token)
        text = f"{refused.value.message} {refused.value.data}".lower()
        for leak in ("jwcrypto", "jwe", "invalidjwedata", "k1.1", "kid", "traceback"):
            assert leak not in text


def test_time_is_read_from_the_clock_not_the_token(clock):
    # The service passes config.clock.now; a token made "now" opens at the pinned time.
    token = sealed(iat=int(tally_clock.now().timestamp()))
    assert open_(token, at=tally_clock.now())
