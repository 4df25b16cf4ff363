"""SPF003: several SPF records at one name become one record holding every mechanism of the originals (first
record first, each mechanism once, the strictest `all`), and the other records go; and a new Route 53 record
at a zone's apex is named by the zone (Route 53 reads "@" as a label)."""

from __future__ import annotations

from pathlib import Path

from emailiac.baseline import Baseline
from emailiac.fixes.apply import write_changes
from emailiac.fixes.run import run_fix
from emailiac.lint import LintOptions, lint
from emailiac.mailauth import is_spf
from emailiac.model import DnsRecord

THREE = """\
resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 ip4:192.0.2.0/24 include:amazonses.com ~all", "google-site-verification=abc"]
}

resource "aws_route53_record" "spf_m365" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 include:spf.protection.outlook.com mx -all"]
}

resource "aws_route53_record" "spf_again" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 a mx ?all"]
}
"""


def _spf_texts(root: Path) -> list[str]:
    from emailiac.lint import collect

    inventory = collect([root], LintOptions(cache=False, jobs=1)).inventory
    texts = []
    for record in inventory.of(DnsRecord):
        if record.name == "example.com" and record.type == "TXT":
            texts += [v for v in record.values if isinstance(v, str) and is_spf(v)]
    return texts


def test_merged_record_keeps_every_mechanism_in_order_and_the_others_go(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(THREE)
    options = LintOptions(cache=False, jobs=1, only=("SPF003",))
    run = run_fix([tmp_path], Baseline(), options, unsafe=True)
    write_changes(run.changes)
    assert _spf_texts(tmp_path) == [
        "v=spf1 ip4:192.0.2.0/24 include:amazonses.com include:spf.protection.outlook.com mx a -all"
    ]
    text = (tmp_path / "main.tf").read_text()
    assert '"google-site-verification=abc"' in text  # the other TXT value of the first record stays
    assert "spf_m365" not in text and "spf_again" not in text
    assert lint([tmp_path], Baseline(), options).active_findings == []


def test_a_new_route53_apex_record_is_named_by_the_zone(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n\n'
        'resource "aws_route53_record" "mx" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "mail"\n'
        '  type    = "MX"\n  ttl     = 300\n  records = ["10 mx.example.com"]\n}\n\n'
        'resource "aws_route53_record" "root_mx" {\n  zone_id = aws_route53_zone.main.zone_id\n'
        '  name    = "example.com"\n  type    = "MX"\n  ttl     = 300\n  records = ["10 mx.example.com"]\n}\n'
    )
    options = LintOptions(cache=False, jobs=1, only=("SPF001",))
    write_changes(run_fix([tmp_path], Baseline(), options, unsafe=True).changes)
    added = (tmp_path / "emailiac_fixes.tf").read_text()
    assert 'name    = "example.com"' in added and '"@"' not in added
    assert lint([tmp_path], Baseline(), options).active_findings == []
