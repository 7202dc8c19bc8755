"""OpenAPI pieces shared by the pricing-plans views (served at /api/schema, /api/docs)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ORDER_DOC = (
    "An Order of the Wix Pricing Plans v2 wire format: REST key names (`id`, `createdDate`), "
    "ISO 8601 UTC timestamps with milliseconds, money as decimal strings, enums as names."
)


def _object(name: str, fields: dict) -> serializers.Serializer:
    return inline_serializer(name, fields)


def _order_field(**kwargs) -> serializers.JSONField:
    return serializers.JSONField(help_text=ORDER_DOC, **kwargs)


PAGING = _object(
    "PagingMetadataV2",
    {
        "count": serializers.IntegerField(),
        "offset": serializers.IntegerField(),
        "total": serializers.IntegerField(required=False),
        "tooManyToCount": serializers.BooleanField(),
        "hasNext": serializers.BooleanField(),
    },
)

ORDER = OpenApiResponse(_object("OrderReply", {"order": _order_field()}))
ORDER_LIST = OpenApiResponse(
    _object(
        "OrderListReply",
        {"orders": serializers.ListField(child=_order_field()), "pagingMetadata": PAGING},
    )
)
ORDER_PREVIEW = OpenApiResponse(
    _object(
        "OrderPreviewReply",
        {
            "order": _order_field(required=False),
            "purchaseLimitExceeded": serializers.BooleanField(),
            "freeTrialEligible": serializers.BooleanField(
                help_text="Whether the buyer gets the plan's free trial (once per member and plan)."
            ),
        },
    )
)
PRICE_PREVIEW = OpenApiResponse(
    _object(
        "PricePreviewReply",
        {
            "prices": serializers.ListField(child=serializers.JSONField()),
            "price": serializers.JSONField(help_text="Deprecated PriceDetails."),
        },
    )
)
BULK = OpenApiResponse(
    _object(
        "BulkOrdersReply",
        {
            "results": serializers.ListField(
                child=serializers.JSONField(),
                help_text="`{itemMetadata: {id, originalIndex, success, error?}, order?}` each.",
            ),
            "bulkActionMetadata": _object(
                "BulkActionMetadata",
                {
                    "totalSuccesses": serializers.IntegerField(),
                    "totalFailures": serializers.IntegerField(),
                    "undetailedFailures": serializers.IntegerField(),
                },
            ),
        },
    )
)
STATS = OpenApiResponse(
    _object(
        "OrdersStatsReply",
        {
            "totalOrderCount": serializers.IntegerField(),
            "activeOrderCount": serializers.IntegerField(),
        },
    )
)
AVAILABLE_ACTIONS = OpenApiResponse(
    _object(
        "AvailableOrderActionsReply",
        {
            "suspendable": serializers.BooleanField(),
            "notSuspendableReason": serializers.CharField(required=False),
            "cancelableByBuyer": serializers.BooleanField(),
        },
    )
)
PLAN_DOC = "A plan of the Wix Pricing Plans v2 plans API (`Plan`, or `PublicPlan` on public calls)."
PLAN = OpenApiResponse(_object("PlanReply", {"plan": serializers.JSONField(help_text=PLAN_DOC)}))
# The plans package's PagingMetadataV2: offset paging, without the orders list's hasNext.
PLAN_PAGING = _object(
    "PlanPagingMetadata",
    {
        "count": serializers.IntegerField(),
        "offset": serializers.IntegerField(),
        "total": serializers.IntegerField(required=False),
        "tooManyToCount": serializers.BooleanField(),
    },
)
PLAN_LIST = OpenApiResponse(
    _object(
        "PlanListReply",
        {
            "plans": serializers.ListField(child=serializers.JSONField(help_text=PLAN_DOC)),
            "pagingMetadata": PLAN_PAGING,
        },
    )
)
PLAN_STATS = OpenApiResponse(_object("PlanStatsReply", {"totalPlans": serializers.IntegerField()}))
PLAN_QUERY = _object(
    "PlanQueryBody",
    {
        "query": serializers.JSONField(
            required=False,
            help_text="`{filter, sort, paging}` in the Wix query language; absent: every "
            "public plan, first page.",
        )
    },
)
EMPTY = OpenApiResponse(_object("Empty", {}), description="Always `{}`.")
ID_BODY = _object("OrderIdBody", {"id": serializers.UUIDField(required=False)})


def _list_of(name: str, key: str) -> OpenApiResponse:
    return OpenApiResponse(
        _object(name, {key: serializers.ListField(child=serializers.JSONField())})
    )


PAYMENTS = _list_of("PaymentsReply", "payments")
INVOICES = _list_of("InvoicesReply", "invoices")
TIMELINE = _list_of("TimelineReply", "timeline")
CREDIT_NOTES = _list_of("CreditNotesReply", "creditNotes")
REFUND = OpenApiResponse(
    _object(
        "RefundReply",
        {
            "creditNote": serializers.JSONField(
                help_text="The credit note, with its refund's status (refundStatus)."
            ),
            "payment": serializers.JSONField(help_text="The payment, with its refund status."),
            "order": _order_field(),
        },
    )
)

_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The Wix error envelope: `{message, details: {applicationError | "
    "validationError}}`.",
)
ERRORS = {400: _ERROR, 401: _ERROR, 403: _ERROR, 404: _ERROR, 409: _ERROR}


def reply(success: OpenApiResponse) -> dict:
    return {200: success, **ERRORS}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Bearer <token>`` (the bare token is accepted too)."""

    target_class = "accounts.authentication.BearerTokenAuthentication"
    match_subclasses = True  # config.throttling guards it with a failed-attempts budget
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


ORDER_ID = OpenApiParameter(
    "order_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The order's GUID."
)
PLAN_ID = OpenApiParameter(
    "plan_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The plan's GUID."
)
ID_QUERY = OpenApiParameter(
    "id", OpenApiTypes.UUID, description="A copy of the path id; the path wins.", required=False
)
# `.r` (the whole request as base64url JSON, the client's form when it sorts) is accepted
# beside the plain parameters, but OpenAPI cannot describe a parameter that holds an encoded
# copy of the others: the schema leaves it out rather than claim that any string will do.
COMPLEX_QUERY: list[OpenApiParameter] = []
