"""`emailiac.api.scan_dns` over the demo mail world: the findings `scan --dns` reports for a domain."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from emailiac import api
from tests.dns.test_scan_command import EXPECTED


def test_scan_dns_reports_the_seeded_weaknesses(world_env: Any) -> None:
    result = api.scan_dns(EXPECTED["domains"], nameservers=[world_env.nameserver], dkim_selectors=["old"], timeout=1.0)
    got = sorted({(f.rule_id, f.evaluation.subject.address) for f in result.active_findings})
    want = sorted({(f["rule"], f["resource"]) for f in EXPECTED["findings"]})
    assert got == want, yaml.safe_dump({"got": got, "want": want})


def test_bad_domains_and_nameservers_are_user_errors() -> None:
    with pytest.raises(api.EmailiacError):
        api.scan_dns(["not a domain"])
    with pytest.raises(api.EmailiacError):
        api.scan_dns(["example.com"], nameservers=["nope:xx"])
    with pytest.raises(api.EmailiacError, match="at least one domain"):
        api.scan_dns([])
