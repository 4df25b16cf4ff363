"""A new TXT value at a name whose TXT record set is already declared (Route 53, Cloud DNS and Azure DNS hold
one record set per name and type; a second resource fails to apply) is added to that set, written as its
values are written; when they are not written as a literal list, the fix is advice saying why. Cloudflare
keeps one resource per value, so a new resource stays right there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emailiac.baseline import Baseline
from emailiac.fixes.apply import write_changes
from emailiac.fixes.model import DISPLAY_ONLY
from emailiac.fixes.run import run_fix
from emailiac.lint import LintOptions, lint

ABSENCE_RULES = ("SPF001", "DMARC001", "MTASTS001", "TLSRPT001")

GOOGLE = """resource "google_dns_managed_zone" "z" {
  name     = "z"
  dns_name = "example.org."
}

resource "google_dns_record_set" "mx" {
  managed_zone = google_dns_managed_zone.z.name
  name         = google_dns_managed_zone.z.dns_name
  type         = "MX"
  ttl          = 300
  rrdatas      = ["10 mx.example.net."]
}

resource "google_dns_record_set" "apex_txt" {
  managed_zone = google_dns_managed_zone.z.name
  name         = google_dns_managed_zone.z.dns_name
  type         = "TXT"
  ttl          = 300
  rrdatas      = RRDATAS
}
"""

ROUTE53 = """resource "aws_route53_zone" "z" {
  name = "example.org"
}

resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.z.zone_id
  name    = "example.org"
  type    = "MX"
  ttl     = 300
  records = ["10 mx.example.net"]
}

resource "aws_route53_record" "txt" {
  zone_id = aws_route53_zone.z.zone_id
  name    = "NAME"
  type    = "TXT"
  ttl     = 300
  records = RECORDS
}
"""

AZURE = """resource "azurerm_dns_zone" "z" {
  name                = "example.org"
  resource_group_name = "dns"
}

resource "azurerm_dns_mx_record" "mx" {
  name                = "@"
  zone_name           = azurerm_dns_zone.z.name
  resource_group_name = azurerm_dns_zone.z.resource_group_name
  ttl                 = 3600

  record {
    preference = 10
    exchange   = "mx.example.net"
  }
}

