"""What moto does not implement, served by botocore Stubber responses (validated against the service model).

Each test names the moto gap it covers. Everything else in these scans comes from the moto server.
"""

from __future__ import annotations

from typing import Any

from emailiac.model import SesConfigSet, SesDkim, SesEventDestination, SesMailFrom, ThreatDetection
from tests.aws.support import REGION, Twins, identity_response, plain_client, scan, scan_session


def _identity(name: str, **dkim: Any) -> dict[str, Any]:
    plain_client("sesv2").create_email_identity(EmailIdentity=name)
    return identity_response(plain_client("sesv2").get_email_identity(EmailIdentity=name), dkim)


def test_easy_dkim_tokens_key_lengths_and_mail_from(aws: str) -> None:
    """moto gap: GetEmailIdentity has no DkimAttributes.Tokens, no CurrentSigningKeyLength, a simplified
    Status, and no MailFromAttributes."""
    response = _identity(
        "example.com",
        DkimAttributes={
            "SigningEnabled": True,
            "Status": "PENDING",
            "Tokens": ["tok1", "tok2", "tok3"],
            "SigningAttributesOrigin": "AWS_SES",
            "CurrentSigningKeyLength": "RSA_1024_BIT",
            "NextSigningKeyLength": "RSA_2048_BIT",
        },
        MailFromAttributes={
            "MailFromDomain": "Bounce.Example.com.",
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": "REJECT_MESSAGE",
        },
    )
    session = scan_session()
    twins = Twins(session)
    twins.route("sesv2", REGION, "get_email_identity").add_response(
        "get_email_identity", response, {"EmailIdentity": "example.com"}
    )
    twins.install()
    inventory = scan(session)
    twins.assert_used()
    [dkim] = inventory.of(SesDkim)
    assert dkim.tokens == ("tok1", "tok2", "tok3")
    assert (dkim.status, dkim.key_length, dkim.next_key_length) == ("PENDING", "RSA_1024_BIT", "RSA_2048_BIT")
    [mail_from] = inventory.of(SesMailFrom)
    assert mail_from.domain == "bounce.example.com"
    assert mail_from.behavior_on_mx_failure == "RejectMessage"  # v2 REJECT_MESSAGE in the facts' spelling
    assert mail_from.prov.address == f"aws://{REGION}/ses/identity/example.com/mail-from"
    assert mail_from.prov.import_id == "example.com"  # aws_sesv2_email_identity_mail_from_attributes


def test_byodkim_and_regional_easy_dkim_origins(aws: str) -> None:
    """moto gap: SigningAttributesOrigin is always AWS_SES; BYODKIM (EXTERNAL) and the region-specific
    Easy-DKIM origins (AWS_SES_EU_WEST_1...) come from stubs."""
    own = _identity("own.example", DkimAttributes={"SigningEnabled": True, "SigningAttributesOrigin": "EXTERNAL"})
    regional = _identity(
        "regional.example",
        DkimAttributes={"SigningEnabled": True, "SigningAttributesOrigin": "AWS_SES_EU_WEST_1", "Tokens": ["t"]},
    )
    session = scan_session()
    twins = Twins(session)
    stubber = twins.route("sesv2", REGION, "get_email_identity")
    stubber.add_response("get_email_identity", own, {"EmailIdentity": "own.example"})
    stubber.add_response("get_email_identity", regional, {"EmailIdentity": "regional.example"})
    twins.install()
    dkims = {d.identity: d for d in scan(session).of(SesDkim)}
    twins.assert_used()
    assert dkims["own.example"].origin == "EXTERNAL" and dkims["own.example"].tokens is None
    assert dkims["regional.example"].origin == "AWS_SES" and dkims["regional.example"].tokens == ("t",)


def test_event_destinations(aws: str) -> None:
    """moto gap: SES v2 GetConfigurationSetEventDestinations is not implemented (HTTP 404)."""
    plain_client("sesv2").create_configuration_set(ConfigurationSetName="outbound")
    session = scan_session()
    twins = Twins(session)
    twins.route("sesv2", REGION, "get_configuration_set_event_destinations").add_response(
        "get_configuration_set_event_destinations",
        {
            "EventDestinations": [
                {
                    "Name": "to-bridge",
                    "Enabled": True,
                    "MatchingEventTypes": ["SEND", "RENDERING_FAILURE"],
                    "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/x"},
                },
                {
                    "Name": "off",
                    "Enabled": False,
                    "MatchingEventTypes": ["BOUNCE"],
                    "CloudWatchDestination": {"DimensionConfigurations": []},
                },
            ]
        },
        {"ConfigurationSetName": "outbound"},
    )
    twins.install()
    inventory = scan(session)
    twins.assert_used()
    assert not inventory.gaps
    destinations = {d.name: d for d in inventory.of(SesEventDestination)}
    bridge = destinations["to-bridge"]
    assert (bridge.config_set, bridge.enabled, bridge.destination) == ("outbound", True, "eventbridge")
    assert bridge.event_types == ("SEND", "RENDERING_FAILURE")
    assert bridge.prov.import_id == "outbound|to-bridge"  # aws_sesv2_configuration_set_event_destination
    assert destinations["off"].enabled is False and destinations["off"].destination == "cloudwatch"
    [config_set] = inventory.of(SesConfigSet)
    assert config_set.tls_policy is None


def test_enabled_regions_are_discovered(aws: str) -> None:
    """moto gap: DescribeRegions lists every region moto knows (30+); a stub answers with two, so the default
    scan (no --region) covers exactly the account's enabled regions."""
    plain_client("guardduty", "eu-west-1").create_detector(Enable=True)
    session = scan_session()
    twins = Twins(session)
    twins.route("ec2", REGION, "describe_regions").add_response(
        "describe_regions",
        {
            "Regions": [
                {"RegionName": name, "Endpoint": f"ec2.{name}.amazonaws.com", "OptInStatus": "opt-in-not-required"}
                for name in ("us-east-1", "eu-west-1")
            ]
        },
        {"AllRegions": False},
    )
    twins.install()
    inventory = scan(session, regions=())
    twins.assert_used()
    [detector] = inventory.of(ThreatDetection)
    assert detector.region == "eu-west-1" and detector.enabled is True
    assert not inventory.gaps
