"""Facts collected from a moto account, service by service, in the conventions the Terraform adapters use."""

from __future__ import annotations

import json
from typing import Any

from emailiac.model import (
    AuditTrail,
    DnsRecord,
    DnsZone,
    FirewallRule,
    IamPolicy,
    ListenerTls,
    PasswordPolicy,
    ReceiptRule,
    RootAccount,
    SesConfigSet,
    SesDkim,
    SesIdentity,
    SesIdentityPolicy,
    ThreatDetection,
)
from tests.aws.support import REGION, plain_client, scan, scan_session


def _group(ec2: Any, name: str) -> str:
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    group_id: str = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    return group_id


def test_security_group_rules_one_per_source_with_its_description(aws: str) -> None:
    ec2 = plain_client("ec2")
    mail, bastion = _group(ec2, "mail"), _group(ec2, "bastion")
    prefix_list = ec2.create_managed_prefix_list(PrefixListName="office", MaxEntries=2, AddressFamily="IPv4")
    pl_id = prefix_list["PrefixList"]["PrefixListId"]
    ec2.authorize_security_group_ingress(
        GroupId=mail,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 993,
                "ToPort": 995,
                "IpRanges": [
                    {"CidrIp": "0.0.0.0/0", "Description": "IMAPS and POP3S"},
                    {"CidrIp": "192.0.2.0/24"},
                ],
                "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "v6 clients"}],
                "PrefixListIds": [{"PrefixListId": pl_id, "Description": "office"}],
                "UserIdGroupPairs": [{"GroupId": bastion, "Description": "from the bastion"}, {"GroupId": mail}],
            },
            {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.1.0.0/16", "Description": "all from ops"}]},
        ],
    )
    inventory = scan(scan_session())
    rules = {r.rule_key: r for r in inventory.of(FirewallRule) if r.prov.import_id == mail}
    assert set(rules) == {
        "ingress tcp 993-995 from 0.0.0.0/0",
        "ingress tcp 993-995 from 192.0.2.0/24",
        "ingress tcp 993-995 from ::/0",
        f"ingress tcp 993-995 from pl:{pl_id}",
        f"ingress tcp 993-995 from sg:{bastion}",
        "ingress tcp 993-995 from self",
        "ingress icmp from 10.0.0.0/8",
        "ingress all from 10.1.0.0/16",
        "egress all to 0.0.0.0/0",  # what EC2 gives every new group
    }
    world = rules["ingress tcp 993-995 from 0.0.0.0/0"]
    assert world.ports == ((993, 995),) and world.protocol == "tcp" and world.sources == ("0.0.0.0/0",)
    assert world.description == "IMAPS and POP3S" and world.direction == "ingress" and world.action == "allow"
    assert rules["ingress tcp 993-995 from 192.0.2.0/24"].description is None
    assert rules["ingress tcp 993-995 from self"].self_ref and rules["ingress tcp 993-995 from self"].sources == ()
    assert rules["ingress icmp from 10.0.0.0/8"].ports == ()
    assert rules["ingress all from 10.1.0.0/16"].ports == ((0, 65535),)
    assert world.group == "mail"
    assert world.prov.address == f"aws://{REGION}/ec2/security-group/{mail}"
    assert world.prov.source == "aws" and world.prov.region == REGION


