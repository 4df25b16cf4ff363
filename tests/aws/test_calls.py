"""The list of calls is the one source of truth: read-only, real operations, and the policy printed from it."""

from __future__ import annotations

import json

import botocore.session
from typer.testing import CliRunner

from emailiac.model import FACT_TYPES
from emailiac.sources.aws.calls import CALLS, READ_ONLY_PREFIXES, fact_types, lookup, permissions_policy
from tests.aws.support import cli

# The IAM service prefix of each boto3 service.
IAM_PREFIX = {"sesv2": "ses", "ses": "ses", "elbv2": "elasticloadbalancing"}


def test_every_call_only_reads() -> None:
    assert CALLS
    for call in CALLS:
        assert call.operation.startswith(READ_ONLY_PREFIXES), call
        assert call.action.split(":", 1)[1].startswith(READ_ONLY_PREFIXES), call


def test_every_call_is_an_operation_of_the_botocore_model_with_its_iam_action() -> None:
    session = botocore.session.get_session()
    for call in CALLS:
        model = session.get_service_model(call.service)
        assert call.operation in model.operation_names, call
        prefix = IAM_PREFIX.get(call.service, call.service)
        assert call.action == f"{prefix}:{call.operation}", call
        assert call.scope in ("regional", "global")
        assert set(call.feeds) <= set(FACT_TYPES), call


def test_calls_are_listed_once_and_looked_up_by_operation() -> None:
    keys = [(c.service, c.operation) for c in CALLS]
    assert len(keys) == len(set(keys))
    assert lookup("sesv2", "GetEmailIdentity").method == "get_email_identity"
    assert lookup("elbv2", "DescribeListeners").method == "describe_listeners"
    try:
        lookup("sesv2", "DeleteEmailIdentity")
    except KeyError as exc:
        assert "not in emailiac.sources.aws.calls.CALLS" in str(exc)
    else:
        raise AssertionError("an unlisted call must not be looked up")


def test_global_and_regional_fact_types() -> None:
    assert set(fact_types("global")) == {"DnsZone", "DnsRecord", "PasswordPolicy", "RootAccount", "IamPolicy"}
    assert "FirewallRule" in fact_types("regional") and "DnsRecord" not in fact_types("regional")


def test_permissions_policy_allows_exactly_the_listed_actions() -> None:
    policy = permissions_policy()
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert statement["Action"] == sorted({c.action for c in CALLS})
    assert all("*" not in action for action in statement["Action"])


def test_permissions_aws_prints_the_policy_as_json() -> None:
    result = CliRunner().invoke(cli(), ["permissions", "aws"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == permissions_policy()