resource "azurerm_dns_txt_record" "txt" {
  name                = "NAME"
  zone_name           = azurerm_dns_zone.z.name
  resource_group_name = azurerm_dns_zone.z.resource_group_name
  ttl                 = 3600

RECORDS

  tags = {
    team = "mail"
  }
}
"""


def _options(*rules: str) -> LintOptions:
    return LintOptions(cache=False, jobs=1, only=rules)


def _findings(root: Path, *rules: str) -> list[tuple[str, str]]:
    result = lint([root], Baseline(), _options(*rules))
    return sorted((f.rule_id, f.evaluation.subject.address) for f in result.active_findings)


def _fixed(root: Path, *rules: str) -> str:
    """main.tf after `fix --write --unsafe-fixes` of `rules`; no new file may be written beside it."""
    run = run_fix([root], Baseline(), _options(*rules), unsafe=True)
    assert [f.rule_id for f in run.changes.applied] == list(rules)
    write_changes(run.changes)
    assert sorted(p.name for p in root.iterdir()) == ["main.tf"]
    assert _findings(root, *rules) == []
    return (root / "main.tf").read_text()


def _main(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(text)
    return root


def test_spf_joins_the_cloud_dns_apex_set_as_the_cli_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from emailiac import cli

    root = _main(tmp_path / "g", GOOGLE.replace("RRDATAS", '["\\"site-verification=abc\\""]'))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["fix", "g", "--unsafe-fixes", "--rule", "SPF001"], env={"NO_COLOR": "1"})
    assert result.exit_code == 1, result.stderr
    assert result.stdout == (
        "--- a/g/main.tf\n"
        "+++ b/g/main.tf\n"
        "@@ -16,5 +16,5 @@\n"
        "   name         = google_dns_managed_zone.z.dns_name\n"
        '   type         = "TXT"\n'
        "   ttl          = 300\n"
        '-  rrdatas      = ["\\"site-verification=abc\\""]\n'
        '+  rrdatas      = ["\\"site-verification=abc\\"", "\\"v=spf1 -all\\""]\n'
        " }\n"
    )
    assert result.stderr == (
        "1 fix to apply:\n  [unsafe]  SPF001    google_dns_managed_zone.z: Publish an SPF record that ends in -all\n"
    )
    assert _fixed(root, "SPF001").endswith('  rrdatas      = ["\\"site-verification=abc\\"", "\\"v=spf1 -all\\""]\n}\n')


def test_the_whole_converged_fix_adds_no_second_apex_set(tmp_path: Path) -> None:
    root = _main(tmp_path / "g", GOOGLE.replace("RRDATAS", '["\\"site-verification=abc\\""]'))
    run = run_fix([root], Baseline(), _options(*ABSENCE_RULES), unsafe=True)
    write_changes(run.changes)
    assert sorted(f.rule_id for f in run.changes.applied) == sorted(ABSENCE_RULES)
    added = (root / "emailiac_fixes.tf").read_text()
    assert [line for line in added.splitlines() if line.startswith("  name ")] == [
        '  name         = "_dmarc.${google_dns_managed_zone.z.dns_name}"',
        '  name         = "_mta-sts.${google_dns_managed_zone.z.dns_name}"',
        '  name         = "_smtp._tls.${google_dns_managed_zone.z.dns_name}"',
    ]
    assert '  rrdatas      = ["\\"site-verification=abc\\"", "\\"v=spf1 -all\\""]\n' in (root / "main.tf").read_text()
    assert _findings(root, *ABSENCE_RULES) == []


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ('["google-site-verification=abc"]', '["google-site-verification=abc", "v=spf1 -all"]'),
        ("[]", '["v=spf1 -all"]'),
        (
            '[\n    "google-site-verification=abc",\n    "ms=ms123", # Microsoft 365\n  ]',
            '[\n    "google-site-verification=abc",\n    "ms=ms123", # Microsoft 365\n    "v=spf1 -all",\n  ]',
        ),
        (
            '[\n    "google-site-verification=abc",\n    "ms=ms123"\n  ]',
            '[\n    "google-site-verification=abc",\n    "ms=ms123",\n    "v=spf1 -all"\n  ]',
        ),
    ],
    ids=["one-line", "empty", "lines-trailing-comma", "lines-no-trailing-comma"],
)
def test_spf_joins_the_route53_set_laid_out_as_its_list(records: str, expected: str, tmp_path: Path) -> None:
    text = ROUTE53.replace("NAME", "example.org")
    root = _main(tmp_path / "r", text.replace("RECORDS", records))
    assert _fixed(root, "SPF001") == text.replace("RECORDS", expected)


def test_spf_joins_the_azure_set_as_one_more_record_block(tmp_path: Path) -> None:
    record = '  record {\n    value = "google-site-verification=abc"\n  }'
    text = AZURE.replace("NAME", "@")
    root = _main(tmp_path / "a", text.replace("RECORDS", record))
    added = record + '\n\n  record {\n    value = "v=spf1 -all"\n  }'
    assert _fixed(root, "SPF001") == text.replace("RECORDS", added)


@pytest.mark.parametrize(
    ("rule", "label", "value"),
    [
        ("DMARC001", "_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.org"),
        ("MTASTS001", "_mta-sts", "v=STSv1; id=1"),
        ("TLSRPT001", "_smtp._tls", "v=TLSRPTv1; rua=mailto:tls-reports@example.org"),
    ],
)
def test_report_records_join_the_set_at_their_name(rule: str, label: str, value: str, tmp_path: Path) -> None:
    spf = (
        '\nresource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = "example.org"\n'
        '  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 mx -all"]\n}\n'
    )
    text = ROUTE53.replace("NAME", f"{label}.example.org") + spf
    root = _main(tmp_path / "r", text.replace("RECORDS", '["verification-token=abc"]'))
    assert _findings(root, rule) == [(rule, "aws_route53_zone.z")]
    expected = text.replace("RECORDS", f'["verification-token=abc", "{value}"]')
    assert _fixed(root, rule) == expected


def _advice(root: Path, rule: str = "SPF001") -> list[str]:
    before = (root / "main.tf").read_text()
    run = run_fix([root], Baseline(), _options(rule), unsafe=True)
    assert not run.changes.changed and not run.changes.applied
    assert [(f.rule_id, f.applicability, f.is_empty) for f in run.advice] == [(rule, DISPLAY_ONLY, True)]
    assert (root / "main.tf").read_text() == before
    return list(run.advice[0].notes)


ONE_SET = (
    "{res} already declares the TXT record set at example.org, and {provider} holds one record set per name and "
    "type (a second resource would fail to apply)"
)


def test_records_from_a_variable_are_advice(tmp_path: Path) -> None:
    text = ROUTE53.replace("NAME", "example.org").replace("RECORDS", "var.apex_txt")
    variable = '\nvariable "apex_txt" {\n  type    = list(string)\n  default = ["google-site-verification=abc"]\n}\n'
    root = _main(tmp_path / "r", text + variable)
    assert _advice(root) == [
        ONE_SET.format(res="aws_route53_record.txt", provider="Route 53")
        + '; its records are written as var.apex_txt: add "v=spf1 -all" to them by hand'
    ]


def test_rrdatas_from_a_for_expression_are_advice(tmp_path: Path) -> None:
    rrdatas = '[for token in ["site-verification=abc"] : "\\"${token}\\""]'
    root = _main(tmp_path / "g", GOOGLE.replace("RRDATAS", rrdatas))
    assert _advice(root) == [
        ONE_SET.format(res="google_dns_record_set.apex_txt", provider="Cloud DNS")
        + f'; its rrdatas are written as {rrdatas}: add "v=spf1 -all" to them by hand'
    ]


def test_azure_records_from_a_dynamic_block_are_advice(tmp_path: Path) -> None:
    dynamic = (
        '  dynamic "record" {\n    for_each = ["google-site-verification=abc"]\n    content {\n'
        "      value = record.value\n    }\n  }"
    )
    root = _main(tmp_path / "a", AZURE.replace("NAME", "@").replace("RECORDS", dynamic))
    assert _advice(root) == [
        ONE_SET.format(res="azurerm_dns_txt_record.txt", provider="Azure DNS")
        + '; its values are not written as record blocks: add "v=spf1 -all" by hand'
    ]


def test_instances_at_different_names_are_advice(tmp_path: Path) -> None:
    text = ROUTE53.replace("RECORDS", '["google-site-verification=abc"]')
    text = text.replace(
        'resource "aws_route53_record" "txt" {\n',
        'resource "aws_route53_record" "txt" {\n  for_each = toset(["example.org", "www.example.org"])\n\n',
    )
    root = _main(tmp_path / "r", text.replace('"NAME"', "each.key"))
    assert _advice(root) == [
        'aws_route53_record.txt["example.org"] already declares the TXT record set at example.org, and Route 53 '
        "holds one record set per name and type (a second resource would fail to apply), and its instances have "
        'different names: add "v=spf1 -all" by hand'
    ]


def test_cloudflare_keeps_one_resource_per_value(tmp_path: Path) -> None:
    text = """resource "cloudflare_zone" "z" {
  account = { id = "0123456789abcdef0123456789abcdef" }
  name    = "example.org"
}

