"""The share of a one-process JSON lint that goes to fix plans (of which turning plans into report payloads).

    python benchmarks/plan_share.py CORPUS REPORT

Runs `emailiac lint CORPUS --format json --output REPORT --jobs 1 --no-cache` in this process with each
root's fix planning timed (context, planners, payloads with line and column positions) and, within it, the
payloads; prints `planning payloads run` in seconds (the run timed from before emailiac is imported).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()


def _timed(module: Any, name: str, spent: list[float]) -> None:
    original: Callable[..., Any] = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    setattr(module, name, wrapper)


def main() -> None:
    corpus, report = sys.argv[1], sys.argv[2]
    from emailiac import entry, rootjudge
    from emailiac.fixes import payload

    gc.set_threshold(*entry._GC_THRESHOLDS)  # as the console script runs
    planning, payloads = [0.0], [0.0]
    _timed(rootjudge, "_plan", planning)
    _timed(payload, "attach", payloads)
    from emailiac.cli import main as cli_main

    sys.argv = ["emailiac", "lint", corpus, "--format", "json", "--output", report, "--jobs", "1", "--no-cache"]
    with contextlib.suppress(SystemExit):  # the exit code is the findings', not the measure's
        cli_main()
    print(f"{planning[0]:.3f} {payloads[0]:.3f} {time.perf_counter() - STARTED:.3f}")


if __name__ == "__main__":
    main()
