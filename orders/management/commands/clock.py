from django.core.management.base import BaseCommand, CommandError

from config import clock
from orders.services.clock import clock_run


class Command(BaseCommand):
    help = (
        "Show the (test) time, move the test clock forward and run what became due, "
        "or run due work once. Examples: 'clock show', 'clock advance 30d', 'clock run'."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("show", help="print the current time")
        advance = sub.add_parser("advance", help="move the test clock forward, then run")
        advance.add_argument("duration", help="30d, 12h, 45m, 2w or ISO 8601 (P1DT2H)")
        sub.add_parser("run", help="apply every transition that is due now, once")

    def handle(self, *args, action, **options):
        if action == "show":
            self.stdout.write(clock.now().isoformat())
            return
        if action == "advance":
            try:
                delta = clock.parse_delta(options["duration"])
                clock.advance_shared(delta)
            except (ValueError, clock.TestClockDisabled) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"The time is now {clock.now().isoformat()}")
        self.run_due()

    def run_due(self) -> None:
        done = clock_run()
        self.stdout.write(f"{done} transition(s) applied.")
