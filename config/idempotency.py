"""``Idempotency-Key`` on the API's writes, with Stripe's semantics.

A client that may retry a POST or PATCH (a timeout, a dropped connection) sends a key of its
choosing, up to 255 characters::

    POST /pricing-plans/v2/checkout/orders/offline
    Idempotency-Key: 5f0c6a2e-order-for-alice

- The first request with a key runs, and its answer is stored for 24 hours.
- The same key with the same method, path and body answers that stored answer again, without
  running anything, with the header ``Idempotent-Replayed: true``.
- The same key with another request is refused: 422 ``IDEMPOTENCY_KEY_REUSED``.
- While the first request still runs, another with its key is refused: 409
  ``IDEMPOTENCY_KEY_IN_USE`` (retry later to get the answer).
- Keys belong to the caller (a hash of the ``Authorization`` header, or the signed-in user):
  two apps never see each other's answers. A request without credentials (a site visitor
  reading the public plans) takes no key: the header is ignored.

The key's row is claimed before the request runs: inserted in a short transaction of its own,
under a unique constraint on (caller, key), so of two simultaneous requests exactly one
inserts it and runs (the other's insert waits for the first's commit, then finds the key).
The claim commits at once instead of spanning the request, because the services commit their
own steps (a payment attempt is committed before the provider is asked). Answers that say the
request did not run (401, 403, 429, any 5xx) are not stored: the claim is released and a retry
runs. A claim left by a process that died is taken over after ``STALE_CLAIM``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse

from config import clock
from config.api import json_error
from config.models import IdempotencyKey
from config.problems import problem_response, wants_problem_json

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_FOR = timedelta(hours=24)
STALE_CLAIM = timedelta(minutes=5)
MAX_KEY_LENGTH = 255
METHODS = frozenset({"POST", "PATCH"})
# The APIs whose writes take a key: pricing plans, order sessions, receipts, Tally's /api/v1.
PATH_PREFIXES = ("/pricing-plans/", "/billing/v2/order-sessions", "/order-management/", "/api/v1/")
# Answers of requests that did not run: the key stays free for a retry.
NOT_RUN = frozenset({401, 403, 429})
# Headers a replay repeats (the others belong to each response).
KEPT_HEADERS = ("Content-Type", "Location")


class KeyRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def applies_to(request: HttpRequest) -> bool:
    return request.method in METHODS and request.path.startswith(PATH_PREFIXES)


def scope_of(request: HttpRequest) -> str | None:
    """Who the key belongs to: the credentials sent, or the signed-in user. None for a
    visitor without either: the calls open to visitors only read, and a key shared by every
    visitor would let one visitor's request block another's."""
    credentials = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if not credentials:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.pk is None:
            return None
        credentials = f"user:{user.pk}"
    return hashlib.sha256(credentials.encode()).hexdigest()


def fingerprint_of(request: HttpRequest) -> str:
    """The request a key was first used for: method, path with query, body."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def key_claim(*, scope: str, key: str, fingerprint: str) -> IdempotencyKey:
    """The key's row: claimed for this request (``status_code`` None), or the stored answer
    of the first one. Raises ``KeyRefused`` when the key is in use or was used otherwise."""
    at = clock.now()
    fresh = IdempotencyKey(scope=scope, key=key, fingerprint=fingerprint, created=at)
    if _insert(fresh):
        return fresh
    with transaction.atomic():
        row = IdempotencyKey.objects.select_for_update().get(scope=scope, key=key)
        expired = row.created <= at - KEPT_FOR
        abandoned = row.status_code is None and row.created <= at - STALE_CLAIM
        if expired or abandoned:  # a new life for the key: this request runs
            fresh.pk = row.pk
            fresh.save(force_update=True)
            return fresh
    if row.fingerprint != fingerprint:
        raise KeyRefused(
            422,
            "IDEMPOTENCY_KEY_REUSED",
            "This Idempotency-Key was used for another request; use a new key.",
        )
    if row.status_code is None:
        raise KeyRefused(
            409,
            "IDEMPOTENCY_KEY_IN_USE",
            "A request with this Idempotency-Key is still running; retry later for its answer.",
        )
    return row


def key_store(claim: IdempotencyKey, response: HttpResponse) -> None:
    """Keep the answer of the request that claimed the key (or free the key if it did not run)."""
    if response.streaming or response.status_code >= 500 or response.status_code in NOT_RUN:
        IdempotencyKey.objects.filter(pk=claim.pk, status_code__isnull=True).delete()
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        IdempotencyKey.objects.filter(pk=claim.pk).update(
            status_code=response.status_code, headers=headers, body=response.content
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET status_code = %s, headers = %s, body = %s "
            f"FROM ({NO_DISK_WAIT}) AS setting WHERE id = %s",
            [response.status_code, json.dumps(headers), response.content, claim.pk],
        )


# PostgreSQL: the statement's own transaction commits without waiting for its WAL to reach
# the disk. Waiting would be two disk flushes per keyed request, several times the target
# cost. The claim is flushed anyway by the commit of anything the request writes after it
# (the WAL is one sequence); only an answer stored in the last fraction of a second before the
# database crashes can be lost, and then the key is taken over as an abandoned claim. One
# statement each (the setting is read from a subquery) keeps the key to two round trips.
NO_DISK_WAIT = "SELECT set_config('synchronous_commit', 'off', true)"
TABLE = IdempotencyKey._meta.db_table


def _insert(row: IdempotencyKey) -> bool:
    """Insert the claim; False when the caller's key is already known."""
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            return False
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (scope, key, fingerprint, created, headers, body) "
            f"SELECT %s, %s, %s, %s, '{{}}', '' FROM ({NO_DISK_WAIT}) AS setting "
            "ON CONFLICT (scope, key) DO NOTHING RETURNING id",
            [row.scope, row.key, row.fingerprint, row.created],
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return False
    row.pk = inserted[0]
    return True


def keys_purge() -> int:
    """Forget keys older than 24 hours (a worker job); returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created__lte=clock.now() - KEPT_FOR).delete()
    return deleted


def replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code)
    for name, value in row.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if wants_problem_json(request.path):
        titles = {
            400: "Bad Request",
            409: "Conflict",
            413: "Payload Too Large",
            422: "Unprocessable Content",
        }
        return problem_response(status, titles[status], message, instance=request.path)
    return json_error(status, code, message)


class IdempotencyMiddleware:
    """Runs a keyed write once and replays its answer (see the module docstring).

    After the authentication middleware, so a signed-in member's keys are theirs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or not applies_to(request):
            return self.get_response(request)
        scope = scope_of(request)
        if scope is None:  # a visitor: nothing to write, no key of their own
            return self.get_response(request)
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            message = f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters."
            return refusal(request, 400, "INVALID_IDEMPOTENCY_KEY", message)
        try:
            fingerprint = fingerprint_of(request)
        except RequestDataTooBig:
            return refusal(request, 413, "PAYLOAD_TOO_LARGE", "The request body is too large.")
        try:
            row = key_claim(scope=scope, key=key, fingerprint=fingerprint)
        except KeyRefused as refused:
            return refusal(request, refused.status, refused.code, refused.message)
        if row.status_code is not None:
            return replay(row)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyKey.objects.filter(pk=row.pk).delete()
            raise
        key_store(row, response)
        return response
