"""Reads shared by the API and the admin."""

from __future__ import annotations

import uuid

from accounts.models import App
from orders.models import Invoice
from sessions_app.errors import InvoiceNotFound


def session_invoice_get(*, app: App, invoice_id: uuid.UUID) -> Invoice:
    """An invoice of an order made by one of ``app``'s sessions; other invoices do not exist
    for this app (one answer, so an app cannot probe another's invoices)."""
    invoice = Invoice.objects.filter(pk=invoice_id, order__order_session__app=app).first()
    if invoice is None:
        raise InvoiceNotFound()
    return invoice
