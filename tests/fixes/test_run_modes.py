"""Findings and fix plans do not depend on how a run was done: cold (empty caches), warm (answered from the
result cache), `--jobs 1` and `--jobs 2` give byte-identical reports in every format, fixes included."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from emailiac.report import FORMATS

ROOT = Path(__file__).resolve().parents[2]
# Several roots (so that --jobs 2 loads them in worker processes), modules, tfvars and fixable findings.
CASES = ("demo", "dns_route53", "dns_azure", "net_all_ports", "spf_multiple", "tls_weak", "mfa_gaps")


def _lint(corpus: Path, out: Path, cache: Path, *extra: str) -> dict[str, str]:
    out.mkdir()
    cmd = [sys.executable, "-m", "emailiac", "lint", str(corpus), *extra]
    for fmt in FORMATS:
        cmd += ["-f", fmt, "-o", str(out / fmt)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMAILIAC_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=corpus.parent, check=False)
    assert proc.returncode in (1, 2), proc.stderr
    return {fmt: (out / fmt).read_text() for fmt in FORMATS}


def test_cold_warm_and_jobs_give_the_same_reports(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for case in CASES:
        shutil.copytree(ROOT / "fixtures" / "terraform" / case, corpus / case)
    cold = _lint(corpus, tmp_path / "cold", tmp_path / "cache")
    warm = _lint(corpus, tmp_path / "warm", tmp_path / "cache")
    one = _lint(corpus, tmp_path / "one", tmp_path / "cache1", "--jobs", "1")
    two = _lint(corpus, tmp_path / "two", tmp_path / "cache2", "--jobs", "2")
    uncached = _lint(corpus, tmp_path / "uncached", tmp_path / "cache3", "--no-cache")
    fixes = [f["fix"] for f in json.loads(cold["json"])["findings"] if "fix" in f]
    assert len(fixes) > 20, "the corpus has fix plans to compare"
    for fmt in FORMATS:
        assert warm[fmt] == cold[fmt], f"{fmt}: warm run differs from cold"
        assert one[fmt] == cold[fmt], f"{fmt}: --jobs 1 differs"
        assert two[fmt] == cold[fmt], f"{fmt}: --jobs 2 differs"
        assert uncached[fmt] == cold[fmt], f"{fmt}: --no-cache differs"


def test_a_run_after_one_file_changed_matches_an_uncached_run(tmp_path: Path) -> None:
    """Roots whose files are unchanged come from the judged-root cache, the changed one is judged again."""
    corpus = tmp_path / "corpus"
    for case in CASES:
        shutil.copytree(ROOT / "fixtures" / "terraform" / case, corpus / case)
    cold = _lint(corpus, tmp_path / "cold", tmp_path / "cache", "--jobs", "2")
    changed = corpus / "spf_multiple" / "main.tf"
    changed.write_text(changed.read_text().replace("include:amazonses.com -all", "include:amazonses.com ?all", 1))
    partial = _lint(corpus, tmp_path / "partial", tmp_path / "cache", "--jobs", "2")
    uncached = _lint(corpus, tmp_path / "uncached", tmp_path / "cache3", "--no-cache", "--jobs", "1")
    assert partial["json"] != cold["json"], "the change shows in the report"
    for fmt in FORMATS:
        assert partial[fmt] == uncached[fmt], f"{fmt}: a run after one file changed differs"


def test_one_large_root_whose_caches_are_written_by_forked_copies(tmp_path: Path) -> None:
    """With two jobs, a root of this many files has its parse share, load and judgement cached by forked
    copies of the run: the reports are the one-process ones, and the caches are whole when the run ends."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate_corpus import generate

    from emailiac.detached import _WORTH_A_COPY

    corpus = tmp_path / "one"
    generate(corpus, _WORTH_A_COPY + 20, _WORTH_A_COPY + 20, 5)
    files = list(corpus.rglob("*.tf"))
    assert len(files) > _WORTH_A_COPY and sorted(p.name for p in corpus.iterdir()) == ["modules", "root000"]
    cache = tmp_path / "cache"
    cold = _lint(corpus, tmp_path / "cold", cache, "--jobs", "2")
    assert len(list((cache / "parse").rglob("*.pickle"))) == len(files)
    assert len(list((cache / "roots").rglob("*.pickle"))) == 1
    assert len(list((cache / "judged").rglob("*.pickle"))) == 1
    assert not list(cache.rglob("*.tmp"))
    plain = _lint(corpus, tmp_path / "plain", tmp_path / "cache1", "--jobs", "1", "--no-cache")
    shutil.rmtree(cache / "results")  # the next run is answered by the judged root the copy wrote
    warm = _lint(corpus, tmp_path / "warm", cache, "--jobs", "1")
    assert '"rule_id": "NET001"' in plain["json"]
    for fmt in FORMATS:
        assert cold[fmt] == plain[fmt], f"{fmt}: the cold two-job run differs"
        assert warm[fmt] == plain[fmt], f"{fmt}: the run from its caches differs"
