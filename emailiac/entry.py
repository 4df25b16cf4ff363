"""The `emailiac` console script. `--version` is answered before the command line framework is imported,
so that a version check (CI logs, pre-commit) costs only the interpreter's start-up."""

from __future__ import annotations

import gc
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

    cli_main()
