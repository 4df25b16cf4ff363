"""Later fix passes run on a private copy of the folders (converge.py); nothing they report may name that
copy. Notes, advice diffs, conflicts and the API's fixes name the user's files, spelled as the first pass
spells them (absolute when the run was given absolute paths, else relative to the working directory)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from emailiac import api

ROOT = Path(__file__).resolve().parents[2]

# The root's plaintext IMAP rule is fixed in the first pass, so a second pass runs on the copy; the SPF record
# of a module outside the folder given to `fix`, and the DMARC record only some instances of a shared module
# need, stay advice, which that second pass reports.
ROOT_TF = """module "spf" {
  source  = "../shared/spf"
  zone_id = "Z123"
}

module "zone" {
  source   = "./modules/zone"
  for_each = toset(["a.example", "b.example"])
  domain   = each.value
}

module "single" {
  source     = "./modules/zone"
  domain     = "single.example"
  with_dmarc = true
}

resource "aws_security_group_rule" "imap" {
  security_group_id = "sg-0123456789abcdef0"
  type              = "ingress"
  protocol          = "tcp"
  from_port         = 143
  to_port           = 143
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "IMAP"
}
"""

OUTSIDE_TF = """variable "zone_id" {
  type = string
}

resource "aws_route53_record" "spf" {
  zone_id = var.zone_id
  name    = "mail.example.org"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 include:amazonses.com ~all"]
}
"""

ZONE_TF = """variable "domain" {
  type = string
}

variable "with_dmarc" {
  type    = bool
  default = false
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

resource "aws_route53_record" "dmarc" {
  count   = var.with_dmarc ? 1 : 0
  zone_id = aws_route53_zone.this.zone_id
  name    = "_dmarc.${aws_route53_zone.this.name}"
  type    = "TXT"
  ttl     = 300
  records = ["v=DMARC1; p=reject; rua=mailto:dmarc@example.net"]
}
"""

SHARED_NOTE = (
    "the module in {module} is shared by 3 instances and only 2 need this DMARC001 fix: add it where the "
    "instance is called, or behind a module variable"
)
OUTSIDE_NOTE = "{file} is outside the folders given to emailiac fix; apply this change there by hand"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    for path, text in {
        "infra/main.tf": ROOT_TF,
        "infra/modules/zone/main.tf": ZONE_TF,
        "shared/spf/main.tf": OUTSIDE_TF,
    }.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text)
    (tmp_path / "scratch").mkdir()
    return work


def _fix(cwd: Path, scratch: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TMPDIR": str(scratch)}
    cmd = [sys.executable, "-m", "emailiac", "fix", "--unsafe-fixes", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)


def _notes(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if "the module in" in line or " is outside " in line]


def _assert_no_copy(text: str, scratch: Path) -> None:
    assert "emailiac-fix-" not in text, text
    assert str(scratch) not in text and "scratch/" not in text, text


def test_a_second_pass_names_the_users_files_absolute(work: Path) -> None:
    scratch = work.parent / "scratch"
    proc = _fix(work.parent, scratch, str(work / "infra"))
    assert proc.returncode == 1, proc.stderr
    _assert_no_copy(proc.stdout + proc.stderr, scratch)
    # The shared module's note is written relative to the working directory, the outside file as given.
    assert _notes(proc.stderr) == [
        SHARED_NOTE.format(module="work/infra/modules/zone"),
        SHARED_NOTE.format(module="work/infra/modules/zone"),
        OUTSIDE_NOTE.format(file=work / "shared/spf/main.tf"),
    ]
    assert "--- a/work/shared/spf/main.tf\n" in proc.stderr.replace(" " * 14, "")
    assert "+  to_port           = 993" in proc.stdout  # the first pass's fix, beside the second pass's advice


def test_a_second_pass_names_the_users_files_relative(work: Path) -> None:
    scratch = work.parent / "scratch"
    proc = _fix(work / "infra", scratch, ".")
    assert proc.returncode == 1, proc.stderr
    _assert_no_copy(proc.stdout + proc.stderr, scratch)
    assert _notes(proc.stderr) == [
        SHARED_NOTE.format(module="modules/zone"),
        SHARED_NOTE.format(module="modules/zone"),
        OUTSIDE_NOTE.format(file="../shared/spf/main.tf"),
    ]


def test_write_reports_no_copy_either(work: Path) -> None:
    scratch = work.parent / "scratch"
    proc = _fix(work.parent, scratch, "--write", str(work / "infra"))
    _assert_no_copy(proc.stdout + proc.stderr, scratch)
    assert OUTSIDE_NOTE.format(file=work / "shared/spf/main.tf") in proc.stderr
    assert "to_port           = 993" in (work / "infra/main.tf").read_text()
    assert "~all" in (work / "shared/spf/main.tf").read_text()  # outside: advice, never written
    assert list(scratch.iterdir()) == []  # the copy is removed afterwards


def test_the_api_outcome_holds_no_copy_path(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = work.parent / "scratch"
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    outcome = api.fix([work / "infra"], unsafe=True)
    fixes = [*outcome.applied, *outcome.pending, *outcome.advice]
    assert len(outcome.advice) == 3
    shown = repr([dataclasses.asdict(f) for f in fixes]) + outcome.diff
    _assert_no_copy(shown, scratch)
    assert outcome.advice[2].notes == (OUTSIDE_NOTE.format(file=work / "shared/spf/main.tf"),)
    assert {e.file for e in outcome.advice[2].edits} == {str(work / "shared/spf/main.tf")}
