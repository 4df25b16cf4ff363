"""emailiac and Checkov side by side on real module repositories, every root of each, in JSON and SARIF.

    python benchmarks/repos.py --checkov /path/to/checkov REPO_DIR [REPO_DIR...]

A repository's roots are the folder itself, `examples/*`, `modules/*` and `wrappers/*` folders that hold `.tf`
files: emailiac is given all of them in one run, and Checkov the repository folder (it walks every folder), so
both judge the same files. Each tool writes its JSON, then its SARIF report to a file; emailiac is timed cold
(empty caches) and as an unchanged re-run. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import REPORT, Measure, _clear, checkov_cmd, run  # noqa: E402

ROOT_PARENTS = ("examples", "modules", "wrappers")
FORMATS = ("json", "sarif")


def roots_of(repo: Path) -> list[Path]:
    roots = [repo] if any(repo.glob("*.tf")) else []
    for parent in ROOT_PARENTS:
        roots += sorted(p for p in (repo / parent).glob("*") if p.is_dir() and any(p.glob("*.tf")))
    return roots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--checkov", default=shutil.which("checkov"))
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="emailiac-bench-cache-"))
    env = {**os.environ, "EMAILIAC_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    emailiac = [sys.executable, "-m", "emailiac"]
    # Bytecode compiled ahead, as `pip install` leaves it: no timed run compiles emailiac's own modules.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "emailiac")], check=True)
    load_before = os.getloadavg()
    rows: list[tuple[str, int, int, str, Measure, Measure, Measure | None]] = []
    for repo in args.repos:
        roots = roots_of(repo)
        files = sum(1 for _ in repo.rglob("*.tf"))
        for fmt in FORMATS:
            lint = [*emailiac, "lint", *map(str, roots), "--format", fmt, "--output", str(REPORT)]
            _clear(cache)
            cold = run(f"{repo.name}: emailiac {fmt} cold", lint, env)
            warm = run(f"{repo.name}: emailiac {fmt} re-run", lint, env)
            checkov = None
            if args.checkov:
                with tempfile.TemporaryDirectory(prefix="checkov-report-") as out:
                    checkov = run(f"{repo.name}: Checkov {fmt}", checkov_cmd(args.checkov, repo, fmt, Path(out)), env)
            rows.append((repo.name, len(roots), files, fmt, cold, warm, checkov))
    shutil.rmtree(cache, ignore_errors=True)
    load_after = os.getloadavg()
    print(f"\n{os.cpu_count()} cores; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after\n")
    print(
        "| repository | roots | .tf files | format | emailiac cold (s) | re-run (s) | Checkov (s) | cold | re-run "
        "| peak MiB (emailiac / Checkov) |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for name, root_count, files, fmt, cold, warm, checkov in rows:
        c = f"{checkov.seconds:.1f}" if checkov else "-"
        r1 = f"{checkov.seconds / cold.seconds:.1f}x" if checkov else "-"
        r2 = f"{checkov.seconds / warm.seconds:.0f}x" if checkov else "-"
        mem = f"{cold.peak_mib:.0f} / {checkov.peak_mib:.0f}" if checkov else f"{cold.peak_mib:.0f}"
        print(
            f"| {name} | {root_count} | {files} | {fmt.upper()} | {cold.seconds:.2f} | {warm.seconds:.2f} | {c} "
            f"| {r1} | {r2} | {mem} |"
        )


if __name__ == "__main__":
    main()
