"""Identity of a fact across sources, one case per kind: the same object seen by Terraform and by a live
source pairs (managed); an object that differs in one part of its identity does not (missing + unmanaged)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from emailiac.drift.kinds import KINDS
from emailiac.model import (
    AuditTrail,
    ConditionalAccessPolicy,
    DirectoryDomain,
    DnsRecord,
    DnsZone,
    FirewallRule,
    IamPolicy,
    ListenerTls,
    LogExport,
    MtaStsPolicy,
    PasswordPolicy,
    ReceiptRule,
    RoleAssignment,
    SecurityDefaults,
    SesConfigSet,
    SesDkim,
    SesEventDestination,
    SesIdentity,
    SesIdentityPolicy,
    SesMailFrom,
    ThreatDetection,
)
from tests.drift.support import aws, by_status, dns, drift, m365, tf

GROUPS = {"aws_security_group.mail": "mail"}  # what declared_side reads from the group's `name`
GA = "62e90394-69f5-4237-9190-012177145e10"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*"}]}

# kind -> (declared, live twin, live object with another identity, the live sources)
CASES: dict[str, tuple[Any, Any, Any, set[str]]] = {
    "ses_identity": (
        SesIdentity(tf("aws_sesv2_email_identity.main"), "Example.com", "domain"),
        SesIdentity(aws("ses/identity/example.com", "example.com"), "example.com", "domain"),
        SesIdentity(aws("ses/identity/example.org", "example.org"), "example.org", "domain"),
        {"aws"},
    ),
    "ses_dkim": (
        SesDkim(tf("aws_sesv2_email_identity.main"), "example.com", True, next_key_length="RSA_2048_BIT"),
        SesDkim(
            aws("ses/identity/example.com", "example.com"),
            "example.com",
            True,
            "SUCCESS",
            "AWS_SES",
            "RSA_2048_BIT",
            "RSA_2048_BIT",
            ("a", "b", "c"),
        ),
        SesDkim(aws("ses/identity/example.org", "example.org"), "example.org", True, "SUCCESS"),
        {"aws"},
    ),
    "ses_mail_from": (
        SesMailFrom(
            tf("aws_sesv2_email_identity_mail_from_attributes.main"), "example.com", "mail.example.com", "RejectMessage"
        ),
        SesMailFrom(
            aws("ses/identity/example.com", "example.com"), "example.com", "mail.example.com.", "RejectMessage"
        ),
        SesMailFrom(aws("ses/identity/example.org", "example.org"), "example.org", "mail.example.org", "RejectMessage"),
        {"aws"},
    ),
    "ses_identity_policy": (
        SesIdentityPolicy(tf("aws_sesv2_email_identity_policy.p"), "example.com", "send", POLICY),
        SesIdentityPolicy(
            aws("ses/identity/example.com/policy/send", "example.com|send"),
            "example.com",
            "send",
            {"Statement": [{"Resource": "*", "Action": ["ses:SendEmail"], "Effect": "Allow"}], "Version": "2012-10-17"},
        ),
        SesIdentityPolicy(
            aws("ses/identity/example.com/policy/other", "example.com|other"), "example.com", "other", POLICY
        ),
        {"aws"},
    ),
    "ses_configuration_set": (
        SesConfigSet(tf("aws_sesv2_configuration_set.out"), "outbound", "REQUIRE"),
        SesConfigSet(aws("ses/configuration-set/outbound", "outbound"), "outbound", "REQUIRE"),
        SesConfigSet(aws("ses/configuration-set/outbound", "outbound", "eu-west-1"), "outbound2", "REQUIRE"),
        {"aws"},
    ),
    "ses_event_destination": (
        SesEventDestination(
            tf("aws_sesv2_configuration_set_event_destination.d"), "out", "siem", True, ("SEND", "BOUNCE"), "sns"
        ),
        SesEventDestination(
            aws("ses/configuration-set/out/event-destination/siem", "out|siem"),
            "out",
            "siem",
            True,
            ("BOUNCE", "SEND"),
            "sns",
        ),
        SesEventDestination(
            aws("ses/configuration-set/other/event-destination/siem", "other|siem"),
            "other",
            "siem",
            True,
            ("SEND",),
            "sns",
        ),
        {"aws"},
    ),
    "ses_receipt_rule": (
        ReceiptRule(tf("aws_ses_receipt_rule.r"), "support", "inbound", True, True, "REQUIRE"),
        ReceiptRule(
            aws("ses/receipt-rule/inbound/support", "inbound:support"), "support", "inbound", True, True, "REQUIRE"
        ),
        ReceiptRule(aws("ses/receipt-rule/other/support", "other:support"), "support", "other", True, True, "REQUIRE"),
        {"aws"},
    ),
    "security_group_rule": (
        FirewallRule(
            tf("aws_security_group.mail"),
            "aws_security_group.mail",
            "ingress",
            "allow",
            "tcp",
            ((25, 25),),
            ("0.0.0.0/0",),
            "SMTP",
            rule_key="ingress[0]",
        ),
        FirewallRule(
            aws("ec2/security-group/sg-1", "sg-1"),
            "mail",
            "ingress",
            "allow",
            "tcp",
            ((25, 25),),
            ("0.0.0.0/0",),
            "SMTP",
            rule_key="ingress tcp 25 from 0.0.0.0/0",
        ),
        FirewallRule(
            aws("ec2/security-group/sg-1", "sg-1"),
            "mail",
            "ingress",
            "allow",
            "tcp",
            ((587, 587),),
            ("0.0.0.0/0",),
            "SMTP",
            rule_key="ingress tcp 587 from 0.0.0.0/0",
        ),
        {"aws"},
    ),
    "dns_zone": (
        DnsZone(tf("aws_route53_zone.main"), "example.com", "route53", "aws_route53_zone.main"),
        DnsZone(aws("route53/hostedzone/Z1", "Z1", None), "example.com.", "route53", "Z1"),
        DnsZone(aws("route53/hostedzone/Z2", "Z2", None), "example.org", "route53", "Z2"),
        {"aws"},
    ),
    "dns_record": (
        DnsRecord(tf("aws_route53_record.mx"), "example.com", "MX", ("10 mx.example.com",), None, ttl=300),
        DnsRecord(dns("example.com", "MX"), "example.com", "MX", ("10 mx.example.com",), None, ttl=300),
        DnsRecord(dns("example.com", "TXT"), "example.com", "TXT", ("v=spf1 -all",), None, ttl=300),
        {"dns"},
    ),
    "lb_listener": (
        ListenerTls(tf("aws_lb_listener.https"), "webmail", "HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"),
        ListenerTls(
            aws("elbv2/listener/app/webmail/1/2", "arn:l1"),
            "webmail",
            "HTTPS",
            443,
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
        ),
        ListenerTls(
            aws("elbv2/listener/app/webmail/1/3", "arn:l2"),
            "webmail",
            "HTTPS",
            8443,
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
        ),
        {"aws"},
    ),
    "threat_detection": (
        ThreatDetection(tf("aws_guardduty_detector.main"), "guardduty", True),
        ThreatDetection(aws("guardduty/detector/d1", "d1"), "guardduty", True, "us-east-1"),
        ThreatDetection(aws("securityhub/hub", "h1"), "securityhub", True, "us-east-1"),
        {"aws"},
    ),
    "conditional_access_policy": (
        ConditionalAccessPolicy(
            tf("azuread_conditional_access_policy.mfa"),
            None,
            "Require MFA",
            "enabled",
            include_users=("All",),
            include_apps=("All",),
            built_in_controls=("mfa",),
        ),
        ConditionalAccessPolicy(
            m365("identity/conditionalAccess/policies/p1", "p1"),
            "p1",
            "Require MFA",
            "enabled",
            include_users=("All",),
            include_apps=("All",),
            built_in_controls=("mfa",),
        ),
        ConditionalAccessPolicy(m365("identity/conditionalAccess/policies/p2", "p2"), "p2", "Other", "enabled"),
        {"m365"},
    ),
    "security_defaults": (
        SecurityDefaults(tf("azuread_identity_security_defaults.main"), False),
        SecurityDefaults(m365("policies/identitySecurityDefaultsEnforcementPolicy", "sd"), False),
        None,
        {"m365"},
    ),
    "role_assignment": (
        RoleAssignment(tf("azuread_directory_role_assignment.bg"), GA, "U1", "user", True),
        RoleAssignment(m365("roleManagement/directory/roleAssignments/a1", "a1"), GA, "u1", "user", True),
        RoleAssignment(m365("roleManagement/directory/roleAssignments/a2", "a2"), GA, "u2", "user", True),
        {"m365"},
    ),
    "iam_policy": (
        IamPolicy(tf("aws_iam_policy.send"), "send", POLICY, True),
        IamPolicy(aws("iam/policy/send", "arn:aws:iam::1:policy/send", None), "send", POLICY, True),
        IamPolicy(aws("iam/policy/other", "arn:aws:iam::1:policy/other", None), "other", POLICY, True),
        {"aws"},
    ),
    "password_policy": (
        PasswordPolicy(tf("aws_iam_account_password_policy.main"), 14, True, True, True, True, 24, 90),
        PasswordPolicy(
            aws("iam/account-password-policy", "iam-account-password-policy", None), 14, True, True, True, True, 24, 90
        ),
        None,
        {"aws"},
    ),
    "directory_domain": (
        DirectoryDomain(tf("azuread_domain.main"), "contoso.com", "Managed", 2147483647),
        DirectoryDomain(m365("domains/contoso.com", "contoso.com"), "Contoso.com", "Managed", 2147483647),
        DirectoryDomain(m365("domains/fabrikam.com", "fabrikam.com"), "fabrikam.com", "Managed", 2147483647),
        {"m365"},
    ),
    "audit_trail": (
        AuditTrail(tf("aws_cloudtrail.main"), "main", True, True, True),
        AuditTrail(aws("cloudtrail/trail/main", "arn:aws:cloudtrail:us-east-1:1:trail/main"), "main", True, True, True),
        AuditTrail(aws("cloudtrail/trail/org", "arn:aws:cloudtrail:us-east-1:1:trail/org"), "org", True, True, True),
        {"aws"},
    ),
    "log_export": (
        LogExport(tf("azurerm_monitor_aad_diagnostic_setting.main"), "siem", ("AuditLogs", "SignInLogs")),
        LogExport(m365("diagnosticSettings/siem", "siem"), "siem", ("SignInLogs", "AuditLogs")),
        LogExport(m365("diagnosticSettings/other", "other"), "other", ("SignInLogs",)),
        {"m365"},
    ),
    "mta_sts_policy": (
        MtaStsPolicy(tf("aws_s3_object.mta_sts"), "example.com", "version: STSv1\nmode: enforce\n"),
        MtaStsPolicy(dns("mta-sts.example.com", "HTTPS"), "example.com", "version: STSv1\nmode: enforce\n"),
        MtaStsPolicy(dns("mta-sts.example.org", "HTTPS"), "example.org", "version: STSv1\nmode: enforce\n"),
        {"dns"},
    ),
}


def test_every_kind_has_an_identity_case() -> None:
    assert set(CASES) == {k.name for k in KINDS}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_same_object_pairs_across_sources(kind: str) -> None:
    declared, twin, _, sources = CASES[kind]
    report = drift([declared], [twin], sources, groups=GROUPS)
    assert [(i.kind, i.status, i.changes) for i in report.items] == [(kind, "managed", ())]
    item = report.items[0]
    assert item.address == declared.prov.address
    assert item.live_id == (twin.prov.import_id or twin.prov.address)
    assert item.matched_by == "natural key"


@pytest.mark.parametrize("kind", sorted(k for k, case in CASES.items() if case[2] is not None))
def test_another_identity_does_not_pair(kind: str) -> None:
    declared, _, other, sources = CASES[kind]
    report = drift([declared], [other], sources, groups=GROUPS)
    assert sorted((i.kind, i.status) for i in report.items) == [(kind, "missing"), (kind, "unmanaged")]


def test_a_declared_region_must_agree_with_the_live_one() -> None:
    declared = SesConfigSet(dataclasses.replace(tf("aws_sesv2_configuration_set.x"), region="eu-west-1"), "o", None)
    live = SesConfigSet(aws("ses/configuration-set/o", "o"), "o", "OPTIONAL")
    assert by_status(drift([declared], [live], {"aws"})) == {
        "unmanaged": [("ses_configuration_set", "us-east-1/o")],
        "missing": [("ses_configuration_set", "eu-west-1/o")],
    }


def test_security_group_rules_pair_per_peer_and_by_group_name() -> None:
    declared = FirewallRule(
        tf("aws_security_group.mail"),
        "aws_security_group.mail",
        "ingress",
        "allow",
        "tcp",
        ((443, 443),),
        ("0.0.0.0/0", "::/0"),
        "web",
        rule_key="ingress[0]",
    )
    live = [
        FirewallRule(
            aws("ec2/security-group/sg-1", "sg-1"),
            "mail",
            "ingress",
            "allow",
            "tcp",
            ((443, 443),),
            (peer,),
            "web",
            rule_key=f"ingress tcp 443 from {peer}",
        )
        for peer in ("0.0.0.0/0", "::/0")
    ]
    report = drift([declared], live, {"aws"}, groups={"aws_security_group.mail": "mail"})
    assert [(i.status, i.identity) for i in report.items] == [
        ("managed", "us-east-1/mail ingress tcp 443 0.0.0.0/0"),
        ("managed", "us-east-1/mail ingress tcp 443 ::/0"),
    ]
    renamed = drift([declared], live, {"aws"}, groups={"aws_security_group.mail": "relay"})
    assert sorted(i.status for i in renamed.items) == ["missing", "missing", "unmanaged", "unmanaged"]
