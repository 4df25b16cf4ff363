"""The `emailiac` console script. `--version` is answered before the command line framework is imported,
so that a version check (CI logs, pre-commit) costs only the interpreter's start-up."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from emailiac import __version__

        sys.stdout.write(f"emailiac {__version__}\n")
        return
    from emailiac.cli import main as cli_main

    cli_main()