resource "cloudflare_dns_record" "mx" {
  zone_id  = cloudflare_zone.z.id
  name     = "@"
  type     = "MX"
  content  = "mx.example.net"
  priority = 10
  ttl      = 1
}

resource "cloudflare_dns_record" "verification" {
  zone_id = cloudflare_zone.z.id
  name    = "@"
  type    = "TXT"
  content = "google-site-verification=abc"
  ttl     = 1
}
"""
    root = _main(tmp_path / "c", text)
    run = run_fix([root], Baseline(), _options("SPF001"), unsafe=True)
    write_changes(run.changes)
    assert (root / "main.tf").read_text() == text
    assert (root / "emailiac_fixes.tf").read_text() == (
        'resource "cloudflare_dns_record" "spf" {\n  zone_id = cloudflare_zone.z.id\n  name    = "@"\n'
        '  type    = "TXT"\n  content = "v=spf1 -all"\n  ttl     = 1\n}\n'
    )
    assert _findings(root, "SPF001") == []


def test_a_report_authorisation_joins_the_set_at_its_name(tmp_path: Path) -> None:
    text = """resource "aws_route53_zone" "a" {
  name = "a.example"
}

resource "aws_route53_zone" "b" {
  name = "b.example"
}

resource "aws_route53_record" "dmarc" {
  zone_id = aws_route53_zone.a.zone_id
  name    = "_dmarc.a.example"
  type    = "TXT"
  ttl     = 300
  records = ["v=DMARC1; p=reject; rua=mailto:reports@b.example"]
}

resource "aws_route53_record" "authorisation" {
  zone_id = aws_route53_zone.b.zone_id
  name    = "a.example._report._dmarc.b.example"
  type    = "TXT"
  ttl     = 300
  records = RECORDS
}
"""
    root = _main(tmp_path / "r", text.replace("RECORDS", '["reviewed=2026"]'))
    assert _findings(root, "DMARC004") == [("DMARC004", "aws_route53_record.dmarc")]
    assert _fixed(root, "DMARC004") == text.replace("RECORDS", '["reviewed=2026", "v=DMARC1"]')


SES = """resource "aws_route53_zone" "z" {
  name = "example.org"
}

resource "aws_ses_domain_identity" "mail" {
  domain = "example.org"
}

