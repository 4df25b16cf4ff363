"""The fast paths (process pool, parse cache, root cache) give exactly the answers of the plain path."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from emailiac.baseline import load_baseline
from emailiac.lint import LintOptions, lint
from emailiac.report import REPORTERS, ReportOptions

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_corpus import generate  # noqa: E402


def _report(corpus: Path, **options: object) -> str:
    result = lint([corpus], load_baseline("default"), LintOptions(env={}, **options))  # type: ignore[arg-type]
    return REPORTERS["json"](result, ReportOptions(base_dir=corpus))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "c"
    generate(out, 60, 15, 3)
    return out


def test_cold_warm_serial_and_parallel_runs_agree(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    plain = _report(corpus, cache=False, jobs=1)
    assert '"rule_id": "NET001"' in plain
    assert _report(corpus, cache=False, jobs=2) == plain  # process pool
    assert _report(corpus, cache=True, jobs=2) == plain  # cold: fills both caches
    assert (tmp_path / "cache" / "parse").is_dir() and (tmp_path / "cache" / "roots").is_dir()
    assert _report(corpus, cache=True, jobs=1) == plain  # warm: served from the caches


def test_one_root_parsed_across_processes_agrees_with_one_process(tmp_path: Path) -> None:
    """One root's files are parsed by the workers and by the parent itself (each taking chunks as it goes);
    the parsed files come back in order and the report is the one-process report."""
    from emailiac.sources.terraform.parallel import _parse_batch, _parse_shared

    one = tmp_path / "one"
    generate(one, 40, 40, 5)
    plain = _report(one, cache=False, jobs=1)
    assert '"rule_id": "NET001"' in plain
    for jobs in (2, 3, 8):
        assert _report(one, cache=False, jobs=jobs) == plain, jobs
    batch = [(str(path), path.read_text(), "") for path in sorted(one.rglob("*.tf"))]
    alone = _parse_batch(batch)
    for jobs in (2, 3):
        assert _parse_shared(batch, jobs) == alone, jobs


def test_a_changed_module_file_invalidates_the_roots_that_use_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "w"
    shutil.copytree(corpus, work)
    before = _report(work, cache=True)
    module = work / "modules" / "ses_sender" / "main.tf"
    module.write_text(module.read_text().replace("count   = 3", "count   = 2"))
    after = _report(work, cache=True)
    assert after == _report(work, cache=False)
    assert after != before
    assert "2 of 3 Easy DKIM CNAMEs" in after


def test_corrupt_cache_entries_are_ignored_and_rewritten(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(cache))
    plain = _report(corpus, cache=True)
    entries = [p for p in cache.rglob("*.pickle")]
    assert entries
    for entry in entries:
        entry.write_bytes(b"garbage")
    assert _report(corpus, cache=True) == plain
    assert all(not p.read_bytes().startswith(b"garbage") for p in entries)
