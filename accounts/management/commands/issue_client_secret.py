from django.core.management.base import BaseCommand, CommandError

from accounts import client_credentials
from config.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue a client secret for an app (by name or app id) and print it (shown once), for "
        "POST /accessToken/get with client_id = the app id. --revoke revokes the app's secrets "
        "instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("app", help="the app's name or app id")
        parser.add_argument(
            "--revoke",
            action="store_true",
            help="revoke every client secret of the app (their access tokens stop at once)",
        )

    def handle(self, *args, app, revoke, **options):
        try:
            found = client_credentials.app_find(app)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if revoke:
            count = client_credentials.client_secrets_revoke(app=found)
            self.stdout.write(f"Revoked {count} client secret(s) of '{found.name}'.")
            return
        secret = client_credentials.client_secret_issue(app=found)
        self.stderr.write(f"client_id: {found.app_def_id} (app '{found.name}')")
        self.stdout.write(secret)
