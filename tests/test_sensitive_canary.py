"""Secrets never leave their variable: a canary value given to sensitive variables (and values computed
from it) appears in no report format, no cache file and no fix, printed or written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from emailiac.report import REPORTERS

CANARY = "canary7311"
MAIN = """
variable "dmarc" {
  type      = string
  sensitive = true
}
variable "key" {
  type      = string
  sensitive = true
}
variable "partner" {
  type      = string
  sensitive = true
}
module "mail" {
  source  = "./mail"
  partner = var.partner
}
resource "aws_route53_zone" "main" {
  name = "example.com"
}
resource "aws_route53_record" "dmarc" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "_dmarc.example.com"
  type    = "TXT"
  ttl     = 300
  records = [var.dmarc]
}
resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "TXT"
  ttl     = 300
  records = [upper("v=spf1 include:${module.mail.partner_domain} ?all")]
}
resource "aws_route53_record" "dkim" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "sel._domainkey.example.com"
  type    = "TXT"
  ttl     = 300
  records = ["v=DKIM1; k=rsa; p=${var.key}"]
}
"""
MODULE = """
variable "partner" {
  type = string
}
output "partner_domain" {
  value     = "${var.partner}.example.net"
  sensitive = true
}
"""
TFVARS = f'dmarc = "v=DMARC1; p=none; rua=mailto:{CANARY}-dmarc@example.com"\n'
ENV = {
    "TF_VAR_key": f"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC{CANARY}x",
    "TF_VAR_partner": f"{CANARY}-partner",
    "NO_COLOR": "1",
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "mail").mkdir(parents=True)
    (root / "main.tf").write_text(MAIN, encoding="utf-8")
    (root / "mail" / "main.tf").write_text(MODULE, encoding="utf-8")
    (root / "terraform.tfvars").write_text(TFVARS, encoding="utf-8")
    return root


def _run(*args: str) -> str:
    from emailiac.cli import app

    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout + result.stderr


def _leaks(text: str) -> bool:
    return CANARY in text.lower()


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_report_format_shows_a_sensitive_value(tree: Path, fmt: str) -> None:
    out = _run("lint", str(tree), "--format", fmt, "-v")
    assert "DMARC002" in out or fmt == "junit" or "(sensitive)" in out
    assert not _leaks(out)


def test_reports_still_judge_sensitive_records(tree: Path) -> None:
    out = _run("lint", str(tree), "-v")
    for rule in ("DMARC002", "SPF002", "DKIM002"):
        assert rule in out
    assert "(sensitive)" in out and not _leaks(out)


def test_caches_hold_no_sensitive_value(tree: Path, tmp_path: Path) -> None:
    for fmt in ("text", "json"):
        _run("lint", str(tree), "--format", fmt)
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files  # the parse cache at least was written
    assert not [p for p in files if CANARY.encode() in p.read_bytes().lower()]


def test_fix_keeps_the_reference_and_prints_no_sensitive_value(tree: Path) -> None:
    before = {p: p.read_text(encoding="utf-8") for p in tree.rglob("*") if p.is_file()}
    out = _run("fix", str(tree), "--unsafe-fixes", "--write")
    assert not _leaks(out)
    assert "sensitive" in out
    for path, text in before.items():
        assert path.read_text(encoding="utf-8").lower().count(CANARY) == text.lower().count(CANARY), path
    assert "records = [var.dmarc]" in (tree / "main.tf").read_text(encoding="utf-8")
