"""Fixture cases copied to a scratch directory, linted and fixed there (never in the repository)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from emailiac.baseline import Baseline, load_baseline
from emailiac.fixes.apply import write_changes
from emailiac.fixes.run import FixRun, run_fix
from emailiac.lint import LintOptions, lint
from emailiac.result import Result
from emailiac.rules import rule_by_id
from tests.fixture_cases import Case, all_cases

# Cases whose input cannot be fixed in place: a file that does not parse, plan JSON (no source positions).
_NOT_EDITABLE = {"bad_syntax"}


@dataclass
class Copied:
    case: Case
    root: Path
    inputs: list[Path]
    baseline: Baseline
    options: LintOptions

    def lint(self) -> Result:
        return lint(self.inputs, self.baseline, self.options)

    def fix(self, *, unsafe: bool = True, write: bool = True) -> FixRun:
        run = run_fix(self.inputs, self.baseline, self.options, unsafe=unsafe)
        if write:
            write_changes(run.changes)
        return run


def copy_case(case: Case, scratch: Path) -> Copied:
    root = scratch / case.name
    shutil.copytree(case.path, root)
    exp = case.expected
    baseline = exp.get("baseline", "default")
    if baseline.endswith((".yaml", ".yml")):
        baseline = str(root / baseline)
    options = LintOptions(
        only=tuple(exp.get("rules", ())),
        cache=False,
        jobs=1,
        env={f"TF_VAR_{k}": str(v) for k, v in (exp.get("env") or {}).items()},
        cli_vars={k: str(v) for k, v in (exp.get("vars") or {}).items()},
        var_files=tuple(root / f for f in exp.get("var_files", ())),
    )
    inputs = [root / t for t in exp.get("inputs", ["."])]
    return Copied(case, root, inputs, load_baseline(baseline), options)


def _fixable(rule_id: str) -> bool:
    rule = rule_by_id(rule_id)
    return rule is not None and rule.fix not in ("none", "display-only")


def editable_cases() -> list[Case]:
    """Every fixture case whose files a fix can edit."""
    return [c for c in all_cases() if c.name not in _NOT_EDITABLE]


def fixable_cases() -> list[Case]:
    """Cases with a finding of a rule that has an automatic fix."""
    return [
        c
        for c in all_cases()
        if c.name not in _NOT_EDITABLE and any(_fixable(row["rule"]) for row in c.expected.get("findings") or [])
    ]
