"""Benchmark emailiac against raw python-hcl2 parsing and Checkov on one generated corpus, side by side.

    python benchmarks/run.py                      # every corpus, Checkov if `checkov` is on PATH
    python benchmarks/run.py --corpus many-roots --checkov /path/to/venv/bin/checkov

Three generated corpora (the project's 2,000-file corpus, a monorepo of 150 small roots, one root of 400
files). For each, Markdown tables of wall time and peak memory (proportional set size summed over the whole
process tree, sampled every 20 ms) for the text, JSON and SARIF reports (what CI writes), each cold (empty
caches), as an unchanged re-run and after one file changed, each the median of `--repeat` runs; `--jobs 1`
cold runs (made in turn with the cold runs) with the parallel speed-up and efficiency, and the machine's own
ceiling for it (as many CPU-bound Python loops as cores at once, against one alone, before and after); fix
planning's share of a one-process JSON run (the median of `--repeat`); and Checkov with all its Terraform
checks writing JSON and SARIF, in the same run. Then one-file lint (a changed file, as pre-commit lints it),
`emailiac --version` and a single-process python-hcl2 `loads` of every file.
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
from collections.abc import Callable
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
    fmt: str = ""  # the report format written (text, json, sarif)


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


def run(label: str, cmd: list[str], env: dict[str, str] | None = None, note: str = "", fmt: str = "") -> Measure:
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
    return Measure(label, seconds, peak / 1024, note, fmt)


# A fixed CPU-bound Python loop (about a second): what one core does, for the machine's parallel ceiling.
SPIN = "x = 0\nfor i in range(15_000_000):\n    x += i\n"


def parallel_ceiling(times: int = 5) -> float:
    """How much faster `cores` copies of a CPU-bound Python loop finish together than one after another (the
    median of `times` trials, one copy alone then all at once): the most any run can gain from `--jobs` on
    this machine at this moment. Virtual cores shared with other machines give less than their count."""
    cores = os.cpu_count() or 1
    ratios = []
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", SPIN], check=True)
        alone = time.perf_counter() - start
        start = time.perf_counter()
        for proc in [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(cores)]:
            proc.wait()
        ratios.append(cores * alone / (time.perf_counter() - start))
    return statistics.median(ratios)


def _clear(cache: Path) -> None:
    """Empty every cache: results, judged roots, loaded roots, parsed files."""
    for kind in ("results", "judged", "roots", "parse"):
        shutil.rmtree(cache / kind, ignore_errors=True)


def median_run(
    label: str,
    cmd: list[str],
    env: dict[str, str],
    times: int = 5,
    before: Callable[[int], None] | None = None,
    fmt: str = "",
) -> Measure:
    """The median time of `times` runs (and their highest peak memory); `before(i)` is called ahead of run i
    (to empty the caches, or to edit a file as a commit does)."""
    runs = []
    for i in range(times):
        if before is not None:
            before(i)
        runs.append(run(label, cmd, env))
    seconds = statistics.median(m.seconds for m in runs)
    return Measure(label, seconds, max(m.peak_mib for m in runs), f"median of {times}", fmt)


def alternated_runs(
    labels: tuple[str, str],
    cmds: tuple[list[str], list[str]],
    env: dict[str, str],
    times: int,
    before: Callable[[], None],
) -> tuple[Measure, Measure]:
    """Two commands run in turn, `times` each (`before()` ahead of every run), and the median of each: a ratio
    of the two is taken under the same conditions, however the machine's speed moves meanwhile."""
    runs: tuple[list[Measure], list[Measure]] = ([], [])
    for _ in range(times):
        for label, cmd, mine in zip(labels, cmds, runs, strict=True):
            before()
            mine.append(run(label, cmd, env))
    first, second = (
        Measure(label, statistics.median(m.seconds for m in mine), max(m.peak_mib for m in mine), f"median of {times}")
        for label, mine in zip(labels, runs, strict=True)
    )
    return first, second


def _editor(path: Path) -> Callable[[int], None]:
    """Change a file before each run, as a pre-commit hook sees it: a new comment line each time."""
    original = path.read_text()

    def edit(i: int) -> None:
        path.write_text(original + f"\n# pre-commit edit {i}\n")

    return edit


@dataclass(frozen=True)
class Corpus:
    name: str
    files: int
    per_root: int
    seed: int


