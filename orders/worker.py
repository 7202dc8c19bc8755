"""The loops ``manage.py worker`` runs: thin, they only call services.

Each tick runs every registered job once; a job that raises is logged and the worker goes on
(the next tick retries it). Stopping (Ctrl-C or SIGTERM) lets the current tick finish its
transaction.

Jobs are an extension point: ``orders`` registers the clock, and apps above it (webhooks,
members) register theirs from their ``AppConfig.ready()`` with :func:`register_job`, so
``orders`` never imports them.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

from orders.services.clock import clock_run

log = logging.getLogger(__name__)


Job = Callable[[], int]

_REGISTERED: dict[str, Job] = {"clock": clock_run}


def register_job(name: str, job: Job) -> None:
    """Run ``job`` on every tick of every worker; it returns how many things it did.

    Called once per process from an ``AppConfig.ready()``; registering a name again replaces
    the job (Django may call ``ready()`` twice in tests).
    """
    _REGISTERED[name] = job


def registered_jobs() -> dict[str, Job]:
    """A copy of the registered jobs, in registration order (the clock first)."""
    return dict(_REGISTERED)


class Worker:
    def __init__(
        self,
        jobs: dict[str, Job] | None = None,
        *,
        interval: float = 1.0,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.jobs = dict(jobs) if jobs is not None else registered_jobs()
        self.interval = interval
        self.report = report or log.info
        self.stopping = threading.Event()

    def stop(self, *_args) -> None:
        self.stopping.set()

    def tick(self) -> int:
        done = 0
        for name, job in self.jobs.items():
            if not connection.in_atomic_block:  # a long-lived loop drops stale connections
                close_old_connections()
            try:
                count = job()
            except Exception:
                log.exception("worker: %s failed; retrying next tick", name)
                continue
            if count:
                self.report(f"{name}: {count} done")
            done += count
        return done

    def run(self, *, ticks: int | None = None) -> None:
        """Tick every ``interval`` seconds until stopped (or ``ticks`` times)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            if threading.current_thread() is threading.main_thread():
                signal.signal(sig, self.stop)
        count = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            self.tick()
            count += 1
            if ticks is not None and count >= ticks:
                break
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))
