"""The 15 REST functions the official Wix orders client exports (contract section 3)."""

WIX_FUNCTIONS = frozenset(
    {
        "managementGetOrder",
        "managementListOrders",
        "postponeEndDate",
        "cancelOrder",
        "markAsPaid",
        "pauseOrder",
        "resumeOrder",
        "createOnlineOrder",
        "createOfflineOrder",
        "getOnlineOrderPreview",
        "getOfflineOrderPreview",
        "getPricePreview",
        "memberGetOrder",
        "memberListOrders",
        "requestCancellation",
    }
)
