"""Project plumbing: body size limit, JSON 404s, the clock, money helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from config import clock as tally_clock
from config import money


@pytest.mark.django_db
def test_oversized_body_gets_413_in_the_wix_envelope(api, settings, app_factory):
    _, token = app_factory()
    big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    reply = api.request(
        "POST",
        "/pricing-plans/v2/checkout/orders/online",
        data=big,
        token=token,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 413
    assert reply.body["details"]["applicationError"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.django_db
def test_oversized_receipts_body_gets_413_as_problem_json(api):
    big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    reply = api.request(
        "POST",
        "/order-management/v1/receipt/abc",
        data=big,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 413
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.body["status"] == 413


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(api):
    reply = api.get("/pricing-plans/v2/nothing-here")
    assert reply.status == 404
    assert reply.body["details"]["applicationError"]["code"] == "NOT_FOUND"


def test_clock_is_aware_utc():
    now = tally_clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_pinned_clock_moves_only_when_told(clock):
    start = clock.now
    assert tally_clock.now() == start
    clock.advance(days=30)
    assert tally_clock.now() == start + timedelta(days=30)


def test_pinning_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        tally_clock.override(datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.django_db
def test_shared_test_clock_adds_the_stored_offset(settings):
    settings.TALLY_TEST_CLOCK = True
    before = tally_clock.now()
    tally_clock.advance_shared(timedelta(days=30))
    after = tally_clock.now()
    assert timedelta(days=30) <= after - before < timedelta(days=30, minutes=1)


@pytest.mark.django_db
def test_shared_test_clock_refuses_to_move_when_off(settings):
    settings.TALLY_TEST_CLOCK = False
    with pytest.raises(tally_clock.TestClockDisabled):
        tally_clock.advance_shared(timedelta(days=1))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("30d", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        ("45m", timedelta(minutes=45)),
        ("2w", timedelta(weeks=2)),
        ("P1DT2H", timedelta(days=1, hours=2)),
    ],
)
def test_durations_are_read_in_short_and_iso_forms(text, expected):
    assert tally_clock.parse_delta(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "30x", "1 day", "-P1D"])
def test_unreadable_durations_are_refused(text):
    with pytest.raises(ValueError):
        tally_clock.parse_delta(text)


def test_money_rounds_to_the_currency_minor_unit():
    assert money.quantize(Decimal("10.005"), "EUR") == Decimal("10.01")
    assert money.quantize(Decimal("100.5"), "JPY") == Decimal("101")
    assert money.to_wire(Decimal("0"), "EUR") == "0.00"
    assert money.to_minor_units(Decimal("12.34"), "NOK") == 1234


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money.quantize(10.5, "EUR")  # type: ignore[arg-type]


def test_pinned_clock_is_utc_even_when_given_another_zone():
    from zoneinfo import ZoneInfo

    tally_clock.override(datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Oslo")))
    try:
        assert tally_clock.now() == datetime(2026, 6, 1, 10, tzinfo=UTC)
        assert tally_clock.now().tzinfo == UTC
    finally:
        tally_clock.override(None)


@pytest.mark.django_db
def test_every_response_carries_a_request_id(api):
    first = api.get("/pricing-plans/v2/nothing-here")
    second = api.get("/healthz")
    assert len(first.headers["x-wix-request-id"]) == 32
    assert first.headers["x-wix-request-id"] != second.headers["x-wix-request-id"]


@pytest.mark.django_db
def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(api):
    kept = api.get("/healthz", headers={"X-Request-Id": "edge-42.a"})
    replaced = api.get("/healthz", headers={"X-Request-Id": "bad id <script>"})
    assert kept.headers["x-wix-request-id"] == "edge-42.a"
    assert replaced.headers["x-wix-request-id"] != "bad id <script>"


def test_minor_units_convert_back_to_the_amount():
    assert money.from_minor_units(1050, "EUR") == Decimal("10.50")
    assert money.from_minor_units(money.to_minor_units(Decimal("7.125"), "KWD"), "KWD") == (
        Decimal("7.125")
    )
