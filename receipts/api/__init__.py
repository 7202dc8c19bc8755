"""The Vipps Order Management v1 (draft) wire format: /order-management/v1/..."""