CORPORA = {
    # The project's corpus: 100 roots of 20 files sharing a local module.
    "generated": Corpus("generated", 2000, 20, 7),
    # A monorepo of many small roots (as platform teams keep one root per account or service).
    "many-roots": Corpus("many-roots", 750, 5, 11),
    # One large root: parallelism has to come from within it.
    "one-root": Corpus("one-root", 400, 400, 3),
}
FORMATS = ("text", "json", "sarif")


# Reports go to a scratch file, as in CI (and never to a device an atomic rename could replace).
REPORT = Path(tempfile.gettempdir()) / "emailiac-bench-report"


def _lint_cmd(emailiac: list[str], corpus: Path, fmt: str, jobs: list[str]) -> list[str]:
    return [*emailiac, "lint", str(corpus), "--format", fmt, "--output", str(REPORT), *jobs]


def checkov_cmd(checkov: str, directory: Path, fmt: str, out: Path) -> list[str]:
    """Checkov with all its Terraform checks writing `fmt` (json or sarif) to a file in `out`, as CI runs
    it; nothing is downloaded (its guideline links), so its time is its own."""
    return [
        checkov,
        "-d",
        str(directory),
        "--framework",
        "terraform",
        "--quiet",
        "--skip-download",
        "-o",
        fmt,
        "--output-file-path",
        str(out),
    ]


def checkov_for(measure: Measure, checkovs: dict[str, Measure]) -> Measure | None:
    """The Checkov run to compare a row with: same output format (text rows with Checkov's JSON); none for
    a row that is not a whole run."""
    if not measure.fmt:
        return None
    return checkovs.get("sarif" if measure.fmt == "sarif" else "json")


