"""manage.py rotate_session_keys: rotate (or revoke) the order-session keys of apps."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import Actor
from accounts.models import App
from config import clock
from config.errors import DomainError
from sessions_app.models import SessionKeyVersion
from sessions_app.services.keys import session_key_rotate


class Command(BaseCommand):
    help = (
        "Make a new order-session key version encrypt for the given apps. The previous version "
        "keeps decrypting for the longest session lifetime (48 h) plus a minute, then retires. "
        "--revoke retires every older version at once (open sessions become not found)."
    )

    def add_arguments(self, parser):
        parser.add_argument("apps", nargs="*", metavar="APP", help="app name or app id")
        parser.add_argument("--all", action="store_true", help="every app")
        parser.add_argument(
            "--revoke", action="store_true", help="emergency: retire older versions now"
        )
        parser.add_argument(
            "--list", action="store_true", help="only show the key versions, change nothing"
        )

    def handle(self, *args, apps, all, revoke, list, **options):
        chosen = self._apps(apps, every=all)
        if list:
            self._show(chosen)
            return
        actor = Actor.system("rotate_session_keys")
        for app in chosen:
            try:
                key = session_key_rotate(app=app, actor=actor, revoke=revoke)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            verb = "Revoked older keys of" if revoke else "Rotated"
            self.stdout.write(f"{verb} {app.name}: version {key.version} encrypts now.")

    def _apps(self, names: list[str], *, every: bool) -> list[App]:
        if every:
            return list(App.objects.order_by("name"))
        if not names:
            raise CommandError("Name the apps to rotate (name or app id), or pass --all.")
        found = []
        for name in names:
            app = App.objects.filter(name=name).first() or _by_app_id(name)
            if app is None:
                raise CommandError(f"No app named '{name}' and no app with that id.")
            found.append(app)
        return found

    def _show(self, apps: list[App]) -> None:
        now = clock.now()
        for key in SessionKeyVersion.objects.filter(app__in=apps).select_related("app"):
            until = f" until {key.retires_at:%Y-%m-%d %H:%M:%S}Z" if key.retires_at else ""
            self.stdout.write(f"{key.app.name}\tv{key.version}\t{key.state(now)}{until}")


def _by_app_id(text: str) -> App | None:
    try:
        return App.objects.filter(app_def_id=uuid.UUID(text)).first()
    except ValueError:
        return None
