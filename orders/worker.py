"""The loops ``manage.py worker`` runs: thin, they only call services.

Each tick runs every registered job once; a job that raises is logged and the worker goes on
(the next tick retries it). Stopping (Ctrl-C or SIGTERM) lets the current tick finish its
transaction.

Jobs are an extension point: ``orders`` registers the clock, and apps above it (webhooks,
members) register theirs from their ``AppConfig.ready()`` with :func:`register_job`, so
``orders`` never imports them. A job registered ``own_thread=True`` (the webhook relay) runs
in a thread of its own while the worker runs on, with its own database connection, so a long
tick of the others (a burst of emails, a large clock sweep) never holds it up; ``--once`` and
:meth:`Worker.tick` run every job in turn, in the calling thread.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Collection

from django.db import close_old_connections, connection, connections

from orders.services.clock import clock_run

log = logging.getLogger(__name__)


Job = Callable[[], int]

_REGISTERED: dict[str, Job] = {"clock": clock_run}
_OWN_THREAD: set[str] = set()


def register_job(name: str, job: Job, *, own_thread: bool = False) -> None:
    """Run ``job`` on every tick of every worker; it returns how many things it did.
    ``own_thread``: a running worker calls it in a thread of its own, once a second or as
    soon as it returns, beside the other jobs' ticks.

    Called once per process from an ``AppConfig.ready()``; registering a name again replaces
    the job (Django may call ``ready()`` twice in tests).
    """
    _REGISTERED[name] = job
    if own_thread:
        _OWN_THREAD.add(name)
    else:
        _OWN_THREAD.discard(name)


def own_thread_jobs() -> set[str]:
    """The names of the jobs a running worker gives a thread of their own."""
    return set(_OWN_THREAD)


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
        own_thread: set[str] | None = None,
    ) -> None:
        self.jobs = dict(jobs) if jobs is not None else registered_jobs()
        self.own_thread = (own_thread if own_thread is not None else own_thread_jobs()) & set(
            self.jobs
        )
        self.interval = interval
        self.report = report or log.info
        self.stopping = threading.Event()

    def stop(self, *_args) -> None:
        self.stopping.set()

    def tick(self, *, skip: Collection[str] = ()) -> int:
        done = 0
        for name, job in self.jobs.items():
            if name not in skip:
                done += self.run_job(name, job)
        return done

    def run_job(self, name: str, job: Job) -> int:
        if not connection.in_atomic_block:  # a long-lived loop drops stale connections
            close_old_connections()
        try:
            count = job()
        except Exception:
            log.exception("worker: %s failed; retrying next tick", name)
            return 0
        if count:
            self.report(f"{name}: {count} done")
        return count

    def run(self, *, ticks: int | None = None) -> None:
        """Tick every ``interval`` seconds until stopped (or ``ticks`` times). Running on
        (``ticks`` None), the ``own_thread`` jobs run in threads of their own meanwhile."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            if threading.current_thread() is threading.main_thread():
                signal.signal(sig, self.stop)
        apart = self.own_thread if ticks is None else set()
        threads = [
            threading.Thread(target=self.loop, args=(name,), name=f"worker-{name}", daemon=True)
            for name in apart
        ]
        for thread in threads:
            thread.start()
        try:
            count = 0
            while not self.stopping.is_set():
                started = time.monotonic()
                self.tick(skip=apart)
                count += 1
                if ticks is not None and count >= ticks:
                    break
                self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            self.stopping.set()
            for thread in threads:
                thread.join()

    def loop(self, name: str) -> None:
        """One ``own_thread`` job, called again as soon as it returns (at most once per
        ``interval`` if it returns early), until the worker stops."""
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                self.run_job(name, self.jobs[name])
                self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            connections.close_all()  # this thread's own
