"""SES v1 and v2 resources as facts."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.model import (
    ReceiptRule,
    SesConfigSet,
    SesDkim,
    SesEventDestination,
    SesIdentity,
    SesIdentityPolicy,
    SesMailFrom,
    Unknown,
)
from emailiac.sources.terraform.adapters.ses import ADAPTERS
from tests.adapters.tf import adapt, block, ref, resource


def one(subject: Any, *others: Any) -> Any:
    [fact] = adapt(ADAPTERS, subject, *others)
    return fact


# ---------------------------------------------------------------- identities and DKIM


def test_domain_identity_is_normalised() -> None:
    fact = one(resource("aws_ses_domain_identity", "main", {"domain": "Example.COM."}))
    assert fact == SesIdentity(fact.prov, "example.com", "domain")


def test_email_identity_keeps_its_local_part() -> None:
    fact = one(resource("aws_ses_email_identity", "alerts", {"email": "Alerts@Example.com"}))
    assert (fact.identity, fact.kind) == ("Alerts@example.com", "email")


def test_domain_dkim_tokens_are_known_after_apply() -> None:
    dkim = one(resource("aws_ses_domain_dkim", "main", {"domain": "example.com"}))
    assert isinstance(dkim, SesDkim) and dkim.enabled is True and dkim.origin == "AWS_SES"
    assert isinstance(dkim.tokens, Unknown) and dkim.tokens.refs == ("aws_ses_domain_dkim.main.dkim_tokens",)


def test_sesv2_domain_identity_signs_with_easy_dkim_by_default() -> None:
    ident, dkim = adapt(ADAPTERS, resource("aws_sesv2_email_identity", "d", {"email_identity": "example.com"}))
    assert isinstance(ident, SesIdentity) and ident.kind == "domain"
    assert isinstance(dkim, SesDkim) and dkim.enabled is True and dkim.origin == "AWS_SES"
    assert dkim.next_key_length is None and isinstance(dkim.tokens, Unknown)


def test_sesv2_dkim_signing_attributes() -> None:
    easy = resource(
        "aws_sesv2_email_identity",
        "d",
        {"email_identity": "example.com"},
        {"dkim_signing_attributes": [block(next_signing_key_length="rsa_2048_bit")]},
    )
    assert adapt(ADAPTERS, easy)[1].next_key_length == "RSA_2048_BIT"
    byo = resource(
        "aws_sesv2_email_identity",
        "b",
        {"email_identity": "example.com"},
        {"dkim_signing_attributes": [block(domain_signing_private_key=Unknown("var.key is sensitive"))]},
    )
    dkim = adapt(ADAPTERS, byo)[1]
    assert dkim.origin == "EXTERNAL" and dkim.tokens is None


def test_sesv2_address_identity_has_no_dkim_of_its_own() -> None:
    [ident] = adapt(ADAPTERS, resource("aws_sesv2_email_identity", "a", {"email_identity": "me@example.com"}))
    assert ident.kind == "email"


@pytest.mark.parametrize(("pattern", "kind"), [("*@example.com", "email"), ("mail.*", "domain"), (None, "unknown")])
def test_sesv2_unresolved_identity_kind(pattern: str | None, kind: str) -> None:
    value = Unknown("var.x has no value", pattern=pattern)
    found = adapt(ADAPTERS, resource("aws_sesv2_email_identity", "x", {"email_identity": value}))
    assert found[0].kind == kind
    assert len(found) == (1 if kind == "email" else 2)


# ---------------------------------------------------------------- MAIL FROM and policies


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("USE_DEFAULT_VALUE", "UseDefaultValue"),
        ("UseDefaultValue", "UseDefaultValue"),
        ("REJECT_MESSAGE", "RejectMessage"),
        ("RejectMessage", "RejectMessage"),
        (None, None),
        ("Bounce", "Bounce"),
    ],
)
def test_mail_from_behavior_spellings(value: str | None, want: str | None) -> None:
    attrs = {"email_identity": "example.com", "mail_from_domain": "Mail.Example.com", "behavior_on_mx_failure": value}
    fact = one(resource("aws_sesv2_email_identity_mail_from_attributes", "m", attrs))
    assert isinstance(fact, SesMailFrom)
    assert (fact.identity, fact.domain, fact.behavior_on_mx_failure) == ("example.com", "mail.example.com", want)


def test_mail_from_follows_a_reference_to_its_identity() -> None:
    ident = resource("aws_ses_domain_identity", "main", {"domain": "example.com"}, module="module.mail")
    attrs = {"domain": ref("aws_ses_domain_identity.main.domain"), "mail_from_domain": "m.example.com"}
    mail_from = resource("aws_ses_domain_mail_from", "main", attrs, module="module.mail")
    fact = one(mail_from, ident)
    assert fact.identity == "example.com" and fact.behavior_on_mx_failure is None


def test_identity_policy_named_by_arn() -> None:
    attrs = {
        "identity": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
        "name": "send",
        "policy": '{"Statement": []}',
    }
    fact = one(resource("aws_ses_identity_policy", "p", attrs))
    assert isinstance(fact, SesIdentityPolicy)
    assert (fact.identity, fact.name, fact.document) == ("example.com", "send", {"Statement": []})


def test_identity_policy_reference_to_an_identity_arn() -> None:
    ident = resource("aws_sesv2_email_identity", "news", {"email_identity": "news.example.com"})
    attrs = {"email_identity": ref("aws_sesv2_email_identity.news.arn"), "policy_name": "p", "policy": {}}
    fact = one(resource("aws_sesv2_email_identity_policy", "p", attrs), ident)
    assert fact.identity == "news.example.com" and fact.document == {}


@pytest.mark.parametrize("policy", ["{not json", None])
def test_identity_policy_unreadable_document(policy: str | None) -> None:
    fact = one(resource("aws_ses_identity_policy", "p", {"identity": "example.com", "name": "n", "policy": policy}))
    assert isinstance(fact.document, Unknown)


# ---------------------------------------------------------------- configuration sets and receipt rules


@pytest.mark.parametrize(
    ("rtype", "name_attr", "blocks", "want"),
    [
        ("aws_ses_configuration_set", "name", [block(tls_policy="Require")], "REQUIRE"),
        ("aws_ses_configuration_set", "name", [block()], None),
        ("aws_sesv2_configuration_set", "configuration_set_name", [block(tls_policy="OPTIONAL")], "OPTIONAL"),
        ("aws_sesv2_configuration_set", "configuration_set_name", [], None),
    ],
)
def test_config_set_tls_policy(rtype: str, name_attr: str, blocks: list[Any], want: str | None) -> None:
    fact = one(resource(rtype, "cs", {name_attr: "main"}, {"delivery_options": blocks} if blocks else {}))
    assert fact == SesConfigSet(fact.prov, "main", want)


def test_config_set_with_unexpandable_delivery_options() -> None:
    pending = Unknown("dynamic 'delivery_options' blocks are not known (var.d has no value)")
    cs = resource("aws_sesv2_configuration_set", "cs", {"configuration_set_name": "main", "delivery_options": pending})
    assert one(cs).tls_policy is pending


def test_receipt_rule_defaults_and_spelling() -> None:
    fact = one(resource("aws_ses_receipt_rule", "r", {"name": "in", "rule_set_name": "main", "tls_policy": "Require"}))
    assert fact == ReceiptRule(fact.prov, "in", "main", False, None, "REQUIRE")


# ---------------------------------------------------------------- event destinations


def test_v1_event_destination() -> None:
    cs = resource("aws_ses_configuration_set", "main", {"name": "transactional"})
    attrs = {
        "name": "to-sns",
        "configuration_set_name": ref("aws_ses_configuration_set.main.arn"),
        "enabled": True,
        "matching_types": ["bounce", "complaint", "renderingFailure"],
    }
    dest = resource("aws_ses_event_destination", "sns", attrs, {"sns_destination": [block(topic_arn="arn:x")]})
    fact = one(dest, cs)
    assert isinstance(fact, SesEventDestination)
    assert (fact.config_set, fact.name, fact.enabled, fact.destination) == ("transactional", "to-sns", True, "sns")
    assert fact.event_types == ("BOUNCE", "COMPLAINT", "RENDERING_FAILURE")


@pytest.mark.parametrize(
    ("kind", "want"),
    [
        ("cloud_watch_destination", "cloudwatch"),
        ("kinesis_firehose_destination", "firehose"),
        ("pinpoint_destination", "pinpoint"),
        ("event_bridge_configuration", "eventbridge"),
    ],
)
def test_v2_event_destination(kind: str, want: str) -> None:
    inner = block(matching_event_types=["SEND", "BOUNCE"])
    inner.blocks[kind] = [block()]
    attrs = {"configuration_set_name": "main", "event_destination_name": "siem"}
    fact = one(resource("aws_sesv2_configuration_set_event_destination", "d", attrs, {"event_destination": [inner]}))
    assert (fact.config_set, fact.name, fact.enabled, fact.destination) == ("main", "siem", False, want)
    assert fact.event_types == ("SEND", "BOUNCE")
