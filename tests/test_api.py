"""The Python API: its public names are pinned, and each call does what the command line does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from emailiac import api
from emailiac.result import Severity

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "terraform" / "demo"

PUBLIC = [
    "EmailiacError",
    "Evaluation",
    "Finding",
    "FixOutcome",
    "InputError",
    "Result",
    "Severity",
    "Status",
    "__version__",
    "fix",
    "lint",
    "load_baseline",
    "render",
    "scan_aws",
    "scan_dns",
    "scan_m365",
]


def test_public_names_are_pinned() -> None:
    # Adding a name is a feature; removing or renaming one breaks embedders and needs a major version.
    assert sorted(api.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(api, name), name


def test_lint_matches_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path))
    result = api.lint([DEMO], baseline="default", cache=False)
    assert result.exit_code(Severity.LOW) == 1
    ids = {f.rule_id for f in result.active_findings}
    assert {"SPF002", "DMARC002", "NET001"} <= ids
    report = json.loads(api.render(result, "json", base_dir=ROOT))
    assert report["schema_version"] == "1.0"
    assert report["summary"]["findings"] == len(result.active_findings)
    only = api.lint([DEMO], rules=["NET001"], cache=False)
    assert {f.rule_id for f in only.active_findings} == {"NET001"}


def test_lint_with_fixes_carries_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path))
    result = api.lint([DEMO], rules=["TLS001"], cache=False, with_fixes=True)
    report = json.loads(api.render(result, "json"))
    assert report["findings"] and all("fix" in f for f in report["findings"])


def test_user_errors_raise() -> None:
    with pytest.raises(api.EmailiacError, match="unknown rule 'NOPE001'"):
        api.lint([DEMO], rules=["NOPE001"])
    with pytest.raises(api.EmailiacError, match="unknown format"):
        api.render(api.Result(baseline="default"), "pdf")
    with pytest.raises(api.EmailiacError):
        api.load_baseline("no-such-profile")
    with pytest.raises(api.EmailiacError, match="at least one path"):
        api.lint([])
    with pytest.raises(api.EmailiacError):
        api.lint([ROOT / "docs"])  # no Terraform there


def test_fix_plans_then_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    tree = tmp_path / "demo"
    shutil.copytree(DEMO, tree)
    monkeypatch.chdir(tmp_path)
    planned = api.fix([tree], rules=["TLS001"])
    assert planned.written == ()
    assert "+  default = true" in planned.diff and planned.applied
    before = {p: p.read_text() for p in tree.rglob("*.tf")}
    done = api.fix([tree], rules=["TLS001"], write=True)
    assert done.written
    assert {p: p.read_text() for p in tree.rglob("*.tf")} != before
    again = api.lint([tree], rules=["TLS001"], cache=False)
    assert not again.active_findings
