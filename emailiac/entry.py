"""The `emailiac` console script. `--version` is answered before the command line framework is imported,
so that a version check (CI logs, pre-commit) costs only the interpreter's start-up; every other run leaves
once its output is flushed, without tearing its objects down."""

from __future__ import annotations

import gc
import os
import sys

__all__ = ["main"]

# A lint run keeps hundreds of thousands of syntax-tree and resource objects alive, and makes few reference
# cycles: with the default thresholds the collector walks all of them again and again (a third of a large
# root's run). Collections stay, only rarer; worker processes inherit this.
_GC_THRESHOLDS = (50_000, 20, 100)


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from emailiac import __version__

        sys.stdout.write(f"emailiac {__version__}\n")
        return
    gc.set_threshold(*_GC_THRESHOLDS)
    from emailiac.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if isinstance(code, str):
        sys.stderr.write(f"{code}\n")
        code = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its data at exit
    # Every report is written and closed by now: leave without tearing down the objects of a large run one
    # by one (a tenth of a second for a pre-commit lint, more for a monorepo).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), or a closed stream
            code = code or 1
    os._exit(code or 0)
