"""The API's content negotiation answers exactly as DRF's would, only faster for the Accept
and Content-Type headers nearly every client sends."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.negotiation import ContentNegotiation
from config.parsers import SafeJSONParser
from config.renderers import JSONRenderer

ACCEPT = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "*/*",
            "application/json",
            "application/json; indent=4",
            "text/html",
            "text/html, application/json;q=0.9",
            "application/*",
            "",
            "image/png",
        ]
    ),
    st.text(max_size=40),
)
RENDERER_LISTS = [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()]]


def negotiate(negotiation, accept, query: str, renderers):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"/x{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except (exceptions.NotAcceptable, exceptions.NotFound) as exc:
        return type(exc)
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return type(exc)
    return type(renderer), media_type


@pytest.mark.parametrize("renderers", RENDERER_LISTS, ids=["json", "json+browsable"])
@given(accept=ACCEPT, query=st.sampled_from(["", "?format=json", "?format=api", "?a=1"]))
def test_every_accept_header_gets_drfs_answer(renderers, accept, query):
    ours = negotiate(ContentNegotiation(), accept, query, renderers)
    assert ours == negotiate(DefaultContentNegotiation(), accept, query, renderers)


def test_an_api_call_without_accept_is_answered_in_json(client, app_factory):
    _, token = app_factory()
    reply = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert reply.status_code == 200 and reply["Content-Type"] == "application/json"


def test_an_accept_header_the_api_cannot_meet_is_406(client, app_factory):
    _, token = app_factory()
    reply = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="image/png")
    assert reply.status_code == 406


CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/problem+json",
            "text/plain",
            "",
            "application/*",
        ]
    ),
    st.text(max_size=40),
)


@given(content_type=CONTENT_TYPES)
def test_every_content_type_gets_drfs_parser(content_type):
    parsers = [SafeJSONParser(), JSONParser()]
    request = Request(
        APIRequestFactory().generic("POST", "/x", b"{}", content_type=content_type), parsers=parsers
    )
    ours = ContentNegotiation().select_parser(request, parsers)
    assert ours is DefaultContentNegotiation().select_parser(request, parsers)