def bench_corpus(
    spec: Corpus,
    root: Path,
    emailiac: list[str],
    env: dict[str, str],
    cache: Path,
    checkov: str | None,
    jobs: list[str],
    repeat: int,
) -> tuple[list[Measure], dict[str, Measure]]:
    corpus = root / spec.name
    generate(corpus, spec.files, spec.per_root, spec.seed)
    results: list[Measure] = []
    # One untimed run first, so that no timed run pays for reading the files from disk the first time.
    subprocess.run([*emailiac, "lint", str(corpus / "modules"), "-o", str(REPORT)], env=env, check=False)
    changed = next(iter(sorted(corpus.glob("root*/resources_00.tf"))), None)
    edits = iter(range(1_000_000))

    def edit() -> None:
        if changed is not None:
            changed.write_text(changed.read_text() + f"\n# edit {next(edits)}\n")

    serials: list[Measure] = []
    cores = os.cpu_count() or 1
    for fmt in FORMATS:
        lint = _lint_cmd(emailiac, corpus, fmt, jobs)
        # Cold with the default jobs and with `--jobs 1` in turn, so that the speed-up compares like with like.
        labels = (f"{spec.name}: {fmt}, cold (empty caches)", f"{spec.name}: {fmt} --jobs 1, cold")
        cmds = (lint, _lint_cmd(emailiac, corpus, fmt, ["--jobs", "1"]))
        parallel, serial = alternated_runs(labels, cmds, env, repeat, lambda: _clear(cache))
        parallel.fmt = serial.fmt = fmt
        speedup = serial.seconds / parallel.seconds
        serial.note += f"; parallel speed-up {speedup:.2f}x on {cores} cores (efficiency {speedup / cores:.0%})"
        serials.append(serial)
        results.append(parallel)
        results.append(median_run(f"{spec.name}: {fmt}, unchanged re-run", lint, env, repeat, fmt=fmt))
        if changed is not None:
            label = f"{spec.name}: {fmt}, one file changed since"
            results.append(median_run(label, lint, env, repeat, before=lambda _: edit(), fmt=fmt))
    results.extend(serials)
    shares: list[tuple[float, float, float]] = []
    for _ in range(repeat):
        share = subprocess.run(
            [sys.executable, str(HERE / "plan_share.py"), str(corpus), str(REPORT)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        planned, paid, took = (float(x) for x in share.stdout.split()[-3:])
        shares.append((planned, paid, took))
    planning, payloads, whole = sorted(shares, key=lambda s: s[0] / s[2])[(len(shares) - 1) // 2]
    results.append(
        Measure(
            f"{spec.name}: json --jobs 1, cold: fix planning",
            planning,
            0,
            f"{planning / whole:.0%} of the run's {whole:.2f} s (report payloads {payloads / whole:.0%} of it; "
            f"the run of median share of {repeat})",
        )
    )
    checkovs: dict[str, Measure] = {}
    if checkov:
        with tempfile.TemporaryDirectory(prefix="checkov-report-") as out:
            for fmt in ("json", "sarif"):
                label = f"{spec.name}: Checkov, all Terraform checks, {fmt.upper()}"
                checkovs[fmt] = run(label, checkov_cmd(checkov, corpus, fmt, Path(out)), env, fmt=fmt)
                results.append(checkovs[fmt])
    return results, checkovs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", dest="corpora", action="append", choices=sorted(CORPORA), default=None)
    parser.add_argument("--files", type=int, default=None, help="override the generated corpus's file count")
    parser.add_argument("--work", type=Path, default=HERE / "corpus")
    parser.add_argument("--checkov", default=shutil.which("checkov"), help="checkov executable (default: on PATH)")
    parser.add_argument("--jobs", type=int, default=None, help="emailiac --jobs (default: cores)")
    parser.add_argument("--repeat", type=int, default=3, help="emailiac runs per measure (the median is shown)")
    args = parser.parse_args()

    emailiac = [sys.executable, "-m", "emailiac"]
    # Bytecode compiled ahead, as `pip install` leaves it: no timed run compiles emailiac's own modules.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "emailiac")], check=True)
    cache = Path(tempfile.mkdtemp(prefix="emailiac-bench-cache-"))
    env = {**os.environ, "EMAILIAC_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    load_before = os.getloadavg()
    ceiling_before = parallel_ceiling()
    tables: list[tuple[Corpus, list[Measure], dict[str, Measure]]] = []
    for name in args.corpora or list(CORPORA):
        spec = CORPORA[name]
        if args.files and name == "generated":
            spec = Corpus(spec.name, args.files, spec.per_root, spec.seed)
        measures, checkovs = bench_corpus(spec, args.work, emailiac, env, cache, args.checkov, jobs, args.repeat)
        tables.append((spec, measures, checkovs))
    one_root = args.work / tables[0][0].name
    one_file = sorted(one_root.rglob("main.tf"))[-1]
    extras = [
        median_run(
            "one small file, changed before each run (pre-commit)",
            [*emailiac, "lint", str(one_file)],
            env,
            times=9,
            before=_editor(one_file),
        ),
        median_run("emailiac --version", [*emailiac, "--version"], env),
        median_run("python -c pass (this interpreter's start-up, for scale)", [sys.executable, "-c", "pass"], env),
        run(
            "python-hcl2 loads of every file, one process",
            [sys.executable, "-c", PARSE_ONLY, str(one_root)],
            env,
        ),
    ]
    shutil.rmtree(cache, ignore_errors=True)
    load_after = os.getloadavg()
    ceiling_after = parallel_ceiling()

    print(
        f"\nPython {sys.version.split()[0]}; {os.cpu_count()} cores; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; parallel ceiling (as many CPU-bound Python "
        f"loops as cores at once, against one alone) {ceiling_before:.2f}x before, {ceiling_after:.2f}x after\n"
    )
    for spec, measures, checkovs in tables:
        size = sum(f.stat().st_size for f in (args.work / spec.name).rglob("*.tf")) // 1024
        roots = len(list((args.work / spec.name).glob("root*")))
        print(f"### {spec.name}: {spec.files} files, {roots} roots, {size} KiB\n")
        print("| run | wall (s) | peak memory (MiB) | vs Checkov, same format | note |")
        print("|---|---:|---:|---:|---|")
        for m in measures:
            checkov = checkov_for(m, checkovs)
            mine = checkov is not None and m not in checkovs.values()
            ratio = f"{checkov.seconds / m.seconds:.1f}x faster" if checkov is not None and mine else ""
            peak = f"{m.peak_mib:.0f}" if m.peak_mib else ""
            print(f"| {m.label} | {m.seconds:.2f} | {peak} | {ratio} | {m.note} |")
        print()
    print("| run | wall (s) | peak memory (MiB) | note |")
    print("|---|---:|---:|---|")
    for m in extras:
        print(f"| {m.label} | {m.seconds:.3f} | {m.peak_mib:.0f} | {m.note} |")


if __name__ == "__main__":
    main()
