"""When AWS says no: denied calls and throttling that outlives the retries become gaps, and the rules that
need those facts are not assessed, naming the IAM action; a service a region lacks is not an error."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.baseline import load_baseline
from emailiac.engine import evaluate
from emailiac.model import FirewallRule, SesIdentity, ThreatDetection
from emailiac.result import Result, Severity
from emailiac.sources.aws.calls import CALLS
from emailiac.sources.aws.errors import AwsSetupError
from tests.aws.support import (
    REGION,
    Denial,
    Twins,
    deny,
    plain_client,
    record_operations,
    scan,
    scan_session,
    throttle,
)


def _judge(inventory: Any) -> Result:
    return evaluate(inventory, load_baseline("default"))


def _reasons(result: Result) -> list[str]:
    return [e.message for e in result.not_assessed if not e.out_of_scope]


def test_access_denied_from_a_stub_makes_the_ses_rules_not_assessed(aws: str) -> None:
    plain_client("sesv2").create_email_identity(EmailIdentity="example.com")
    session = scan_session()
    twins = Twins(session)
    twins.route("sesv2", REGION, "list_email_identities").add_client_error(
        "list_email_identities", service_error_code="AccessDeniedException", http_status_code=403
    )
    twins.install()
    inventory = scan(session)
    twins.assert_used()
    assert not list(inventory.of(SesIdentity))
    gap = inventory.gap(SesIdentity, REGION)
    assert gap is not None and gap.reason == "AccessDeniedException: missing ses:ListEmailIdentities"
    assert {g.fact_type for g in inventory.gaps} == {"SesIdentity", "SesDkim", "SesMailFrom", "SesIdentityPolicy"}
    result = _judge(inventory)
    denied = {e.rule_id for e in result.not_assessed if "ses:ListEmailIdentities" in e.message}
    assert {"SES001", "SES002", "DKIM001"} <= denied
    subject = next(e.subject for e in result.not_assessed if e.rule_id == "SES001")
    assert subject.address == f"aws://{REGION}/ses/identities" and subject.region == REGION
    assert result.exit_code(Severity.LOW) == 2
    assert result.exit_code(Severity.LOW, allow_partial=True) != 2


def test_every_denied_call_is_not_assessed_naming_its_iam_action(weak_mail: Any) -> None:
    """Deny each listed call in turn on the seeded account: a not-assessed verdict names its IAM action."""
    session = scan_session()
    denial = Denial(session)
    missed: list[str] = []
    for call in CALLS:
        if call.operation == "DescribeRegions":
            continue  # made only without --region: see the next test
        denial.target = (call.service, call.operation)
        result = _judge(scan(session))
        assert denial.refused, call
        denial.refused.clear()
        if not any(f"missing {call.action}" in reason for reason in _reasons(result)):
            missed.append(call.action)
    assert missed == []


def test_region_discovery_denied_scans_the_home_region_and_says_so(weak_mail: Any) -> None:
    session = scan_session()
    refused = deny(session, "ec2", "DescribeRegions")
    inventory = scan(session, regions=())
    assert refused == ["DescribeRegions"]
    assert list(inventory.of(FirewallRule))  # the home region was still scanned
    gap = inventory.gap(FirewallRule, "eu-west-1")
    assert gap is not None
    assert gap.reason.startswith("UnauthorizedOperation: missing ec2:DescribeRegions; only us-east-1 was scanned")
    assert any("ec2:DescribeRegions" in r for r in _reasons(_judge(inventory)))


def test_throttling_from_a_stub_is_a_gap(aws: str) -> None:
    """Stubbed responses skip botocore's retries, so this is the answer after the last retry."""
    session = scan_session()
    twins = Twins(session)
    twins.route("guardduty", REGION, "list_detectors").add_client_error(
        "list_detectors", service_error_code="ThrottlingException", http_status_code=429
    )
    twins.install()
    inventory = scan(session)
    gap = inventory.gap(ThreatDetection, REGION)
    assert gap is not None
    assert gap.reason == "ThrottlingException: guardduty:ListDetectors was still throttled after 1 attempts"
    assert any("guardduty:ListDetectors" in r for r in _reasons(_judge(inventory)))


def test_throttling_is_retried_by_botocore_and_a_gap_when_it_persists(aws: str) -> None:
    session = scan_session(max_attempts=2)
    attempts = throttle(session, "guardduty", "ListDetectors")
    inventory = scan(session)
    assert len(attempts) == 2  # the first try and one retry
    gap = inventory.gap(ThreatDetection, REGION)
    assert gap is not None and "still throttled after 2 attempts" in gap.reason


def test_throttling_that_passes_is_invisible(aws: str) -> None:
    plain_client("guardduty").create_detector(Enable=True)
    session = scan_session(max_attempts=3, retry_mode="adaptive")
    attempts = throttle(session, "guardduty", "ListDetectors", times=1)
    inventory = scan(session)
    assert len(attempts) == 2
    assert inventory.gaps == []
    [detector] = inventory.of(ThreatDetection)
    assert detector.enabled is True


def test_a_region_the_account_has_not_enabled_is_a_note_not_a_gap(aws: str) -> None:
    session = scan_session()
    deny(session, "guardduty", "ListDetectors", code="UnrecognizedClientException")
    inventory = scan(session, regions=["eu-west-1"])  # not the home region (us-east-1)
    assert inventory.gap(ThreatDetection) is None
    assert [n.address for n in inventory.notes] == ["aws://eu-west-1/guardduty"]
    assert "not available in eu-west-1" in inventory.notes[0].reason


def test_a_service_a_region_does_not_offer_is_not_called(aws: str) -> None:
    session = scan_session()
    seen = record_operations(session)
    inventory = scan(session, regions=["ap-east-1"])  # botocore's endpoint data: no SES there
    assert not any(service in ("sesv2", "ses") for service, _ in seen)
    assert ("ec2", "DescribeSecurityGroups") in seen
    assert inventory.gaps == []


@pytest.mark.parametrize("code", ["InvalidClientTokenId", "ExpiredToken"])
def test_credentials_aws_rejects_stop_the_scan(aws: str, code: str) -> None:
    session = scan_session()
    deny(session, "iam", "GetAccountSummary", code=code)
    with pytest.raises(AwsSetupError, match=code):
        scan(session)
