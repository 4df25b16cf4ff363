"""Every fixable fixture, closed loop: lint, fix --write (unsafe fixes too), lint again.

The findings the fixes were for are gone, nothing new appears, every changed file still parses (with
python-hcl2 as well as our own front end), a second run changes nothing, and `terraform fmt -check` passes
where a terraform binary is installed. Over every fixture, with its own rules and with all of them, one
`fix --write --unsafe-fixes` leaves nothing fixable, even what the fixes themselves made visible.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

from emailiac.fixes.model import applicable
from tests.fixes.cases import Copied, copy_case, editable_cases, fixable_cases
from tests.fixture_cases import Case

CASES = fixable_cases()
EVERY = editable_cases()


def _keys(copied: Copied) -> set[tuple[str, str]]:
    return {(f.rule_id, f.evaluation.subject.address) for f in copied.lint().active_findings}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fix_then_lint(case: Case, tmp_path: Path) -> None:
    copied = copy_case(case, tmp_path)
    before = _keys(copied)
    run = copied.fix()
    assert not run.result.errors
    applied = {f.fingerprint for f in run.changes.applied}
    after = copied.lint().active_findings
    still = [f for f in after if f.evaluation.fingerprint in applied]
    assert not still, f"fixed findings remain: {[(f.rule_id, f.evaluation.subject.address) for f in still]}"
    new = {(f.rule_id, f.evaluation.subject.address) for f in after} - before
    assert not new, f"the fixes caused new findings: {sorted(new)}"
    for file in run.changes.changed:
        if file.endswith(".tf"):
            hcl2.loads(Path(file).read_text(encoding="utf-8"))
    again = copied.fix()
    assert again.changes.changed == [], "a second run still changes files"


def test_every_fixable_rule_is_fixed_somewhere(tmp_path: Path) -> None:
    """Each rule whose fix is safe or unsafe has at least one fixture where a fix is applied."""
    from emailiac.rules import ALL_RULES

    applied: set[str] = set()
    for case in CASES:
        run = copy_case(case, tmp_path).fix(write=False)
        applied |= {f.rule_id for f in run.changes.applied}
    wanted = {r.id for r in ALL_RULES if r.fix in ("safe", "unsafe") and "terraform" in r.sources}
    assert sorted(wanted - applied) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_files_are_terraform_fmt_clean(case: Case, tmp_path: Path) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("a terraform binary is needed to check the output with `terraform fmt -check`")
    copied = copy_case(case, tmp_path)
    copied.fix()
    config = tmp_path / "empty.tfrc"
    config.write_text("")
    proc = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", str(copied.root)],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("all_rules", [False, True], ids=["own-rules", "all-rules"])
@pytest.mark.parametrize("case", EVERY, ids=[c.name for c in EVERY])
def test_one_fix_leaves_nothing_fixable(case: Case, all_rules: bool, tmp_path: Path) -> None:
    copied = copy_case(case, tmp_path)
    if all_rules:
        copied.options = dataclasses.replace(copied.options, only=())
    copied.fix()
    again = copied.fix(write=False)
    left = [(f.rule_id, f.subject) for f in again.fixes if applicable(f, unsafe=True)]
    assert left == [], f"still fixable after one fix --write --unsafe-fixes: {left}"
