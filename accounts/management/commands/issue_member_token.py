from django.core.management.base import BaseCommand, CommandError

from accounts import services
from config.errors import DomainError


class Command(BaseCommand):
    help = "Issue a personal API token for the member with this email and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            member = services.member_by_email(email)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(services.member_token_issue(member=member))
