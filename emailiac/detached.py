"""Cache writes done by a forked copy of this process while the run goes on.

Filling the caches (pickling each parsed file, the loaded root and the judged root) is about a third of a
cold run of one large root, which the pool cannot spread. Where the run may use more than one core, a copy
of the process made with `fork` does that work: it sees the values as they were when handed over, so nothing
is pickled to reach it, and it leaves without flushing this process's buffers or running its exit handlers.
The run waits for every copy before it ends, so a finished run has written its caches as a one-process run
has.

Only the process that opened `writes` forks; in its pool workers, with one core and for small writes, the
work runs at once.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["later", "writes"]

_owner = 0  # the process that may fork for writes (0: none)
_room = 0  # copies that may run at once
_running: list[int] = []


@contextmanager
def writes(jobs: int) -> Iterator[None]:
    """Within this block, `later` hands work to up to `jobs` forked copies at once; on leaving, waits for them.
    (The copies mostly overlap this process's own work, and the run ends with none left running.)"""
    global _owner, _room
    # Linux only: elsewhere a forked copy of a process that has started system frameworks may crash.
    if jobs < 2 or not sys.platform.startswith("linux") or _owner:
        yield
        return
    _owner, _room = os.getpid(), jobs
    try:
        yield
    finally:
        _owner = 0
        while _running:
            _reap()


def _reap() -> None:
    pid = _running.pop(0)
    with contextlib.suppress(ChildProcessError):  # reaped already
        os.waitpid(pid, 0)


# Terraform files behind a cache write from which a copy is worth making: forking a large process costs
# more than writing a few files' worth, and the pages both then touch are copied.
_WORTH_A_COPY = 100


def later(work: Callable[[], None], files: int) -> None:
    """Run `work`, a cache write of what `files` Terraform files made (its failure only costs speed), in a
    forked copy; or now, when none may fork or the write is small."""
    if _owner != os.getpid() or files < _WORTH_A_COPY:
        work()
        return
    while len(_running) >= _room:
        _reap()
    try:
        pid = os.fork()
    except OSError:
        work()
        return
    if pid:
        _running.append(pid)
        return
    try:  # the copy: no output, no exit handlers, no buffered output of its parent flushed twice
        gc.disable()  # a collection would touch (and so copy) every page of the parent's objects
        work()
    except BaseException:  # a cache write that failed is a miss on the next run
        pass
    finally:
        os._exit(0)