def test_route53_zones_and_records(aws: str) -> None:
    r53 = plain_client("route53")
    zone = r53.create_hosted_zone(Name="example.org", CallerReference="a")["HostedZone"]["Id"]
    zone_id = zone.rsplit("/", 1)[-1]
    r53.create_hosted_zone(
        Name="internal.example.org",
        CallerReference="b",
        VPC={"VPCRegion": REGION, "VPCId": plain_client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]},
        HostedZoneConfig={"PrivateZone": True, "Comment": "internal"},
    )
    alias = {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "lb.example.net.", "EvaluateTargetHealth": False}
    sets: list[dict[str, Any]] = [
        {"Name": "example.org", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": '"v=spf1 " "-all"'}]},
        {"Name": "*.example.org", "Type": "MX", "TTL": 60, "ResourceRecords": [{"Value": "10 MX.example.org."}]},
        {"Name": "www.example.org", "Type": "A", "AliasTarget": alias},
    ]
    # More records than one page holds: the paginator must follow NextRecordName.
    sets += [
        {"Name": f"h{i}.example.org", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": f'"{i}"'}]}
        for i in range(320)
    ]
    batch = [{"Action": "CREATE", "ResourceRecordSet": record} for record in sets]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": batch})

    inventory = scan(scan_session())
    zones = {z.name: z for z in inventory.of(DnsZone)}
    assert zones["example.org"].key == zone_id and not zones["example.org"].private
    assert zones["internal.example.org"].private
    assert zones["example.org"].prov.address == f"aws://global/route53/hostedzone/{zone_id}"
    records = {(r.name, r.type): r for r in inventory.of(DnsRecord) if r.zone == zone_id}
    spf = records[("example.org", "TXT")]
    assert spf.values == ("v=spf1 -all",)
    assert spf.strings == (("v=spf1 ", "-all"),)
    assert spf.ttl == 60
    assert spf.prov.import_id == f"{zone_id}_example.org_TXT"  # aws_route53_record imports by ZONEID_NAME_TYPE
    assert spf.prov.region is None
    assert records[("*.example.org", "MX")].values == ("10 mx.example.org",)
    assert ("www.example.org", "A") not in records  # an alias has no record data
    assert sum(1 for name, _ in records if isinstance(name, str) and name.startswith("h")) == 320


def test_ses_identities_policies_and_configuration_sets(aws: str) -> None:
    v2 = plain_client("sesv2")
    v2.create_email_identity(
        EmailIdentity="Example.NET", DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"}
    )
    v2.create_email_identity(EmailIdentity="Alerts@Example.NET")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ses:*"}]}
    v2.create_email_identity_policy(EmailIdentity="Example.NET", PolicyName="p", Policy=json.dumps(policy))
    v2.create_configuration_set(ConfigurationSetName="plain")
    v2.create_configuration_set(ConfigurationSetName="strict", DeliveryOptions={"TlsPolicy": "REQUIRE"})
    # Enough identities for a second page: SES v2 list calls have no paginator, the collector follows NextToken.
    for i in range(105):
        v2.create_email_identity(EmailIdentity=f"user{i}@example.net")

    inventory = scan(scan_session())
    identities = {i.identity: i for i in inventory.of(SesIdentity)}
    assert identities["example.net"].kind == "domain"
    assert identities["Alerts@example.net"].kind == "email"
    assert len(identities) == 107
    [dkim] = inventory.of(SesDkim)  # address identities sign with their domain's DKIM
    assert dkim.identity == "example.net" and dkim.enabled is True and dkim.next_key_length == "RSA_2048_BIT"
    assert dkim.prov.address == f"aws://{REGION}/ses/identity/example.net" and dkim.prov.import_id == "example.net"
    [open_policy] = inventory.of(SesIdentityPolicy)
    assert open_policy.document == policy and open_policy.prov.import_id == "example.net|p"
    sets = {c.name: c for c in inventory.of(SesConfigSet)}
    assert sets["plain"].tls_policy is None  # no DeliveryOptions: the API default, Optional
    assert sets["strict"].tls_policy == "REQUIRE"
    assert sets["strict"].prov.address == f"aws://{REGION}/ses/configuration-set/strict"
    assert sets["strict"].prov.import_id == "strict"


def test_receipt_rules_of_the_active_rule_set_only(aws: str) -> None:
    ses = plain_client("ses")
    for name in ("live", "draft"):
        ses.create_receipt_rule_set(RuleSetName=name)
        spec = {"Name": f"{name}-rule", "Enabled": True, "TlsPolicy": "Require", "ScanEnabled": True}
        ses.create_receipt_rule(RuleSetName=name, Rule=spec)
    ses.set_active_receipt_rule_set(RuleSetName="live")
    inventory = scan(scan_session())
    [rule] = inventory.of(ReceiptRule)
    seen = (rule.name, rule.rule_set, rule.enabled, rule.scan_enabled, rule.tls_policy)
    assert seen == ("live-rule", "live", True, True, "REQUIRE")
    assert rule.prov.import_id == "live:live-rule"  # aws_ses_receipt_rule imports by rule_set:rule


def test_load_balancer_listeners(weak_mail: Any) -> None:
    inventory = scan(scan_session())
    listeners = {lst.port: lst for lst in inventory.of(ListenerTls)}
    assert listeners[443].protocol == "HTTPS" and listeners[443].ssl_policy == "ELBSecurityPolicy-2016-08"
    assert listeners[443].load_balancer == "webmail" and listeners[443].redirects_to_https is False
    assert listeners[80].protocol == "HTTP" and listeners[80].redirects_to_https is True
    assert listeners[443].prov.import_id is not None and listeners[443].prov.import_id.startswith(
        "arn:aws:elasticloadbalancing:us-east-1:"
    )


def test_iam_password_policy_root_and_ses_policies(weak_mail: Any) -> None:
    iam = plain_client("iam")
    no_ses = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    iam.create_policy(PolicyName="read-bucket", PolicyDocument=json.dumps(no_ses))
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.create_policy(PolicyName="admin-unattached", PolicyDocument=json.dumps(everything))
    iam.create_user(UserName="app")
    iam.put_user_policy(UserName="app", PolicyName="send", PolicyDocument=json.dumps(everything))
    inventory = scan(scan_session())

    [policy] = inventory.of(PasswordPolicy)
    assert policy.min_length == 8 and policy.require_symbols is False
    assert policy.prov.address == "aws://global/iam/account-password-policy"
    assert policy.prov.import_id == "iam-account-password-policy"
    [root] = inventory.of(RootAccount)
    assert root.mfa_enabled is False and root.prov.address == "aws://global/iam/root"

    policies = {p.name: p for p in inventory.of(IamPolicy)}
    assert set(policies) == {"ses-everything", "send-as-noreply", "admin-unattached", "send"}  # none without ses
    assert policies["send-as-noreply"].attached is True
    assert policies["send-as-noreply"].attachments == ("role mailer",)
    assert policies["admin-unattached"].attached is False
    assert policies["ses-everything"].prov.import_id == "mailer:ses-everything"  # aws_iam_role_policy
    assert policies["send"].prov.address == "aws://global/iam/user/app/policy/send"
    assert str(policies["send-as-noreply"].prov.import_id).startswith("arn:aws:iam::")  # aws_iam_policy: ARN


def test_no_password_policy_is_an_absence_not_a_gap(aws: str) -> None:
    inventory = scan(scan_session())
    assert not list(inventory.of(PasswordPolicy))
    assert inventory.gap(PasswordPolicy) is None
    assert "aws_account" in inventory.authoritative and inventory.sources == {"aws"}


def test_trails_and_detectors(weak_mail: Any) -> None:
    inventory = scan(scan_session())
    [trail] = inventory.of(AuditTrail)
    assert (trail.name, trail.multi_region, trail.log_validation, trail.logging) == ("main-trail", False, False, True)
    assert trail.prov.import_id == weak_mail.ids["trail"]  # aws_cloudtrail imports by ARN
    [detector] = inventory.of(ThreatDetection)
    assert detector.enabled is False and detector.region == REGION
    assert detector.prov.import_id == weak_mail.ids["detector"]
    assert detector.prov.address == f"aws://{REGION}/guardduty/detector/{weak_mail.ids['detector']}"
