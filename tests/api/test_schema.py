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


def _operations(schema: dict, prefix: str):
    for path, methods in schema["paths"].items():
        if path.startswith(prefix):
            for method, operation in methods.items():
                yield f"{method.upper()} {path}", operation


def test_every_receipts_error_is_documented_as_problem_json(api):
    schema = api.get("/api/schema", params={"format": "json"}).body
    for name, operation in _operations(schema, "/order-management/"):
        for status in ("400", "401", "403", "404", "429"):
            content = operation["responses"][status]["content"]
            assert list(content) == ["application/problem+json"], (name, status)


def test_every_wix_operation_documents_its_errors_and_retry_after(api):
    schema = api.get("/api/schema", params={"format": "json"}).body
    for prefix in ("/pricing-plans/", "/billing/", "/api/v1/"):
        for name, operation in _operations(schema, prefix):
            responses = operation["responses"]
            assert {"400", "401", "403", "404", "429"} <= set(responses), name
            assert "Retry-After" in responses["429"]["headers"], name
            envelope = responses["404"]["content"]["application/json"]["schema"]
            assert envelope == {"$ref": "#/components/schemas/WixError"}, name
