"""Reaching the account: the default chain, a profile, a role with an external ID; retry settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from emailiac.sources.aws.errors import AwsSetupError
from emailiac.sources.aws.session import Reach, open_session
from tests.aws.support import REGION, Denial, scan


def test_retry_mode_and_attempts_reach_botocore(aws: str) -> None:
    session = open_session(Reach(retry_mode="adaptive", max_attempts=7))
    assert session.config.retries == {"mode": "adaptive", "total_max_attempts": 7}
    assert "emailiac/" in session.config.user_agent_extra
    assert session.home_region == REGION  # AWS_DEFAULT_REGION
    with pytest.raises(AwsSetupError, match="retry mode"):
        open_session(Reach(retry_mode="legacy"))


def test_role_is_assumed_with_its_external_id(aws: str) -> None:
    base = boto3.Session(region_name=REGION)
    asked: list[dict[str, Any]] = []
    base.events.register("provide-client-params.sts.AssumeRole", lambda params, **_: asked.append(dict(params)))
    arn = "arn:aws:iam::123456789012:role/emailiac-audit"
    session = open_session(Reach(role_arn=arn, external_id="ext-42"), base=base)
    assert asked == [{"RoleArn": arn, "RoleSessionName": "emailiac-scan", "ExternalId": "ext-42"}]
    credentials = session.boto.get_credentials()
    assert credentials.access_key != "testing" and credentials.token  # the role's temporary credentials
    assert scan(session).sources == {"aws"}  # and they work for a scan


def test_a_role_that_cannot_be_assumed_stops_before_scanning(aws: str) -> None:
    base = boto3.Session(region_name=REGION)
    Denial(base, ("sts", "AssumeRole"), code="AccessDenied")
    with pytest.raises(AwsSetupError, match=r"cannot assume .*AccessDenied: not authorized"):
        open_session(Reach(role_arn="arn:aws:iam::123456789012:role/x"), base=base)


def test_a_named_profile_is_used_and_an_unknown_one_is_a_setup_error(
    aws: str, tmp_path: Path, monkeypatch: Any
) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile audit]\nregion = eu-west-1\naws_access_key_id = audit\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    session = open_session(Reach(profile="audit"))
    assert session.home_region == "eu-west-1" and session.boto.get_credentials().access_key == "audit"
    with pytest.raises(AwsSetupError, match="profile 'nope' is not configured"):
        open_session(Reach(profile="nope"))


def test_no_credentials_is_a_setup_error(aws: str, monkeypatch: Any) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(AwsSetupError, match="no AWS credentials found"):
        scan(open_session(Reach()))


def test_clients_are_made_once_per_service_and_region(aws: str) -> None:
    session = open_session(Reach())
    assert session.client("ec2", "eu-west-1") is session.client("ec2", "eu-west-1")
    assert session.client("ec2", "eu-west-1") is not session.client("ec2", REGION)
    assert session.offers("guardduty", "eu-west-1") and not session.offers("sesv2", "ap-east-1")
    assert session.offers("sesv2", "xx-future-9")  # a region botocore does not know yet is not ruled out
