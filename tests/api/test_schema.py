"""The OpenAPI schema at /api/schema and the docs at /api/docs."""

from __future__ import annotations

from tests.wix_functions import WIX_FUNCTIONS

OPERATIONS = WIX_FUNCTIONS | {"getOrderPayments", "getOrderInvoices", "getOrderTimeline"}


def test_schema_names_every_operation_by_its_client_function(api):
    # when
    reply = api.get("/api/schema", params={"format": "json"})
    # then
    assert reply.status == 200 and reply.body["openapi"].startswith("3.")
    operation_ids = {
        operation["operationId"]
        for methods in reply.body["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert OPERATIONS <= operation_ids


def test_docs_page_is_served(api):
    reply = api.get("/api/docs")
    assert reply.status == 200 and b"swagger" in reply.raw.lower()
