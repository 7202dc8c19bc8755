"""Apps, members and their tokens: the only code that creates or changes them."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import ApiToken, App, User
from accounts.scopes import ALL_SCOPES, MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS
from config import clock
from config.errors import ConflictError, InvalidError, NotFoundError
from config.queries import unique_or_none

APP_TOKEN_PREFIX = "tly_app_"
MEMBER_TOKEN_PREFIX = "tly_mem_"


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    """Every scope must be one we know; unknown ones are refused, not ignored."""
    scopes = list(scopes)
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        raise ValidationError(
            f"Unknown scope(s): {', '.join(unknown)}. Known scopes: {', '.join(ALL_SCOPES)}."
        )
    return sorted(set(scopes), key=ALL_SCOPES.index)


def _new_token(prefix: str) -> tuple[str, str]:
    raw = prefix + secrets.token_urlsafe(32)
    return raw, digest_of(raw)


def _issue(*, app: App | None = None, member: User | None = None) -> str:
    prefix = APP_TOKEN_PREFIX if app else MEMBER_TOKEN_PREFIX
    raw, digest = _new_token(prefix)
    ApiToken.objects.create(
        kind=ApiToken.Kind.APP if app else ApiToken.Kind.MEMBER,
        app=app,
        member=member,
        digest=digest,
        prefix=raw[: len(prefix) + 4],
    )
    return raw


def app_create(*, name: str, scopes: Iterable[str]) -> tuple[App, str]:
    """Create an app and its first token. The token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidError("An app needs a name.", code="INVALID_APP")
    try:
        clean_scopes = validate_scopes(scopes)
    except ValidationError as exc:
        raise InvalidError(exc.messages[0], code="UNKNOWN_SCOPE") from exc
    try:
        with transaction.atomic():
            app = App.objects.create(name=name, scopes=clean_scopes)
            return app, _issue(app=app)
    except IntegrityError as exc:
        raise ConflictError(f"An app named '{name}' already exists.", code="APP_EXISTS") from exc


@transaction.atomic
def app_token_rotate(*, app: App) -> str:
    """Revoke every live token of the app and issue a new one (shown once)."""
    App.objects.select_for_update().filter(pk=app.pk).first()
    ApiToken.objects.filter(app=app, revoked_at__isnull=True).update(revoked_at=clock.now())
    return _issue(app=app)


def app_token_issue(*, app: App) -> str:
    """An extra token for the app (the others stay valid)."""
    return _issue(app=app)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())


def member_token_issue(*, member: User) -> str:
    """A personal token for the member API (shown once)."""
    return _issue(member=member)


SITE_APP_NAME = "Member site"
SITE_APP_SCOPES = (MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS)


def site_app() -> App:
    """The site's own app: the tenant whose order sessions the member pages create.

    Checkout on the site and checkout by an API client are one flow (order sessions), and a
    session belongs to an app; the site is that app for its own pages. It is made on first
    use and holds no token (nothing outside the process acts as it).
    """
    found = App.objects.filter(is_site=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return App.objects.create(
                name=SITE_APP_NAME, scopes=list(SITE_APP_SCOPES), is_site=True
            )
    except IntegrityError:  # another process made it first (or the name is taken)
        found = App.objects.filter(is_site=True).first()
        if found is None:
            raise
        return found


def member_email_change(*, member: User, email: str) -> User:
    """A member's new email address. A member who signs in with their email (the username
    was the old address) signs in with the new one; another member's address is refused."""
    email = User.objects.normalize_email((email or "").strip())
    taken = User.objects.exclude(pk=member.pk).filter(email__iexact=email).exists() or (
        User.objects.exclude(pk=member.pk).filter(username__iexact=email).exists()
    )
    if taken:
        raise ConflictError("Another account uses this email.", code="EMAIL_TAKEN")
    fields = ["email"]
    if member.username.lower() == (member.email or "").lower():
        member.username = email
        fields.append("username")
    member.email = email
    member.save(update_fields=fields)
    return member


def member_by_email(email: str) -> User:
    member = User.objects.filter(email__iexact=(email or "").strip()).order_by("pk").first()
    if member is None:
        raise NotFoundError(f"No member with the email '{email}'.", code="member_not_found")
    return member


def token_owner(raw: str) -> App | User | None:
    """The app or member holding this live token, or None.

    Read from the database on every call, so a revoked or rotated token, or a disabled owner,
    is refused by every process on its very next request. The token's prefix says which
    table owns it, which saves joining (and building) both.
    """
    if not raw or len(raw) > 200:
        return None
    live = {"tokens__digest": digest_of(raw), "tokens__revoked_at__isnull": True}
    if raw.startswith(APP_TOKEN_PREFIX):
        return unique_or_none(App.objects.filter(**live))
    if raw.startswith(MEMBER_TOKEN_PREFIX):
        return unique_or_none(User.objects.filter(**live))
    return None
