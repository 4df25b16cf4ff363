"""DNS fixes across providers: missing records written in each provider's spelling and in the style of
the records beside them; record text rewritten where the value is set (a tfvars line, a local)."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest

from emailiac.baseline import Baseline
from emailiac.fixes.apply import write_changes
from emailiac.fixes.run import run_fix
from emailiac.lint import LintOptions, lint

ABSENCE_RULES = ("SPF001", "DMARC001", "MTASTS001", "TLSRPT001")

PROVIDERS = {
    "route53": """\
resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "MX"
  ttl     = 300
  records = ["10 mx.example.com"]
}
""",
    "azure": """\
resource "azurerm_dns_zone" "main" {
  name                = "example.com"
  resource_group_name = "dns"
}

resource "azurerm_dns_mx_record" "mx" {
  name                = "@"
  zone_name           = azurerm_dns_zone.main.name
  resource_group_name = azurerm_dns_zone.main.resource_group_name
  ttl                 = 3600

  record {
    preference = 10
    exchange   = "mx.example.com"
  }
}
""",
    "cloudflare": """\
resource "cloudflare_zone" "main" {
  account = { id = "0123456789abcdef0123456789abcdef" }
  name    = "example.com"
}

resource "cloudflare_dns_record" "mx" {
  zone_id  = cloudflare_zone.main.id
  name     = "@"
  type     = "MX"
  content  = "mx.example.com"
  priority = 10
  ttl      = 1
}
""",
    "google": """\
resource "google_dns_managed_zone" "main" {
  name     = "example-com"
  dns_name = "example.com."
}

resource "google_dns_record_set" "mx" {
  name         = google_dns_managed_zone.main.dns_name
  managed_zone = google_dns_managed_zone.main.name
  type         = "MX"
  ttl          = 300
  rrdatas      = ["10 mx.example.com."]
}
""",
}

EXPECTED_LINES = {
    "route53": ['  name    = "_dmarc.example.com"', '  records = ["v=STSv1; id=1"]', "  ttl     = 300"],
    "azure": [
        '  name                = "_mta-sts"',
        '    value = "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"',
        "  resource_group_name = azurerm_dns_zone.main.resource_group_name",
    ],
    "cloudflare": ['resource "cloudflare_dns_record" "spf" {', '  name    = "_smtp._tls"', "  ttl     = 1"],
    "google": [
        '  name         = "_dmarc.${google_dns_managed_zone.main.dns_name}"',
        '  rrdatas      = ["\\"v=spf1 -all\\""]',
    ],
}


def _lint(root: Path, rules: tuple[str, ...]) -> list[tuple[str, str]]:
    result = lint([root], Baseline(), LintOptions(cache=False, jobs=1, only=rules))
    return sorted((f.rule_id, f.evaluation.subject.address) for f in result.active_findings)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_missing_records_in_the_providers_own_style(provider: str, tmp_path: Path) -> None:
    (tmp_path / "dns.tf").write_text(PROVIDERS[provider])
    assert [r for r, _ in _lint(tmp_path, ABSENCE_RULES)] == sorted(ABSENCE_RULES)
    run = run_fix([tmp_path], Baseline(), LintOptions(cache=False, jobs=1, only=ABSENCE_RULES), unsafe=True)
    write_changes(run.changes)
    text = (tmp_path / "emailiac_fixes.tf").read_text()
    hcl2.loads(text)
    for line in EXPECTED_LINES[provider]:
        assert line in text.splitlines(), f"{line!r} not in\n{text}"
    assert _lint(tmp_path, ABSENCE_RULES) == []


def test_a_record_set_in_tfvars_is_rewritten_there(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        PROVIDERS["route53"] + '\nvariable "spf" {\n  type = string\n}\n\nresource "aws_route53_record" "spf" {\n'
        '  zone_id = aws_route53_zone.main.zone_id\n  name    = "example.com"\n  type    = "TXT"\n'
        "  ttl     = 300\n  records = [var.spf]\n}\n"
    )
    (tmp_path / "terraform.tfvars").write_text('# SPF of the apex\nspf = "v=spf1 mx ~all"\n')
    run = run_fix([tmp_path], Baseline(), LintOptions(cache=False, jobs=1, only=("SPF002",)), unsafe=True)
    write_changes(run.changes)
    assert (tmp_path / "terraform.tfvars").read_text() == '# SPF of the apex\nspf = "v=spf1 mx -all"\n'
    assert "records = [var.spf]" in (tmp_path / "main.tf").read_text()
    assert _lint(tmp_path, ("SPF002",)) == []


def test_a_dmarc_record_built_from_a_local_keeps_its_interpolation(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        PROVIDERS["route53"] + '\nlocals {\n  reports = "reports@example.com"\n'
        '  dmarc   = "v=DMARC1; p=none; rua=mailto:${local.reports}"\n}\n\n'
        'resource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.main.zone_id\n'
        '  name    = "_dmarc.example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = [local.dmarc]\n}\n'
    )
    run = run_fix([tmp_path], Baseline(), LintOptions(cache=False, jobs=1, only=("DMARC002",)), unsafe=True)
    write_changes(run.changes)
    assert '  dmarc   = "v=DMARC1; p=reject; rua=mailto:${local.reports}"\n' in (tmp_path / "main.tf").read_text()
    assert _lint(tmp_path, ("DMARC002",)) == []


def test_no_report_address_is_written_for_a_zone_named_only_by_its_id(tmp_path: Path) -> None:
    """DMARC004 in a zone whose domain the configuration never states: `fix` writes nothing for it (it once
    wrote rua=mailto:dmarc-reports@*), and the finding stays for a person to settle."""
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[2] / "fixtures" / "terraform" / "dmarc_zone_by_id", tmp_path / "t")
    before = (tmp_path / "t" / "main.tf").read_text()
    run = run_fix([tmp_path / "t"], Baseline(), LintOptions(cache=False, jobs=1, only=("DMARC004",)), unsafe=True)
    assert not run.changes.changed and not run.changes.applied
    write_changes(run.changes)
    assert (tmp_path / "t" / "main.tf").read_text() == before
    assert _lint(tmp_path / "t", ("DMARC004",)) == [("DMARC004", "cloudflare_record.dmarc")]


def test_admin_ranges_come_from_the_baseline(tmp_path: Path) -> None:
    from dataclasses import replace

    from emailiac.baseline import NetworkBaseline

    baseline = replace(Baseline(), network=replace(NetworkBaseline(), admin_cidrs=("203.0.113.0/24",)))
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group_rule" "ssh" {\n  type              = "ingress"\n'
        '  security_group_id = "sg-1"\n  description       = "SSH"\n  protocol          = "tcp"\n'
        '  from_port         = 22\n  to_port           = 22\n  cidr_blocks       = ["10.1.0.0/24", "0.0.0.0/0"]\n}\n'
    )
    run = run_fix([tmp_path], baseline, LintOptions(cache=False, jobs=1, only=("NET001",)), unsafe=True)
    write_changes(run.changes)
    main = (tmp_path / "main.tf").read_text()
    assert '  cidr_blocks       = concat(["10.1.0.0/24"], var.admin_cidrs)\n' in main
    assert '  default     = ["203.0.113.0/24"]\n' in (tmp_path / "emailiac_fixes.tf").read_text()
    assert lint([tmp_path], baseline, LintOptions(cache=False, jobs=1, only=("NET001",))).active_findings == []
