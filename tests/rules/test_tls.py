"""TLS001-TLS003, judged on facts built by hand."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.baseline import Baseline, TlsBaseline
from emailiac.model import Inventory, ListenerTls, Provenance, ReceiptRule, SesConfigSet, Unknown
from emailiac.result import Status
from emailiac.rules.base import Rule, Verdict
from emailiac.rules.tls import TLS001, TLS002, TLS003

FAIL, PASS, NA = Status.FAIL, Status.PASS, Status.NOT_ASSESSED
GOOD_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def prov(address: str) -> Provenance:
    return Provenance("terraform", address, "tls.tf", 1, 4)


def run(rule: Rule, *facts: Any, baseline: Baseline | None = None) -> list[Verdict]:
    return list(rule.run(Inventory(facts=list(facts), sources={"terraform"}), baseline or Baseline()))


# ---------------------------------------------------------------- TLS001


@pytest.mark.parametrize(
    ("address", "policy", "expected", "value"),
    [
        ("aws_sesv2_configuration_set.main", "REQUIRE", PASS, None),
        ("aws_sesv2_configuration_set.main", "OPTIONAL", FAIL, "REQUIRE"),
        ("aws_sesv2_configuration_set.main", None, FAIL, "REQUIRE"),
        ('module.m.aws_ses_configuration_set.main["a"]', None, FAIL, "Require"),
    ],
)
def test_tls001(address: str, policy: Any, expected: Status, value: str | None) -> None:
    [verdict] = run(TLS001, SesConfigSet(prov(address), "main", policy))
    assert verdict.status is expected
    if value:
        assert verdict.data == {"block": "delivery_options", "attribute": "tls_policy", "value": value}


def test_tls001_missing_delivery_options_says_so() -> None:
    [verdict] = run(TLS001, SesConfigSet(prov("aws_sesv2_configuration_set.m"), "m", None))
    assert "defaults to Optional" in verdict.message


def test_tls001_live_subjects_use_the_v2_spelling() -> None:
    live = SesConfigSet(Provenance("aws", "aws://eu-west-1/ses/configuration-sets/m"), "m", "OPTIONAL")
    [verdict] = run(TLS001, live)
    assert verdict.data["value"] == "REQUIRE"


def test_tls001_unknown() -> None:
    [verdict] = run(TLS001, SesConfigSet(prov("aws_sesv2_configuration_set.m"), "m", Unknown("var.t has no value")))
    assert verdict.status is NA


# ---------------------------------------------------------------- TLS002


@pytest.mark.parametrize(("policy", "expected"), [("REQUIRE", PASS), ("OPTIONAL", FAIL), (None, FAIL)])
def test_tls002(policy: Any, expected: Status) -> None:
    rule = ReceiptRule(prov("aws_ses_receipt_rule.r"), "inbound", "main", True, True, policy)
    [verdict] = run(TLS002, rule)
    assert verdict.status is expected
    if expected is FAIL:
        assert verdict.data == {"attribute": "tls_policy", "value": "Require"}


def test_tls002_unknown() -> None:
    rule = ReceiptRule(prov("aws_ses_receipt_rule.r"), "inbound", "main", True, True, Unknown("var.x has no value"))
    assert [v.status for v in run(TLS002, rule)] == [NA]


# ---------------------------------------------------------------- TLS003


def listener(protocol: Any, port: Any, policy: Any = None, redirects: Any = False) -> ListenerTls:
    return ListenerTls(prov("aws_lb_listener.l"), "mail", protocol, port, policy, redirects)


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        (listener("HTTPS", 443, GOOD_POLICY), PASS),
        (listener("TLS", 993, "ELBSecurityPolicy-TLS13-1-3-2021-06"), PASS),
        (listener("HTTPS", 443, "ELBSecurityPolicy-2016-08"), FAIL),
        (listener("TLS", 587, "ELBSecurityPolicy-TLS-1-2-2017-01"), FAIL),
        (listener("HTTPS", 443, None), FAIL),
        (listener("TCP", 25), FAIL),
        (listener("HTTP", 80), FAIL),
        (listener("HTTP", 80, redirects=True), PASS),
        (listener("TCP_UDP", 143), FAIL),
    ],
)
def test_tls003_mail_ports(fact: ListenerTls, expected: Status) -> None:
    assert [v.status for v in run(TLS003, fact)] == [expected]


def test_tls003_missing_policy_is_the_aws_default() -> None:
    [verdict] = run(TLS003, listener("HTTPS", 443))
    assert "ELBSecurityPolicy-2016-08" in verdict.message
    assert verdict.data == {"attribute": "ssl_policy", "value": GOOD_POLICY}


def test_tls003_plaintext_fix_data() -> None:
    [tcp] = run(TLS003, listener("TCP", 25))
    assert tcp.data["value"] == "TLS" and tcp.data["needs_certificate"] is True
    [http] = run(TLS003, listener("HTTP", 80))
    assert http.data["value"] == "HTTPS"


def test_tls003_other_ports_are_not_judged() -> None:
    assert run(TLS003, listener("HTTPS", 9443, "ELBSecurityPolicy-2016-08")) == []


def test_tls003_unknowns() -> None:
    unknown = Unknown("var.x has no value")
    facts = (
        listener("HTTPS", unknown),
        listener(unknown, 443),
        listener("HTTPS", 443, unknown),
        listener("HTTP", 80, redirects=unknown),
    )
    assert [v.status for v in run(TLS003, *facts)] == [NA, NA, NA, NA]


def test_tls003_baseline_policies_and_ports() -> None:
    baseline = Baseline(tls=TlsBaseline(ssl_policies=("ELBSecurityPolicy-TLS-1-2-2017-01",), mail_ports=(2525,)))
    [verdict] = run(TLS003, listener("TLS", 2525, "ELBSecurityPolicy-TLS-1-2-2017-01"), baseline=baseline)
    assert verdict.status is PASS
