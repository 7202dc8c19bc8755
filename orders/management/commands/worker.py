from django.core.management.base import BaseCommand

from orders.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background work every second until stopped (Ctrl-C): the jobs apps register, "
        "such as the clock (time-driven order transitions) and the webhook relay. Run one or "
        "more, on any host."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between runs")
        parser.add_argument("--once", action="store_true", help="run one round, then stop")

    def handle(self, *args, interval: float, once: bool, **options):
        worker = Worker(interval=interval, report=lambda line: self.stdout.write(line))
        self.stdout.write("Worker started; Ctrl-C stops it.")
        worker.run(ticks=1 if once else None)
        self.stdout.write("Worker stopped.")
