from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.scopes import ALL_SCOPES
from config.errors import DomainError


class Command(BaseCommand):
    help = "Create an API app with the given scopes and print its token (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            metavar="SCOPE",
            help=f"repeat for several; one of: {', '.join(ALL_SCOPES)}",
        )

    def handle(self, *args, name, scope, **options):
        try:
            app, token = services.app_create(name=name, scopes=scope)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Created app '{app.name}' (app id {app.app_def_id}).")
        self.stdout.write(token)
