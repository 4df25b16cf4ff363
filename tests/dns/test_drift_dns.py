"""`emailiac drift --dns`: the declared zone's records looked up live through the demo world's DNS server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from emailiac.cli import app

runner = CliRunner()

DECLARED = """
resource "aws_route53_zone" "good" {
  name = "good.example"
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.good.zone_id
  name    = "good.example"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 ip4:192.0.2.0/24 include:_spf.good.example -all"]
}

resource "aws_route53_record" "dmarc" {
  zone_id = aws_route53_zone.good.zone_id
  name    = "_dmarc.good.example"
  type    = "TXT"
  ttl     = 300
  records = ["v=DMARC1; p=none; rua=mailto:dmarc@good.example"]
}
"""


def test_drift_looks_up_the_declared_zone(world_env: Any, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(DECLARED)
    args = ["drift", str(tmp_path), "--dns", "--nameserver", world_env.nameserver, "--dns-timeout", "1", "-f", "json"]
    result = runner.invoke(app, args, env={"NO_COLOR": "1", "EMAILIAC_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code in (0, 1, 2), result.stderr
    report = json.loads(result.stdout)
    by_address = {d.get("address"): d for d in report["drift"] if d.get("address")}
    dmarc = by_address["aws_route53_record.dmarc"]
    assert dmarc["status"] == "changed"  # declared p=none, live p=reject
    assert "p=reject" in json.dumps(dmarc["changes"])
    # The apex TXT set live also holds verification strings the declaration lacks: one record set, changed.
    spf = by_address["aws_route53_record.spf"]
    assert spf["status"] == "changed"
    assert "google-site-verification" in json.dumps(spf["changes"])


def test_drift_dns_needs_something_to_look_up(world_env: Any, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "x" {\n  default = 1\n}\n')
    result = runner.invoke(app, ["drift", str(tmp_path), "--dns", "--nameserver", world_env.nameserver])
    assert result.exit_code == 2
    assert "declares no DNS zone" in result.stderr
