from django.core.management.base import BaseCommand

from webhooks.services.keys import signing_key_rotate


class Command(BaseCommand):
    help = (
        "Make a new webhook signing key current. The old key stays in /.well-known/jwks.json "
        "for 7 days, so receivers can still verify what it signed."
    )

    def handle(self, *args, **options):
        key = signing_key_rotate()
        self.stdout.write(f"Deliveries are now signed with key {key.kid}.")
