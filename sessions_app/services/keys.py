"""Key versions: which version encrypts for an app, rotation, retirement, emergency revoke.

Rotation makes a new version the one that encrypts; the old one keeps decrypting for the
longest session lifetime plus leeway, so no open session breaks, and then retires by itself
(``retires_at`` is a moment, compared with the clock: no job has to run). Revoke retires every
version of the app at once: its open sessions become "not found".
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from accounts.actors import Actor
from accounts.models import App
from config import clock
from sessions_app import codec, keys
from sessions_app.data import MAX_TTL_SECONDS
from sessions_app.errors import SessionKeyError
from sessions_app.models import SessionKeyVersion

# A token made just before a rotation opens until its expiry plus leeway, inclusive.
GRACE = timedelta(seconds=MAX_TTL_SECONDS + codec.LEEWAY_SECONDS + 1)


def session_key_current(*, app: App) -> SessionKeyVersion:
    """The version that encrypts for ``app``; the first one is made on first use."""
    current = _current(app)
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return _create_next(app, Actor.system("first use"))
    except IntegrityError:  # another request made it first: read the one it made
        current = _current(app)
        if current is None:
            raise
        return current


def session_key_current_version(*, app: App) -> int:
    """The number of the version that encrypts for ``app`` (what sealing needs).

    The app's row names it (``App.session_key_version``, written with every new version in
    the same transaction), and that row is read afresh on every request to authenticate the
    caller: a rotation or a revoke holds from the very next request, without a query of
    its own here. An instance read before a revoke would seal under the retired version, and
    that session is then refused when opened (``token_open`` reads the retirement itself).
    """
    if app.session_key_version is not None:
        return app.session_key_version
    return session_key_current(app=app).version


def session_key_rotate(*, app: App, actor: Actor, revoke: bool = False) -> SessionKeyVersion:
    """A new version encrypts from now on. With ``revoke``, every older version retires now."""
    keys.master_secrets()  # refuse before changing anything when no secret is configured
    with transaction.atomic():
        # The app row serialises rotations of one app, so two never make the same version.
        App.objects.select_for_update().filter(pk=app.pk).first()
        now = clock.now()
        older = SessionKeyVersion.objects.filter(app=app)
        if revoke:
            older.filter(Q(retires_at__isnull=True) | Q(retires_at__gt=now)).update(
                retires_at=now, retired_by=str(actor)
            )
        else:
            older.filter(retires_at__isnull=True).update(
                retires_at=now + GRACE, retired_by=str(actor)
            )
        return _create_next(app, actor)


def session_key_retire(*, key_version: SessionKeyVersion, actor: Actor) -> SessionKeyVersion:
    """Retire one decrypt-only version now (the current one is replaced by rotating)."""
    with transaction.atomic():
        key = SessionKeyVersion.objects.select_for_update().get(pk=key_version.pk)
        now = clock.now()
        if key.retires_at is None:
            raise SessionKeyError(
                f"Version {key.version} of {key.app} encrypts new sessions: rotate (or revoke) "
                "to replace it."
            )
        if key.retires_at > now:
            key.retires_at = now
            key.retired_by = str(actor)
            key.save(update_fields=["retires_at", "retired_by"])
        return key


def _current(app: App) -> SessionKeyVersion | None:
    return (
        SessionKeyVersion.objects.filter(app=app, retires_at__isnull=True)
        .order_by("-version")
        .first()
    )


def _create_next(app: App, actor: Actor) -> SessionKeyVersion:
    """The next version, made the one that encrypts (on the version rows and the app's row)."""
    last = SessionKeyVersion.objects.filter(app=app).aggregate(last=Max("version"))["last"]
    created = SessionKeyVersion.objects.create(
        app=app, version=(last or 0) + 1, created=clock.now(), created_by=str(actor)
    )
    App.objects.filter(pk=app.pk).update(session_key_version=created.version)
    app.session_key_version = created.version
    return created
