"""`scan --aws --dns-from-sources` in one run: the SES identity's domain is looked up live (moto's AWS on
loopback, the demo DNS world beside it); what DNS answers wins over the same records read from Route 53."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from emailiac.cli import app
from tests.dns.conftest import world, world_env  # noqa: F401 - the DNS world's fixtures

runner = CliRunner()


def test_aws_domains_feed_the_dns_scan(weak_mail: Any, world_env: Any) -> None:  # noqa: F811
    result = runner.invoke(
        app,
        [
            "scan",
            "--aws",
            "--region",
            "us-east-1",
            "--dns-from-sources",
            "--nameserver",
            world_env.nameserver,
            "--dns-timeout",
            "1",
            *("--rule", "SPF002", "--rule", "SPF003", "--rule", "DMARC002"),
            "-f",
            "json",
        ],
        env={"NO_COLOR": "1"},
    )
    report = json.loads(result.stdout)
    findings = sorted((f["rule_id"], f["resource"]) for f in report["findings"])
    assert findings == [
        ("DMARC002", "dns://_dmarc.example.com/TXT"),
        ("SPF002", "dns://example.com/TXT"),  # once: the Route 53 copy of the record is not counted again
    ]
    passes = {(p["rule_id"], p["resource"]) for p in report["passes"]}
    assert ("SPF003", "dns://example.com/TXT") in passes
    assert {p["source"] for p in report["passes"] + report["findings"]} <= {"aws", "dns"}