resource "aws_route53_record" "mail_txt" {
  zone_id = aws_route53_zone.z.zone_id
  name    = "mail.example.org"
  type    = "TXT"
  ttl     = 300
  records = RECORDS
}
"""


def test_the_mail_from_spf_joins_the_set_at_the_mail_from_name(tmp_path: Path) -> None:
    root = _main(tmp_path / "s", SES.replace("RECORDS", '["verification=abc"]'))
    run = run_fix([root], Baseline(), _options("SES001"), unsafe=True)
    assert [f.rule_id for f in run.changes.applied] == ["SES001"]
    write_changes(run.changes)
    expected = '["verification=abc", "v=spf1 include:amazonses.com -all"]'
    assert (root / "main.tf").read_text() == SES.replace("RECORDS", expected)
    added = (root / "emailiac_fixes.tf").read_text()
    assert [line for line in added.splitlines() if line.startswith("resource ")] == [
        'resource "aws_ses_domain_mail_from" "mail" {',
        'resource "aws_route53_record" "mail_from_mx" {',
    ]


def test_a_mail_from_name_with_spf_gets_no_second_spf(tmp_path: Path) -> None:
    root = _main(tmp_path / "s", SES.replace("RECORDS", '["v=spf1 mx -all"]'))
    run = run_fix([root], Baseline(), _options("SES001"), unsafe=True)
    assert run.changes.applied[0].notes == (
        "mail.example.org already publishes an SPF record: make sure it includes amazonses.com",
    )
    assert "main.tf" not in {Path(f).name for f in run.changes.changed}
    assert "v=spf1" not in run.changes.new[str(root / "emailiac_fixes.tf")]


SHARED_CALLS = """module "zone" {
  source   = "./modules/zone"
  for_each = toset(["a.example", "b.example"])
  domain   = each.value
}

module "plain" {
  source = "./modules/zone"
  domain = "c.example"
  SPF
}
"""

SHARED_MODULE = """variable "domain" {
  type = string
}

variable "spf" {
  type    = string
  default = "v=spf1 mx -all"
}

resource "aws_route53_zone" "this" {
  name = var.domain
}

resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.this.zone_id
  name    = var.domain
  type    = "MX"
  ttl     = 300
  records = ["10 mx.${var.domain}"]
}

resource "aws_route53_record" "txt" {
  zone_id = aws_route53_zone.this.zone_id
  name    = var.domain
  type    = "TXT"
  ttl     = 300
  records = RECORDS
}
"""


def _shared(root: Path, spf: str, records: str) -> Path:
    _main(root, SHARED_CALLS.replace("SPF", spf))
    _main(root / "modules" / "zone", SHARED_MODULE.replace("RECORDS", records))
    return root


def test_a_shared_set_only_some_instances_lack_spf_in_is_advice(tmp_path: Path) -> None:
    root = _shared(tmp_path / "m", 'spf    = "verification=xyz"', '["verification=abc", var.spf]')
    run = run_fix([root], Baseline(), _options("SPF001"), unsafe=True)
    assert not run.changes.changed
    assert [(f.subject, f.applicability) for f in run.advice] == [("module.plain.aws_route53_zone.this", DISPLAY_ONLY)]
    assert run.advice[0].notes == (
        f"the module in {os.path.relpath(root / 'modules' / 'zone')} is shared by 3 instances and only 1 need "
        "this SPF001 fix: add it where the instance is called, or behind a module variable",
    )


def test_a_shared_set_every_instance_lacks_spf_in_gets_one_edit(tmp_path: Path) -> None:
    root = _shared(tmp_path / "m", "", '["verification=abc"]')
    run = run_fix([root], Baseline(), _options("SPF001"), unsafe=True)
    assert len(run.changes.applied) == 3 and not run.advice
    write_changes(run.changes)
    expected = SHARED_MODULE.replace("RECORDS", '["verification=abc", "v=spf1 -all"]')
    assert (root / "modules" / "zone" / "main.tf").read_text() == expected
    assert _findings(root, "SPF001") == []


def test_a_set_whose_zone_is_not_known_here_is_advice(tmp_path: Path) -> None:
    """The set names its zone by an id the configuration cannot match (the declared zone's id is known only
    after apply): it may be the same zone, so a second resource could fail; the fix says both ways."""
    root = _main(tmp_path / "r", ROUTE53.replace("NAME", "example.org").replace("RECORDS", '["verification=abc"]'))
    (root / "main.tf").write_text(
        (root / "main.tf")
        .read_text()
        .replace(
            'resource "aws_route53_record" "txt" {\n  zone_id = aws_route53_zone.z.zone_id',
            'resource "aws_route53_record" "txt" {\n  zone_id = "Z0123456789ABC"',
        )
    )
    assert _advice(root) == [
        "aws_route53_record.txt declares a TXT record set at example.org in a zone not known here: if that is "
        'aws_route53_zone.z, add "v=spf1 -all" to it (Route 53 holds one record set per name and type), else '
        "publish it in a new record"
    ]
