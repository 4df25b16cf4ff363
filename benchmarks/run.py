"""Benchmark emailiac against raw python-hcl2 parsing and Checkov on one generated corpus, side by side.

    python benchmarks/run.py                      # 2,000 files, Checkov if `checkov` is on PATH
    python benchmarks/run.py --files 200 --checkov /path/to/venv/bin/checkov

Prints a Markdown table: wall time and peak memory (proportional set size summed over the whole process
tree, sampled every 20 ms) for a cold lint (empty caches), an unchanged re-run, a re-run after one file
changed, a serial cold lint, one-file lint, `emailiac --version`, a single-process python-hcl2 `loads` of
every file, and Checkov with all its Terraform checks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_corpus import generate  # noqa: E402

PARSE_ONLY = """
import sys, time, pathlib, hcl2
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.tf"))
start = time.perf_counter()
for f in files:
    hcl2.loads(f.read_text())
print(len(files), time.perf_counter() - start)
"""


@dataclass
class Measure:
    label: str
    seconds: float
    peak_mib: float
    note: str = ""


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants, in KiB: proportional set size, so pages that forked
    workers share with their parent count once, not once per process (resident size where PSS is missing)."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            try:
                with open(f"/proc/{current}/smaps_rollup") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
            except (OSError, StopIteration):
                with open(f"/proc/{current}/status") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError, StopIteration):  # the process ended while being read
            continue
    return total


def run(label: str, cmd: list[str], env: dict[str, str] | None = None, note: str = "") -> Measure:
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"{label} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return Measure(label, seconds, peak / 1024, note)


def _clear(cache: Path) -> None:
    """Empty the result, root and parse caches (the grammar cache stays: it is built once per installation)."""
    for kind in ("results", "roots", "parse"):
        shutil.rmtree(cache / kind, ignore_errors=True)


def median_run(label: str, cmd: list[str], env: dict[str, str], times: int = 5) -> Measure:
    runs = [run(label, cmd, env) for _ in range(times)]
    return Measure(
        label, statistics.median(m.seconds for m in runs), max(m.peak_mib for m in runs), f"median of {times}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--checkov", default=shutil.which("checkov"), help="checkov executable (default: on PATH)")
    parser.add_argument("--jobs", type=int, default=None, help="emailiac --jobs (default: cores)")
    args = parser.parse_args()

    count = generate(args.corpus, args.files, 20, 7)
    emailiac = [sys.executable, "-m", "emailiac"]
    cache = Path(tempfile.mkdtemp(prefix="emailiac-bench-cache-"))
    env = {**os.environ, "EMAILIAC_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    # The text report, as in a terminal or a CI log; `-f json`/`-f sarif` add each finding's fix as data.
    lint = [*emailiac, "lint", str(args.corpus), "-o", os.devnull, *jobs]
    results = []
    # The grammar cache is built once per cache directory; build it outside the timed runs.
    subprocess.run([*emailiac, "lint", str(args.corpus / "modules"), "-o", os.devnull], env=env, check=False)
    _clear(cache)
    cold = run("emailiac lint, cold (empty caches)", lint, env, f"{os.cpu_count()} cores")
    results.append(cold)
    warm = run("emailiac lint, warm (unchanged re-run)", lint, env)
    results.append(warm)
    # One file changed: its root is evaluated again (its parse too), every other root comes from the caches.
    changed = args.corpus / "root000" / "resources_00.tf"
    changed.write_text(changed.read_text() + "\n# edited\n")
    results.append(run("emailiac lint, one file changed since", lint, env))
    _clear(cache)
    results.append(run("emailiac lint --jobs 1, cold", [*lint, "--jobs", "1"], env))
    one_file = args.corpus / "root000" / "main.tf"
    results.append(median_run("emailiac lint of one file", [*emailiac, "lint", str(one_file)], env))
    results.append(median_run("emailiac --version", [*emailiac, "--version"], env))
    parse = run(
        "python-hcl2 loads of every file, one process", [sys.executable, "-c", PARSE_ONLY, str(args.corpus)], env
    )
    results.append(parse)
    checkov: Measure | None = None
    if args.checkov:
        checkov = run(
            "Checkov, all Terraform checks",
            [args.checkov, "-d", str(args.corpus), "--framework", "terraform", "--quiet", "-o", "json"],
            env,
        )
        results.append(checkov)
    shutil.rmtree(cache, ignore_errors=True)

    print(
        f"\nCorpus: {count} files, {sum(f.stat().st_size for f in args.corpus.rglob('*.tf')) // 1024} KiB; "
        f"Python {sys.version.split()[0]}; {os.cpu_count()} cores\n"
    )
    print("| run | wall (s) | peak memory (MiB) | vs Checkov | note |")
    print("|---|---:|---:|---:|---|")
    for m in results:
        ratio = f"{checkov.seconds / m.seconds:.1f}x faster" if checkov and m is not checkov else ""
        print(f"| {m.label} | {m.seconds:.2f} | {m.peak_mib:.0f} | {ratio} | {m.note} |")


if __name__ == "__main__":
    main()
