"""POST /order-management/v1/image and GET .../image/{imageId}, over real HTTP."""

from __future__ import annotations

import pytest

from receipts.models import ReceiptImage
from tests.receipts import images as img
from tests.receipts.conftest import assert_problem, image_body, names, order_meta, reason_of
from tests.receipts.corpus import CASES

UPLOAD = "/order-management/v1/image"

pytestmark = pytest.mark.django_db


def test_first_upload_is_201_with_the_image_id(api, merchant):
    # when
    reply = api.post(UPLOAD, image_body("laptop_image4433"), token=merchant)
    # then
    assert reply.status == 201
    assert reply.body == {"imageId": "laptop_image4433"}
    assert reply.headers["location"] == f"{UPLOAD}/laptop_image4433"
    stored = ReceiptImage.objects.get(image_id="laptop_image4433")
    assert (stored.format, stored.width, stored.height) == ("PNG", 200, 200)


def test_same_id_with_same_bytes_is_an_idempotent_replay(api, merchant):
    # given
    body = image_body("logo", img.jpeg(300, 300))
    api.post(UPLOAD, body, token=merchant)
    # when
    again = api.post(UPLOAD, body, token=merchant)
    # then
    assert again.status == 200
    assert again.body == {"imageId": "logo"}
    assert ReceiptImage.objects.filter(image_id="logo").count() == 1


def test_same_id_with_different_bytes_is_a_409_and_keeps_the_first(api, merchant):
    # given
    first = img.png(200, 200)
    api.post(UPLOAD, image_body("logo", first), token=merchant)
    # when
    reply = api.post(UPLOAD, image_body("logo", img.png(300, 300)), token=merchant)
    # then
    assert_problem(reply, 409)
    assert reply.body["code"] == "IMAGE_EXISTS"
    assert bytes(ReceiptImage.objects.get(image_id="logo").data) == first


