"""The Vipps Order Management documents' getting-started steps, in their order, with plain
HTTP and the headers a client written from them sends: nothing Tally-specific but the host
and the credentials."""

from __future__ import annotations

import pytest

from accounts.client_credentials import client_secret_issue
from accounts.scopes import RECEIPTS_MANAGE, RECEIPTS_READ
from tests.receipts import images as img

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(http_api):
    """Plain HTTP to the live server: the documents' headers pass the server too."""
    return http_api


VIPPS_HEADERS = {
    "Ocp-Apim-Subscription-Key": "0f14ebcab0ec4b29ae0cb90d91b4a84a",
    "Merchant-Serial-Number": "123456",
    "Vipps-System-Name": "acme-shop",
    "Vipps-System-Version": "3.1.2",
    "Vipps-System-Plugin-Name": "acme-receipts",
    "Vipps-System-Plugin-Version": "1.0.0",
}


def test_a_client_written_from_the_documents_works_unchanged(api, app_factory, payment):
    # given: the merchant's keys
    app, _ = app_factory(scopes=[RECEIPTS_MANAGE, RECEIPTS_READ])
    client_id, client_secret = str(app.app_def_id), client_secret_issue(app=app)
    tx = payment.transaction_id

    # 1. get an access token: a POST with the keys as headers and no body
    token = api.post(
        "/accessToken/get",
        data=b"",
        headers={"client_id": client_id, "client_secret": client_secret, **VIPPS_HEADERS},
    )
    assert token.status == 200, token.body
    assert token.body["token_type"] == "Bearer"
    auth = {"Authorization": f"Bearer {token.body['access_token']}", **VIPPS_HEADERS}

    # 2. upload an image with PUT
    image = {"imageId": "laptop_image4433", "src": img.b64(img.png(300, 300)), "type": "base64"}
    uploaded = api.put("/order-management/v1/image", image, headers=auth)
    assert uploaded.status == 201, uploaded.body
    assert uploaded.body == {"imageId": "laptop_image4433"}

    # 3. put the order metadata
    order = {
        "category": "receipt",
        "orderDetailsUrl": "https://mystore.no/order/987654",
        "image": {"id": "laptop_image4433"},
    }
    assert api.put(f"/order-management/v1/order/{tx}", order, headers=auth).status == 200

    # 4. upload the receipt with PUT (the document's own example)
    lines = {
        "orderLines": [
            {
                "amountExcludingTax": 10000,
                "amountIncludingTax": 12000,
                "description": "cotton t-shirt (blue, medium)",
                "id": "998877",
                "productUrl": "https://mystore.no/products/998877",
                "quantity": 1,
                "taxAmount": 2000,
                "taxPercentage": 2000,
                "discount": 0,
            }
        ],
        "shippingAmount": 15000,
    }
    stored = api.put(f"/order-management/v1/receipt/{tx}", lines, headers=auth)
    assert stored.status == 201, stored.body

    # 5. read everything back
    assert api.get(f"/order-management/v1/order/{tx}", headers=auth).body == order
    got = api.get(f"/order-management/v1/receipt/{tx}", headers=auth).body
    assert got["orderLines"][0] == {**lines["orderLines"][0], "quantityUnit": "Unknown"}
    assert got["shippingAmount"] == 15000
    picture = api.get("/order-management/v1/image/laptop_image4433", headers=auth)
    assert picture.status == 200
    assert picture.headers["content-type"] == "image/png"
