"""``config.api.parsed``: each thread validates with a serializer instance of its own, with
exactly what ``is_valid`` would give for the same body."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import exceptions

from config.api import _validator, parsed
from config.errors import DomainError
from orders.api import serializers as orders_serializers
from sessions_app.api.serializers import CreateRequestSerializer, PayRequestSerializer

SERIALIZERS = [
    CreateRequestSerializer,
    PayRequestSerializer,
    orders_serializers.CreateOnlineOrderBody,
    orders_serializers.CancelBody,
]
GUID = st.uuids().map(str)
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=30), GUID, st.floats(allow_nan=False)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELD_NAMES = st.sampled_from(
    [
        "planId",
        "memberId",
        "couponCodes",
        "startDate",
        "contractSwitchType",
        "switchFromOrderId",
        "submissionId",
        "ttlSeconds",
        "outcome",
        "couponCode",
        "onBehalf",
        "effectiveAt",
    ]
)
FIELD_VALUES = st.one_of(
    JSON,
    st.sampled_from(
        ["SUCCEEDED", "UPGRADE", "IMMEDIATELY", "2030-01-01T00:00:00Z", "yesterday", ["C1"]]
    ),
    st.integers(min_value=0, max_value=300_000),
)
OBJECTS = st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=6)
BODIES = st.one_of(
    JSON, OBJECTS, st.builds(lambda data: {"sessionData": data}, st.one_of(OBJECTS, JSON))
)


def is_valid_outcome(serializer_class, data):
    """What DRF's usual ``serializer(data=...).is_valid(raise_exception=True)`` gives."""
    serializer = serializer_class(data=data)
    try:
        serializer.is_valid(raise_exception=True)
    except exceptions.ValidationError as exc:
        return "invalid", exc.detail
    except DomainError as exc:
        return "refused", exc.code
    return "valid", serializer.validated_data


def parsed_outcome(serializer_class, data):
    try:
        return "valid", parsed(serializer_class, data)
    except exceptions.ValidationError as exc:
        return "invalid", exc.detail
    except DomainError as exc:
        return "refused", exc.code


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda s: s.__name__)
@given(body=BODIES)
def test_parsed_answers_every_body_as_is_valid_does(serializer_class, body):
    assert parsed_outcome(serializer_class, body) == is_valid_outcome(serializer_class, body)


def test_a_null_body_is_reported_as_no_data_as_is_valid_reports_it():
    with pytest.raises(exceptions.ValidationError) as refused:
        parsed(PayRequestSerializer, None)
    assert refused.value.detail == {"non_field_errors": ["No data provided"]}


def test_a_refused_body_leaves_nothing_for_the_next():
    with pytest.raises(exceptions.ValidationError):
        parsed(PayRequestSerializer, {"outcome": "MAYBE"})
    assert parsed(PayRequestSerializer, {"outcome": "FAILED"}) == {"outcome": "FAILED"}


def test_threads_validating_at_once_each_get_their_own_body():
    # given 200 bodies naming different plans, half of them with a bad lifetime
    bodies = [
        {
            "sessionData": {
                "planId": str(uuid.uuid4()),
                "memberId": str(uuid.uuid4()),
                "ttlSeconds": 3600 if i % 2 else 5,
            }
        }
        for i in range(200)
    ]

    def validate(body):
        try:
            return parsed(CreateRequestSerializer, body)["sessionData"]["planId"]
        except exceptions.ValidationError as exc:
            return exc.detail

    # when 8 threads validate them at the same time
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(validate, bodies))
    # then each got its own plan back, or its own error
    for i, (body, result) in enumerate(zip(bodies, results, strict=True)):
        if i % 2:
            assert str(result) == body["sessionData"]["planId"]
        else:
            assert set(result["sessionData"]) == {"ttlSeconds"}


def test_no_serializer_instance_is_shared_between_threads():
    # given two threads, each validating a body
    instances = []
    both_started = threading.Barrier(2)

    def validate():
        both_started.wait(timeout=10)
        parsed(PayRequestSerializer, {"outcome": "FAILED"})
        instances.append(_validator(PayRequestSerializer))
        parsed(PayRequestSerializer, {"outcome": "FAILED"})
        instances.append(_validator(PayRequestSerializer))

    threads = [threading.Thread(target=validate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then each validated with an instance of its own, the same one for its second body
    assert len({id(instance) for instance in instances}) == 2
