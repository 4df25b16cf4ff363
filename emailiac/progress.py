"""A progress display for long runs: on standard error, only when it is a terminal, only after a second.

CI logs and pipes stay clean: when standard error is not a terminal nothing is drawn at all, and a run that
finishes within the delay never shows the bar. rich is imported only when the bar is actually drawn.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Phases", "phases"]

# How long a run may take before the bar appears; the environment override exists for the tests.
_DELAY_S = 1.0


class Phases:
    """Names the step a run is in (`reading Terraform`, `judging`...); draws nothing until the delay passed."""

    def __init__(self, total: int, delay: float | None) -> None:
        """`delay` None: never draw (standard error is not a terminal)."""
        self._total = total
        self._done = 0
        self._label = ""
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        if delay is not None:
            self._timer = threading.Timer(delay, self._show)
            self._timer.daemon = True

    def start(self) -> None:
        if self._timer is not None:
            self._timer.start()

    def phase(self, label: str) -> None:
        with self._lock:
            if self._label:
                self._done += 1
            self._label = label
            if self._progress is not None:
                self._progress.update(self._task, completed=self._done, description=label)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("emailiac"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=self._total, completed=self._done)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None


@contextmanager
def phases(total: int) -> Iterator[Phases]:
    """A Phases display for a run of `total` steps; silent unless standard error is a terminal."""
    delay = float(os.environ.get("EMAILIAC_PROGRESS_DELAY", _DELAY_S)) if sys.stderr.isatty() else None
    display = Phases(total, delay)
    display.start()
    try:
        yield display
    finally:
        display.stop()