def test_image_id_must_be_1_to_128_of_the_spec_characters(api, merchant):
    for image_id in ["", "has space", "x" * 129, "newline\n", "ünï", "a/b", "semi;colon", 42]:
        reply = api.post(UPLOAD, image_body(image_id), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["imageId"]


def test_image_id_of_128_spec_characters_is_accepted(api, merchant):
    image_id = ("Ab0-_." * 22)[:128]
    assert api.post(UPLOAD, image_body(image_id), token=merchant).status == 201


def test_type_must_be_base64(api, merchant):
    for kind in ["url", "BASE64", "", None]:
        reply = api.post(UPLOAD, image_body(type=kind), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["type"]


def test_every_missing_field_is_named(api, merchant):
    reply = api.post(UPLOAD, {}, token=merchant)
    assert_problem(reply, 400)
    assert sorted(names(reply)) == ["imageId", "src", "type"]


def test_src_must_be_a_string(api, merchant):
    reply = api.post(UPLOAD, image_body(src=["iVBOR"]), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["src"]


def test_unknown_fields_are_refused(api, merchant):
    reply = api.post(UPLOAD, image_body(sortOrder=1), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["sortOrder"]


def test_every_corpus_file_gets_its_expected_answer_over_http(api, merchant):
    # The same cases, one by one and without HTTP, are in test_images.py.
    for case in CASES:
        # when
        reply = api.post(UPLOAD, image_body(case.name, src=case.src), token=merchant)
        # then
        assert reply.status == case.status, (case.name, reply.body)
        if case.status == 400:
            assert_problem(reply, 400)
            assert names(reply) == ["src"]
            assert case.reason in reason_of(reply, "src"), case.name
    accepted = {case.name for case in CASES if case.status == 201}
    assert set(ReceiptImage.objects.values_list("image_id", flat=True)) == accepted


def test_refused_upload_of_a_taken_id_is_a_conflict_not_a_validation_error(api, merchant):
    # given: the id exists; the new bytes are not even an image
    api.post(UPLOAD, image_body("logo"), token=merchant)
    # when
    reply = api.post(UPLOAD, image_body("logo", b"GIF89a-not-really"), token=merchant)
    # then
    assert_problem(reply, 409)


def test_body_over_the_upload_limit_is_a_413_problem(api, merchant):
    reply = api.request(
        "POST",
        UPLOAD,
        token=merchant,
        data=b"{" + b" " * (4 * 1024 * 1024 + 1) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(reply, 413)


def test_upload_needs_credentials(api):
    reply = api.post(UPLOAD, image_body())
    assert_problem(reply, 401)
    assert reply.headers["www-authenticate"].startswith("Bearer")


def test_upload_needs_the_manage_scope(api, reader):
    reply = api.post(UPLOAD, image_body(), token=reader)
    assert_problem(reply, 403)
    assert "RECEIPTS.MANAGE" in reply.body["detail"]


# --- serving the bytes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "filename"),
    [(img.png(200, 200), "image/png", "logo.png"), (img.jpeg(200, 200), "image/jpeg", "logo.jpg")],
)
def test_image_is_served_with_its_type_nosniff_and_a_sandboxing_csp(
    api, merchant, reader, data, content_type, filename
):
    # given
    api.post(UPLOAD, image_body("logo", data), token=merchant)
    # when: even a client that asks for HTML
    reply = api.get(f"{UPLOAD}/logo", token=reader, headers={"Accept": "text/html"})
    # then
    assert reply.status == 200
    assert reply.raw == data
    assert reply.headers["content-type"] == content_type
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["content-disposition"] == f'inline; filename="{filename}"'
    csp = reply.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp


def test_image_with_markup_in_its_metadata_is_still_served_as_an_image(api, merchant, reader):
    # given: a valid JPEG whose comment segment holds HTML
    data = img.jpeg_with_comment(b"<html><script>alert(1)</script></html>")
    api.post(UPLOAD, image_body("tricky", data), token=merchant)
    # when
    reply = api.get(f"{UPLOAD}/tricky", token=reader)
    # then
    assert reply.headers["content-type"] == "image/jpeg"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in reply.headers["content-security-policy"]


def test_head_gives_the_headers_without_the_bytes(api, merchant, reader):
    api.post(UPLOAD, image_body("logo"), token=merchant)
    reply = api.request("HEAD", f"{UPLOAD}/logo", token=reader, headers={"Accept": "image/png"})
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/png"
    assert reply.raw == b""


def test_repeated_fetch_with_its_etag_is_304(api, merchant, reader):
    api.post(UPLOAD, image_body("logo"), token=merchant)
    etag = api.get(f"{UPLOAD}/logo", token=reader).headers["etag"]
    reply = api.get(f"{UPLOAD}/logo", token=reader, headers={"If-None-Match": etag})
    assert reply.status == 304


def test_unknown_image_is_a_404_problem(api, reader):
    assert_problem(api.get(f"{UPLOAD}/nope", token=reader), 404)


def test_image_bytes_need_the_read_scope(api, merchant, writer):
    api.post(UPLOAD, image_body("logo"), token=merchant)
    assert_problem(api.get(f"{UPLOAD}/logo", token=writer), 404)


def test_site_owner_sees_every_image(api, merchant, owner):
    # given
    api.post(UPLOAD, image_body("logo"), token=merchant)
    # when
    reply = api.get(f"{UPLOAD}/logo", headers=_session_of(api, "owner", "owner-pass-123"))
    # then
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/png"


def test_member_sees_the_image_of_their_order_and_other_member_does_not(
    api, merchant, payment, other_member
):
    # given: the image is shown on the order of `member` (alice)
    api.post(UPLOAD, image_body("ticket"), token=merchant)
    meta = order_meta(category="ticket", image={"id": "ticket"})
    api.put(f"/order-management/v1/order/{payment.transaction_id}", meta, token=merchant)
    # when
    own = api.get(f"{UPLOAD}/ticket", headers=_session_of(api, "alice", "pw-12345678"))
    other = api.get(f"{UPLOAD}/ticket", headers=_session_of(api, "bob", "pw-12345678"))
    # then
    assert own.status == 200
    assert_problem(other, 404)


def _session_of(api, username: str, password: str) -> dict[str, str]:
    """A browser session cookie, by signing in as the login form does (with its request, which
    the sign-in lockout needs)."""
    from django.http import HttpRequest
    from django.test import Client

    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=password)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


# --- PUT: the draft's own section uploads with PUT; same rules, same answers ---------------


def test_put_uploads_like_post(api, merchant):
    reply = api.put(UPLOAD, image_body("put-logo"), token=merchant)
    assert reply.status == 201
    assert reply.body == {"imageId": "put-logo"}
    assert ReceiptImage.objects.filter(image_id="put-logo").count() == 1


def test_put_after_post_of_the_same_bytes_is_a_replay(api, merchant):
    body = image_body("logo", img.jpeg(300, 300))
    api.post(UPLOAD, body, token=merchant)
    assert api.put(UPLOAD, body, token=merchant).status == 200


def test_put_of_other_bytes_under_a_taken_id_is_a_409(api, merchant):
    api.post(UPLOAD, image_body("logo", img.png(200, 200)), token=merchant)
    reply = api.put(UPLOAD, image_body("logo", img.png(300, 300)), token=merchant)
    assert_problem(reply, 409)
    assert reply.body["code"] == "IMAGE_EXISTS"


def test_put_refuses_what_post_refuses(api, merchant):
    reply = api.put(UPLOAD, image_body("logo", type="url"), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["type"]
    assert not ReceiptImage.objects.exists()


def test_an_upload_with_an_idempotency_key_is_replayed_with_its_201_and_location(api, merchant):
    body = image_body("keyed", img.png(200, 200))
    headers = {"Idempotency-Key": "upload-1"}
    first = api.post(UPLOAD, body, token=merchant, headers=headers)
    again = api.post(UPLOAD, body, token=merchant, headers=headers)
    assert first.status == again.status == 201
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"


def test_an_idempotency_key_reused_for_another_upload_is_a_problem(api, merchant):
    headers = {"Idempotency-Key": "upload-2"}
    api.post(UPLOAD, image_body("one", img.png(200, 200)), token=merchant, headers=headers)
    reply = api.post(UPLOAD, image_body("two", img.png(200, 200)), token=merchant, headers=headers)
    assert_problem(reply, 422)
    assert not ReceiptImage.objects.filter(image_id="two").exists()
