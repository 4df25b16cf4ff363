"""One overall deadline for a live scan (`--timeout`): every source checks it, and what it has not read
when the time is up becomes a gap with the reason, so the rules that need it are not assessed."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

__all__ = ["DEFAULT_TIMEOUT", "Deadline", "Finished", "run_until"]

R = TypeVar("R")

DEFAULT_TIMEOUT = 300.0  # seconds: a few minutes is ample for a tenant or an account


@dataclass(frozen=True)
class Deadline:
    seconds: float = DEFAULT_TIMEOUT
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.started + self.seconds - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def reason(self, what: str) -> str:
        """Why `what` is missing once the deadline has passed."""
        return f"{what} was not read before the scan's deadline (--timeout {self.seconds:g} s)"


def run_until(
    deadline: Deadline, jobs: Sequence[Callable[[], R]], workers: int, name: str = "emailiac-live"
) -> list[Finished[R] | None]:
    """Run `jobs` on up to `workers` daemon threads until they are done or the deadline passes; per job, what
    it returned or raised, or None when it had not finished by then.

    Daemon threads, unlike a ThreadPoolExecutor's, do not hold the process open at exit: a request stuck on
    an endpoint that never answers must not keep the scan alive after its deadline.
    """
    results: list[Finished[R] | None] = [None] * len(jobs)
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(jobs)):
        todo.put(index)
    done = threading.Condition()
    finished = [0]

    def work() -> None:
        while not deadline.expired:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                outcome: Finished[R] = Finished(value=jobs[index]())
            except BaseException as exc:  # handed to the caller, who decides
                outcome = Finished(error=exc)
            with done:
                results[index] = outcome
                finished[0] += 1
                done.notify_all()

    for n in range(max(1, min(workers, len(jobs)))):
        threading.Thread(target=work, name=f"{name}-{n}", daemon=True).start()
    with done:
        done.wait_for(lambda: finished[0] == len(jobs), timeout=deadline.remaining())
        return list(results)


@dataclass(frozen=True)
class Finished(Generic[R]):
    value: R | None = None
    error: BaseException | None = None

    def result(self) -> R:
        if self.error is not None:
            raise self.error
        return cast(R, self.value)
