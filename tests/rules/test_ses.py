"""SES001-SES003, judged on facts built by hand."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.baseline import Baseline
from emailiac.model import (
    Gap,
    Inventory,
    Provenance,
    ReceiptRule,
    SesIdentity,
    SesIdentityPolicy,
    SesMailFrom,
    Unknown,
)
from emailiac.result import Status
from emailiac.rules.base import Rule, Verdict
from emailiac.rules.ses import SES001, SES002, SES003

FAIL, PASS, NA = Status.FAIL, Status.PASS, Status.NOT_ASSESSED


def prov(address: str) -> Provenance:
    return Provenance("terraform", address, "ses.tf", 1, 3)


def run(rule: Rule, *facts: Any, **inventory: Any) -> list[Verdict]:
    return list(rule.run(Inventory(facts=list(facts), sources={"terraform"}, **inventory), Baseline()))


def identity(name: Any, kind: str = "domain", address: str = "aws_ses_domain_identity.main") -> SesIdentity:
    return SesIdentity(prov(address), name, kind)


def mail_from(
    name: Any, behavior: Any, domain: Any = "mail.example.com", address: str = "aws_ses_domain_mail_from.main"
) -> SesMailFrom:
    return SesMailFrom(prov(address), name, domain, behavior)


# ---------------------------------------------------------------- SES001


def test_ses001_domain_identity_without_mail_from_fails_at_the_identity() -> None:
    [verdict] = run(SES001, identity("example.com"))
    assert verdict.status is FAIL
    assert verdict.subject.address == "aws_ses_domain_identity.main"
    assert "no custom MAIL FROM" in verdict.message
    assert verdict.data["resource"] == "aws_ses_domain_mail_from"
    assert verdict.data["mail_from_domain"] == "mail.example.com"
    assert verdict.data["behavior_on_mx_failure"] == "RejectMessage"


def test_ses001_sesv2_identity_gets_the_v2_resource_and_spelling() -> None:
    [verdict] = run(SES001, identity("example.com", address="aws_sesv2_email_identity.main"))
    assert verdict.data["resource"] == "aws_sesv2_email_identity_mail_from_attributes"
    assert verdict.data["behavior_on_mx_failure"] == "REJECT_MESSAGE"


@pytest.mark.parametrize(("behavior", "expected"), [("RejectMessage", PASS), ("UseDefaultValue", FAIL), (None, FAIL)])
def test_ses001_behavior_on_mx_failure(behavior: Any, expected: Status) -> None:
    verdicts = run(SES001, identity("example.com"), mail_from("example.com", behavior))
    assert [v.status for v in verdicts] == [expected]
    assert verdicts[0].subject.address == "aws_ses_domain_mail_from.main"


def test_ses001_fix_spelling_follows_the_mail_from_resource() -> None:
    v2 = mail_from("example.com", "UseDefaultValue", address="aws_sesv2_email_identity_mail_from_attributes.m")
    [verdict] = run(SES001, v2)
    assert verdict.data == {"attribute": "behavior_on_mx_failure", "value": "REJECT_MESSAGE"}
    assert "not set" not in verdict.message and "UseDefaultValue" in verdict.message


def test_ses001_missing_mail_from_domain_fails() -> None:
    [verdict] = run(SES001, mail_from("example.com", "RejectMessage", domain=None))
    assert verdict.status is FAIL and verdict.data["attribute"] == "mail_from_domain"


def test_ses001_email_identities_are_not_judged() -> None:
    assert run(SES001, identity("alerts@example.com", kind="email"), mail_from("alerts@example.com", None)) == []


def test_ses001_unknown_values() -> None:
    unknown = Unknown("var.mx has no value")
    assert [v.status for v in run(SES001, identity("example.com"), mail_from("example.com", unknown))] == [NA]
    assert [v.status for v in run(SES001, identity(Unknown("var.domain has no value")))] == [NA]
    # A MAIL FROM of an unknown identity may be this identity's: neither pass nor fail.
    statuses = [v.status for v in run(SES001, identity("example.com"), mail_from(unknown, "RejectMessage"))]
    assert statuses == [NA, NA]


def test_ses001_mail_from_without_a_declared_identity_is_still_judged() -> None:
    assert [v.status for v in run(SES001, mail_from("example.com", "UseDefaultValue"))] == [FAIL]


def test_ses001_gap() -> None:
    [verdict] = run(SES001, gaps=[Gap("SesIdentity", "eu-west-1", "AccessDenied: ses:ListEmailIdentities")])
    assert verdict.status is NA and verdict.subject.address == "aws://eu-west-1/ses/identities"


# ---------------------------------------------------------------- SES002


def policy(*statements: Any, document: Any = None) -> SesIdentityPolicy:
    doc = document if document is not None else {"Version": "2012-10-17", "Statement": list(statements)}
    return SesIdentityPolicy(prov("aws_ses_identity_policy.p"), "example.com", "send", doc)


def allow(principal: Any, condition: Any = None, sid: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "ses:SendRawEmail"}
    if condition is not None:
        statement["Condition"] = condition
    if sid:
        statement["Sid"] = sid
    return statement


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::1:root", "*"]}])
def test_ses002_everyone_without_condition_fails(principal: Any) -> None:
    [verdict] = run(SES002, policy(allow(principal, sid="Open")))
    assert verdict.status is FAIL
    assert verdict.data["statements"] == ["Open"]


def test_ses002_statement_without_sid_is_named_by_position() -> None:
    [verdict] = run(SES002, policy(allow({"AWS": "arn:aws:iam::1:root"}), allow("*")))
    assert verdict.data["statements"] == ["Statement[1]"]


def test_ses002_single_statement_object() -> None:
    doc = {"Statement": allow("*")}
    assert [v.status for v in run(SES002, policy(document=doc))] == [FAIL]


@pytest.mark.parametrize(
    "statement",
    [
        allow("*", condition={"StringEquals": {"aws:SourceAccount": "123456789012"}}),
        allow({"AWS": "arn:aws:iam::123456789012:role/sender"}),
        {"Effect": "Deny", "Principal": "*", "Action": "ses:*"},
    ],
)
def test_ses002_named_conditioned_or_denying_statements_pass(statement: dict[str, Any]) -> None:
    assert [v.status for v in run(SES002, policy(statement))] == [PASS]


def test_ses002_not_principal_allow_is_everyone_but_a_few() -> None:
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "ses:SendEmail"}
    assert [v.status for v in run(SES002, policy(statement))] == [FAIL]


def test_ses002_unknowns() -> None:
    unknown = Unknown("var.p has no value")
    assert [v.status for v in run(SES002, policy(document=unknown))] == [NA]
    assert [v.status for v in run(SES002, policy(allow(unknown)))] == [NA]
    assert [v.status for v in run(SES002, policy(allow("*", condition=unknown)))] == [NA]
    # One open statement settles it, whatever the unknown one says.
    assert [v.status for v in run(SES002, policy(allow(unknown), allow("*")))] == [FAIL]


# ---------------------------------------------------------------- SES003


def receipt(scan: Any) -> ReceiptRule:
    return ReceiptRule(prov("aws_ses_receipt_rule.r"), "inbound", "main", True, scan, "REQUIRE")


@pytest.mark.parametrize(("scan", "expected"), [(True, PASS), (False, FAIL), (None, FAIL)])
def test_ses003_scan_enabled(scan: Any, expected: Status) -> None:
    [verdict] = run(SES003, receipt(scan))
    assert verdict.status is expected
    if expected is FAIL:
        assert verdict.data == {"attribute": "scan_enabled", "value": True}


def test_ses003_unknown() -> None:
    [verdict] = run(SES003, receipt(Unknown("var.scan has no value")))
    assert verdict.status is NA and "var.scan has no value" in verdict.message
