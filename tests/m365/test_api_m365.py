"""`emailiac.api.scan_m365` against the Graph stand-in: the same verdicts as `scan --m365`."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac import api


def test_scan_m365_judges_the_weak_tenant(graph: Any) -> None:
    result = api.scan_m365(graph_url=graph.url, rules=["MFA001", "MFA003", "RBAC002"])
    failed = {f.rule_id for f in result.active_findings}
    assert {"MFA001", "MFA003"} <= failed
    assert all(f.evaluation.subject.source == "m365" for f in result.active_findings)


def test_plain_http_elsewhere_is_refused() -> None:
    with pytest.raises(api.EmailiacError, match="plain http"):
        api.scan_m365(graph_url="http://graph.example")
