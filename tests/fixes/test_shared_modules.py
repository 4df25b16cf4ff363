"""A module called for several zones is one text for all of them: `fix` never writes one copy per instance
into it. One block written with the module's own references serves every instance; when the instances
would need different text, or only some need the fix, the fix is display-only advice saying why."""

from __future__ import annotations

from pathlib import Path

from emailiac.baseline import Baseline
from emailiac.fixes.apply import write_changes
from emailiac.fixes.model import DISPLAY_ONLY
from emailiac.fixes.run import run_fix
from emailiac.lint import LintOptions, lint

OPTIONS = LintOptions(cache=False, jobs=1, only=("DMARC001",))

CALLS = """
module "zone" {
  source   = "./modules/zone"
  for_each = toset(["a.example", "b.example", "c.example"])
  domain   = each.value
}

module "single" {
  source     = "./modules/zone"
  domain     = "single.example"
  with_dmarc = WITH_DMARC
}
"""

MODULE = """
variable "domain" {
  type = string
}

variable "with_dmarc" {
  type    = bool
  default = false
}

resource "aws_route53_zone" "this" {
  name = ZONE_NAME
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.this.zone_id
  name    = ZONE_NAME
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 include:amazonses.com -all"]
}

resource "aws_route53_record" "dmarc" {
  count   = var.with_dmarc ? 1 : 0
  zone_id = aws_route53_zone.this.zone_id
  name    = "_dmarc.${aws_route53_zone.this.name}"
  type    = "TXT"
  ttl     = 300
  records = ["v=DMARC1; p=reject; rua=mailto:dmarc@example.net"]
}
"""


def _tree(root: Path, *, zone_name: str = "var.domain", single_has_dmarc: bool = False) -> Path:
    (root / "modules" / "zone").mkdir(parents=True)
    (root / "main.tf").write_text(CALLS.replace("WITH_DMARC", str(single_has_dmarc).lower()))
    (root / "modules" / "zone" / "main.tf").write_text(MODULE.replace("ZONE_NAME", zone_name))
    return root


def _module_texts(root: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((root / "modules" / "zone").iterdir())}


def test_one_block_with_the_modules_references_serves_every_instance(tmp_path: Path) -> None:
    root = _tree(tmp_path / "infra")
    run = run_fix([root], Baseline(), OPTIONS, unsafe=True)
    assert len(run.changes.applied) == 4  # module.single and three module.zone instances
    write_changes(run.changes)
    added = (root / "modules" / "zone" / "emailiac_fixes.tf").read_text()
    assert added.count('resource "aws_route53_record"') == 1
    assert 'name    = "_dmarc.${var.domain}"' in added
    assert "rua=mailto:dmarc-reports@${var.domain}" in added
    assert [f.rule_id for f in lint([root], Baseline(), OPTIONS).active_findings] == []


def test_instances_that_need_different_text_get_advice(tmp_path: Path) -> None:
    root = _tree(tmp_path / "infra", zone_name='"${var.domain}."')  # not a plain reference to the domain
    before = _module_texts(root)
    run = run_fix([root], Baseline(), OPTIONS, unsafe=True)
    assert run.changes.changed == []
    assert {f.applicability for f in run.advice} == {DISPLAY_ONLY} and len(run.advice) == 4
    assert "is shared by 4 instances and this DMARC001 fix differs between them (4 versions)" in run.advice[0].notes[-1]
    assert _module_texts(root) == before


def test_a_fix_only_some_instances_need_is_advice(tmp_path: Path) -> None:
    root = _tree(tmp_path / "infra", single_has_dmarc=True)
    run = run_fix([root], Baseline(), OPTIONS, unsafe=True)
    assert run.changes.changed == []
    assert len(run.advice) == 3
    assert "shared by 4 instances and only 3 need this DMARC001 fix" in run.advice[0].notes[-1]


def test_roots_that_call_one_module_share_its_text(tmp_path: Path) -> None:
    """Two roots judged apart still share the module folder they both call: one block, not one per root."""
    infra = tmp_path / "infra"
    (infra / "modules" / "zone").mkdir(parents=True)
    (infra / "modules" / "zone" / "main.tf").write_text(MODULE.replace("ZONE_NAME", '"${var.domain}."'))
    for env in ("prod", "stage"):
        (infra / env).mkdir()
        call = f'module "zone" {{\n  source = "../modules/zone"\n  domain = "{env}.example"\n}}\n'
        (infra / env / "main.tf").write_text(call)
    run = run_fix([infra], Baseline(), OPTIONS, unsafe=True)
    assert run.changes.changed == []
    assert len(run.advice) == 2
    assert "is shared by 2 instances and this DMARC001 fix differs between them" in run.advice[0].notes[-1]
