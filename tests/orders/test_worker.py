"""The worker's loop: jobs in turn each tick, and jobs of their own thread beside them."""

from __future__ import annotations

import threading
import time

from orders.worker import Worker


def test_a_job_of_its_own_thread_runs_on_while_another_takes_long(db):
    release = threading.Event()
    calls: list[float] = []

    def slow() -> int:
        release.wait(10)
        return 0

    def fast() -> int:
        calls.append(time.monotonic())
        return 0

    worker = Worker({"slow": slow, "fast": fast}, interval=0.05, own_thread={"fast"})
    runner = threading.Thread(target=worker.run)
    runner.start()
    try:
        until = time.monotonic() + 5
        while len(calls) < 5 and time.monotonic() < until:
            time.sleep(0.01)
        # the slow job is still in its first tick, and the other ran again and again meanwhile
        assert len(calls) >= 5 and not release.is_set()
    finally:
        release.set()
        worker.stop()
        runner.join(5)
    assert not runner.is_alive()


def test_one_round_runs_every_job_in_turn_in_the_calling_thread(db):
    ran: list[tuple[str, threading.Thread]] = []
    jobs = {
        name: (lambda name=name: ran.append((name, threading.current_thread())) or 0)
        for name in ("first", "apart")
    }
    Worker(jobs, own_thread={"apart"}).run(ticks=1)
    assert ran == [("first", threading.current_thread()), ("apart", threading.current_thread())]
