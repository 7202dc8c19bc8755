"""Invoices and credit notes as PDF downloads: the owner's only, with what the printable page
shows, and nothing fetched from the network while rendering."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import ImageFile
from pypdf import PdfReader

from accounts.actors import Actor
from members.pdf import render_pdf
from members.pdf_render import BASE_URL, static_file
from orders.models import Invoice
from orders.services.checkout import order_create_offline, order_create_online
from orders.services.payments import invoice_pay
from orders.services.refunds import payment_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(clock, member, plan_factory) -> Invoice:
    plan = plan_factory(name="Monthly", price="12.34", cycle_count=12)
    order = order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    return order.invoices.get()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_member_downloads_their_invoice_as_a_pdf_with_its_number_and_amount(
    client, member, invoice
):
    client.force_login(member)
    response = client.get(f"/account/invoices/{invoice.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="invoice-{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert f"Invoice {invoice.number}" in text
    assert "12.34 EUR" in text
    assert "My plans" not in text  # the print styles leave the site's header out


def test_another_members_invoice_pdf_is_not_found(client, other_member, invoice):
    client.force_login(other_member)
    response = client.get(f"/account/invoices/{invoice.pk}/pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_order_page_links_each_invoice_pdf(client, member, invoice):
    client.force_login(member)
    page = client.get(f"/account/orders/{invoice.order_id}/").content.decode()
    assert f'href="/account/invoices/{invoice.pk}/pdf"' in page


def test_member_downloads_a_credit_note_as_a_pdf(client, clock, member, owner, plan_factory):
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_online(plan=plan, buyer=member, actor=Actor.member(member))
    payment = invoice_pay(
        invoice=Invoice.objects.get(order=order),
        actor=Actor.member(member),
        details={"card_number": "4242424242424242"},
    )
    note = payment_refund(
        payment_id=payment.pk, actor=Actor.owner(owner), reason="DUPLICATE", amount="2.50"
    ).credit_note
    client.force_login(member)
    response = client.get(f"/account/credit-notes/{note.pk}/pdf")
    assert response["Content-Disposition"] == f'attachment; filename="credit-note-{note.label}.pdf"'
    text = pdf_text(response.content)
    assert f"Credit note {note.label}" in text and "2.50 EUR" in text


class Counting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args):
        pass


def test_rendering_fetches_no_remote_resource():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_port}"
    html = (
        f'<link rel="stylesheet" href="{remote}/style.css">'
        f'<img src="{remote}/logo.png"><p>Invoice</p>'
    )
    try:
        assert render_pdf(html).startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()
    assert Counting.hits == []


def test_rendering_reads_only_our_own_static_files():
    found = static_file(BASE_URL + "static/members/checkout.js")
    assert found is not None and found.endswith("members/static/members/checkout.js")
    assert static_file("https://example.com/static/members/checkout.js") is None
    assert static_file(BASE_URL + "media/anything.png") is None


def test_making_a_pdf_leaves_the_web_process_image_checks_alone(client, member, invoice):
    client.force_login(member)
    assert client.get(f"/account/invoices/{invoice.pk}/pdf").status_code == 200
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # WeasyPrint's import sets it to True
