"""Loading `fixtures/terraform/<case>/expected.yaml` and comparing a Result with it exactly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from emailiac.baseline import load_baseline
from emailiac.lint import LintOptions, lint
from emailiac.result import Evaluation, Result

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "fixtures" / "terraform"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expected: dict[str, Any]

    @property
    def rel(self) -> Path:
        return self.path.relative_to(ROOT)


def all_cases() -> list[Case]:
    cases = []
    for directory in sorted(CASES_DIR.iterdir()):
        spec = directory / "expected.yaml"
        if spec.is_file():
            cases.append(Case(directory.name, directory, yaml.safe_load(spec.read_text()) or {}))
    return cases


def run_case(case: Case) -> Result:
    exp = case.expected
    baseline = exp.get("baseline", "default")
    if baseline.endswith((".yaml", ".yml")):
        baseline = str(case.rel / baseline)
    target = [case.rel / t for t in exp.get("inputs", ["."])]
    options = LintOptions(
        only=tuple(exp.get("rules", ())),
        cache=False,
        jobs=1,
        env={f"TF_VAR_{k}": str(v) for k, v in (exp.get("env") or {}).items()},
        cli_vars={k: str(v) for k, v in (exp.get("vars") or {}).items()},
        var_files=tuple(case.rel / f for f in exp.get("var_files", ())),
    )
    return lint(target, load_baseline(baseline), options)


def _row(ev: Evaluation) -> dict[str, Any]:
    return {"rule": ev.rule_id, "resource": ev.subject.address, "line": ev.subject.line, "reason": ev.message}


def _matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    if want["rule"] != got["rule"] or want["resource"] != got["resource"]:
        return False
    if "line" in want and want["line"] != got["line"]:
        return False
    return not ("reason" in want and want["reason"] not in got["reason"])


def compare(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """(expected but missing, present but unexpected), each exact."""
    remaining = list(got)
    missing = []
    for w in want:
        hit = next((g for g in remaining if _matches(w, g)), None)
        if hit is None:
            missing.append(w)
        else:
            remaining.remove(hit)
    return missing, remaining


def actual(result: Result) -> dict[str, list[dict[str, Any]]]:
    return {
        "findings": [_row(f.evaluation) for f in result.findings if f.suppressed_by is None],
        "suppressed": [_row(f.evaluation) for f in result.findings if f.suppressed_by is not None],
        "passes": [_row(e) for e in result.passes],
        "not_assessed": [_row(e) for e in result.not_assessed],
    }
