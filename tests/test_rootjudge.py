"""Roots judged and planned one per worker give the plans one process with the whole run in view gives.

Whether a module folder is shared is estimated from the text before any root is evaluated; where the
estimate is wrong (a second root calls the module with `count = 0`) the root is planned again with the
run's real instances. The plans in lint's JSON report are compared with `emailiac fix`'s, which plans
every root in one process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emailiac.baseline import Baseline
from emailiac.fixes.run import plan_fixes
from emailiac.lint import LintOptions
from emailiac.rootjudge import JudgeSettings, judge_root
from emailiac.sources.terraform.loader import ParseStore
from emailiac.sources.terraform.parallel import parse_many_for
from emailiac.sources.terraform.roots import module_callers

ROOT = Path(__file__).resolve().parents[1]

MODULE = """
variable "domain" {
  type = string
}

resource "aws_route53_zone" "this" {
  name = var.domain
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.this.zone_id
  name    = var.domain
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 include:amazonses.com -all"]
}
"""


def _call(domain: str, count: int | None = None) -> str:
    counted = f"  count  = {count}\n" if count is not None else ""
    return f'module "zone" {{\n  source = "../modules/zone"\n{counted}  domain = "{domain}"\n}}\n'


def _tree(tmp_path: Path, calls: dict[str, str]) -> Path:
    tree = tmp_path / "tree"
    (tree / "modules" / "zone").mkdir(parents=True)
    (tree / "modules" / "zone" / "main.tf").write_text(MODULE)
    for name, text in calls.items():
        (tree / name).mkdir()
        (tree / name / "main.tf").write_text(text)
    return tree


def _lint_plans(tmp_path: Path, tree: Path, jobs: str) -> dict[tuple[str, str], dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMAILIAC_CACHE_DIR": str(tmp_path / f"cache{jobs}")}
    proc = subprocess.run(
        [sys.executable, "-m", "emailiac", "lint", str(tree), "--rule", "DMARC001", "-f", "json", "-j", jobs],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return {(f["root"], f["resource"]): f["fix"] for f in json.loads(proc.stdout)["findings"]}


def _fix_plans(tree: Path) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Every root planned in one process with the whole run in view, as `emailiac fix` plans."""
    result, fixes, _ = plan_fixes([tree], Baseline(), LintOptions(only=("DMARC001",), cache=False, jobs=1))
    root_of = {(f.rule_id, f.evaluation.subject.address, f.evaluation.fingerprint): f for f in result.findings}
    return {
        (str(root_of[(fix.rule_id, fix.subject, fix.fingerprint)].evaluation.subject.root), fix.subject): (
            fix.applicability,
            [b.hcl for b in fix.new_blocks],
        )
        for fix in fixes
    }


def _same(lint: dict[tuple[str, str], dict[str, object]], fix: dict[tuple[str, str], tuple[str, list[str]]]) -> bool:
    shown = {
        key: (str(plan["applicability"]), [str(b["hcl"]) for b in plan["new_blocks"]])  # type: ignore[attr-defined]
        for key, plan in lint.items()
    }
    return shown == fix


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_wrong_estimate_of_sharing_is_planned_again_with_the_real_instances(tmp_path: Path, jobs: str) -> None:
    tree = _tree(tmp_path, {"live": _call("live.example"), "retired": _call("retired.example", count=0)})
    # The text says two roots call the module, so a worker takes it as shared and writes the domain by
    # reference; only one instance exists, so the real plan writes it as it is.
    settings = JudgeSettings(
        Baseline(),
        only=("DMARC001",),
        fixes=True,
        use_cache=False,
        callers=module_callers([tree / "live", tree / "retired"]),
    )
    estimated = judge_root(tree / "live", settings, ParseStore(parse_many_for(1, False)))
    assert estimated.shared_answers == {str(tree / "modules" / "zone"): True}
    assert "${var.domain}" in estimated.fixes[0].new_blocks[0].hcl.split("records")[1]

    plans = _lint_plans(tmp_path, tree, jobs)
    record = plans[(str(tree / "live"), "module.zone.aws_route53_zone.this")]["new_blocks"]
    assert 'records = ["v=DMARC1; p=reject; rua=mailto:dmarc-reports@live.example"]' in record[0]["hcl"]  # type: ignore[index]
    assert _same(plans, _fix_plans(tree))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_module_two_roots_call_is_written_once_for_both(tmp_path: Path, jobs: str) -> None:
    tree = _tree(tmp_path, {"billing": _call("billing.example"), "mail": _call("mail.example")})
    plans = _lint_plans(tmp_path, tree, jobs)
    assert len(plans) == 2
    blocks = {json.dumps(plan["new_blocks"]) for plan in plans.values()}
    assert len(blocks) == 1, "one block, written with the module's references, serves both roots"
    assert "${var.domain}" in next(iter(blocks))
    assert _same(plans, _fix_plans(tree))
