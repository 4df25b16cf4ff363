"""Every AWS API call the live collector makes: the one list the permissions policy and the read-only test
are derived from.

A call names its boto3 service, its API operation, the IAM action that authorises it and the fact types it
feeds: when AWS refuses the call, those fact types are what the scan could not see. The collector looks every
call up here before making it, so a call missing from this list fails loudly instead of going unlisted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CALLS",
    "READ_ONLY_PREFIXES",
    "Call",
    "fact_types",
    "lookup",
    "permissions_policy",
]

READ_ONLY_PREFIXES = ("Get", "List", "Describe")

_SES = ("SesIdentity", "SesDkim", "SesMailFrom", "SesIdentityPolicy")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Call:
    service: str  # boto3 client name: sesv2, route53, elbv2...
    operation: str  # API operation: ListEmailIdentities
    action: str  # the IAM action that allows it: ses:ListEmailIdentities
    feeds: tuple[str, ...]  # fact types (model.FACT_TYPES names) it collects
    scope: str = "regional"  # regional | global (made once, from the home region)

    @property
    def method(self) -> str:
        """The boto3 client method: ListEmailIdentities -> list_email_identities."""
        return _CAMEL.sub("_", self.operation).lower()


CALLS: tuple[Call, ...] = (
    # Which regions the account has enabled (skipped when --region names them).
    Call("ec2", "DescribeRegions", "ec2:DescribeRegions", ()),
    # SES v2: identities (DKIM, MAIL FROM and sending policies come with each identity).
    Call("sesv2", "ListEmailIdentities", "ses:ListEmailIdentities", _SES),
    Call("sesv2", "GetEmailIdentity", "ses:GetEmailIdentity", _SES),
    Call("sesv2", "ListConfigurationSets", "ses:ListConfigurationSets", ("SesConfigSet", "SesEventDestination")),
    Call("sesv2", "GetConfigurationSet", "ses:GetConfigurationSet", ("SesConfigSet",)),
    Call(
        "sesv2",
        "GetConfigurationSetEventDestinations",
        "ses:GetConfigurationSetEventDestinations",
        ("SesEventDestination",),
    ),
    # SES v1: receipt rules exist only in the v1 API, and only in regions that receive mail.
    Call("ses", "DescribeActiveReceiptRuleSet", "ses:DescribeActiveReceiptRuleSet", ("ReceiptRule",)),
    # Route 53 is global.
    Call("route53", "ListHostedZones", "route53:ListHostedZones", ("DnsZone", "DnsRecord"), "global"),
    Call("route53", "ListResourceRecordSets", "route53:ListResourceRecordSets", ("DnsRecord",), "global"),
    Call("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups", ("FirewallRule",)),
    Call("elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers", ("ListenerTls",)),
    Call("elbv2", "DescribeListeners", "elasticloadbalancing:DescribeListeners", ("ListenerTls",)),
    # IAM is global.
    Call("iam", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy", ("PasswordPolicy",), "global"),
    Call("iam", "GetAccountSummary", "iam:GetAccountSummary", ("RootAccount",), "global"),
    Call("iam", "GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails", ("IamPolicy",), "global"),
    Call("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails", ("AuditTrail",)),
    Call("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus", ("AuditTrail",)),
    Call("guardduty", "ListDetectors", "guardduty:ListDetectors", ("ThreatDetection",)),
    Call("guardduty", "GetDetector", "guardduty:GetDetector", ("ThreatDetection",)),
)

_BY_OPERATION = {(c.service, c.operation): c for c in CALLS}


def lookup(service: str, operation: str) -> Call:
    """The listed call; a KeyError for one that is not listed (the collector must not make it)."""
    try:
        return _BY_OPERATION[(service, operation)]
    except KeyError:
        raise KeyError(f"{service}:{operation} is not in emailiac.sources.aws.calls.CALLS") from None


def fact_types(scope: str) -> tuple[str, ...]:
    """The fact types fed by calls of one scope (regional | global), in list order."""
    seen: dict[str, None] = {}
    for call in CALLS:
        if call.scope == scope:
            seen.update(dict.fromkeys(call.feeds))
    return tuple(seen)


def permissions_policy() -> dict[str, Any]:
    """The least-privilege IAM policy for exactly the calls above."""
    actions = sorted({c.action for c in CALLS})
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EmailiacReadOnlyScan",
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*",
            }
        ],
    }
