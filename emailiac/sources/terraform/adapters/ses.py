"""Terraform resources of the SES family (v1 `aws_ses_*` and v2 `aws_sesv2_*`) as facts.

Enum spellings differ between the two APIs (`Require`/`REQUIRE`, `RejectMessage`/`REJECT_MESSAGE`); facts
hold one spelling each. An identity named through a reference that stays unknown before apply (its ARN) is
read from the identity resource the reference points at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from emailiac.model import (
    Fact,
    ReceiptRule,
    SesConfigSet,
    SesDkim,
    SesEventDestination,
    SesIdentity,
    SesIdentityPolicy,
    SesMailFrom,
    Unknown,
)
from emailiac.sources.terraform.adapters.coerce import as_bool, as_str, as_str_list
from emailiac.sources.terraform.adapters.policy_document import policy_document
from emailiac.sources.terraform.adapters.references import resolved_str
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

__all__ = ["ADAPTERS"]

# Attributes that name an identity, on the identity resources a reference may point at.
_IDENTITY_ATTRS = ("domain", "email", "email_identity")
_CONFIG_SET_ATTRS = ("configuration_set_name", "name")
_MX_FAILURE = {"usedefaultvalue": "UseDefaultValue", "rejectmessage": "RejectMessage"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _identity(value: Any, res: TfResource, index: ResourceIndex, where: str) -> str | Unknown:
    """A domain (lowercase, no trailing dot) or an address (its domain part lowercased)."""
    text = resolved_str(value, res, index, _IDENTITY_ATTRS, where)
    if text is None:
        return Unknown(f"{where} is not set")
    if isinstance(text, Unknown):
        return text
    text = text.strip()
    if text.startswith("arn:") and ":identity/" in text:
        text = text.split(":identity/", 1)[1]
    local, at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}" if at else text.lower().rstrip(".")


def _kind(identity: str | Unknown) -> str:
    """domain | email | unknown (an unresolved value whose pattern does not tell)."""
    text = identity.pattern if isinstance(identity, Unknown) else identity
    if text is None:
        return "unknown"
    return "email" if "@" in text else "domain"


def _upper(value: Any, where: str) -> str | Unknown | None:
    text = as_str(value, where)
    return text.strip().upper() if isinstance(text, str) else text


# ---------------------------------------------------------------- identities and DKIM


def _ses_domain_identity(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    yield SesIdentity(res.prov, _identity(res.body.get("domain"), res, index, "domain"), "domain")


def _ses_email_identity(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    yield SesIdentity(res.prov, _identity(res.body.get("email"), res, index, "email"), "email")


def _ses_domain_dkim(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    yield SesDkim(
        prov=res.prov,
        identity=_identity(res.body.get("domain"), res, index, "domain"),
        enabled=True,
        tokens=Unknown("dkim_tokens are known only after apply", (f"{res.address}.dkim_tokens",)),
    )


def _sesv2_email_identity(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    identity = _identity(res.body.get("email_identity"), res, index, "email_identity")
    kind = _kind(identity)
    yield SesIdentity(res.prov, identity, kind)
    if kind == "email":
        return  # DKIM belongs to the address's domain identity
    attrs = next(iter(res.body.blocks_of("dkim_signing_attributes")), None)
    byodkim = attrs is not None and attrs.get("domain_signing_private_key") is not None
    next_length = _upper(attrs.get("next_signing_key_length"), "next_signing_key_length") if attrs else None
    tokens = Unknown("DKIM tokens are known only after apply", (f"{res.address}.dkim_signing_attributes[0].tokens",))
    # SESv2 signs every domain identity with Easy DKIM unless a key of its own is brought (BYODKIM).
    yield SesDkim(
        prov=res.prov,
        identity=identity,
        enabled=True,
        origin="EXTERNAL" if byodkim else "AWS_SES",
        next_key_length=next_length,
        tokens=None if byodkim else tokens,
    )


# ---------------------------------------------------------------- MAIL FROM and policies


def _mx_failure(value: Any) -> str | Unknown | None:
    text = as_str(value, "behavior_on_mx_failure")
    if not isinstance(text, str):
        return text
    return _MX_FAILURE.get(text.replace("_", "").lower(), text)


def _mail_from(identity_attr: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        domain = as_str(res.body.get("mail_from_domain"), "mail_from_domain")
        yield SesMailFrom(
            prov=res.prov,
            identity=_identity(res.body.get(identity_attr), res, index, identity_attr),
            domain=domain.lower().rstrip(".") if isinstance(domain, str) else domain,
            behavior_on_mx_failure=_mx_failure(res.body.get("behavior_on_mx_failure")),
        )

    return adapt


def _identity_policy(identity_attr: str, name_attr: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        name = as_str(res.body.get(name_attr), name_attr)
        yield SesIdentityPolicy(
            prov=res.prov,
            identity=_identity(res.body.get(identity_attr), res, index, identity_attr),
            name=Unknown(f"{name_attr} is not set") if name is None else name,
            document=policy_document(res.body.get("policy"), res, index),
        )

    return adapt


# ---------------------------------------------------------------- configuration sets and receipt rules


def _config_set(name_attr: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        name = as_str(res.body.get(name_attr), name_attr)
        pending = res.body.unknown_blocks("delivery_options")
        options = res.body.blocks_of("delivery_options")
        tls: str | Unknown | None
        if pending is not None:
            tls = pending
        else:
            # No delivery_options (or no tls_policy in it) leaves the API default: Optional.
            tls = _upper(options[0].get("tls_policy"), "tls_policy") if options else None
        yield SesConfigSet(res.prov, Unknown(f"{name_attr} is not set") if name is None else name, tls)

    return adapt


def _receipt_rule(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    name = as_str(body.get("name"), "name")
    rule_set = as_str(body.get("rule_set_name"), "rule_set_name")
    enabled = as_bool(body.get("enabled"), "enabled")
    yield ReceiptRule(
        prov=res.prov,
        name=Unknown("name is not set") if name is None else name,
        rule_set=Unknown("rule_set_name is not set") if rule_set is None else rule_set,
        enabled=False if enabled is None else enabled,  # the provider's default
        scan_enabled=as_bool(body.get("scan_enabled"), "scan_enabled"),
        tls_policy=_upper(body.get("tls_policy"), "tls_policy"),
    )


# ---------------------------------------------------------------- event destinations

_V1_DESTINATIONS = (
    ("cloudwatch_destination", "cloudwatch"),
    ("kinesis_destination", "firehose"),
    ("sns_destination", "sns"),
)
_V2_DESTINATIONS = (
    ("cloud_watch_destination", "cloudwatch"),
    ("kinesis_firehose_destination", "firehose"),
    ("sns_destination", "sns"),
    ("pinpoint_destination", "pinpoint"),
    ("event_bridge_configuration", "eventbridge"),
    ("event_bridge_destination", "eventbridge"),
)


def _destination(body: Body, kinds: tuple[tuple[str, str], ...]) -> str:
    for block, name in kinds:
        if body.blocks_of(block) or body.unknown_blocks(block) is not None:
            return name
    return "unknown"


def _event_types(value: Any, where: str) -> tuple[str, ...] | Unknown:
    """SEND, BOUNCE, RENDERING_FAILURE... (v1 writes `renderingFailure`)."""
    items = as_str_list(value, where)
    if items is None:
        return ()
    if isinstance(items, Unknown):
        return items
    out = []
    for item in items:
        if isinstance(item, Unknown):
            return item
        out.append(_CAMEL.sub("_", item.strip()).upper())
    return tuple(out)


def _event_destination(
    res: TfResource, index: ResourceIndex, body: Body, name_attr: str, kinds: tuple[tuple[str, str], ...]
) -> SesEventDestination:
    enabled = as_bool(body.get("enabled"), "enabled")
    name = as_str(res.body.get(name_attr), name_attr)
    config_set = resolved_str(
        res.body.get("configuration_set_name"), res, index, _CONFIG_SET_ATTRS, "configuration_set_name"
    )
    types_attr = "matching_types" if name_attr == "name" else "matching_event_types"
    return SesEventDestination(
        prov=res.prov,
        config_set=Unknown("configuration_set_name is not set") if config_set is None else config_set,
        name=Unknown(f"{name_attr} is not set") if name is None else name,
        enabled=False if enabled is None else enabled,  # the provider's default
        event_types=_event_types(body.get(types_attr), types_attr),
        destination=_destination(body, kinds),
    )


def _ses_event_destination(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    yield _event_destination(res, index, res.body, "name", _V1_DESTINATIONS)


def _sesv2_event_destination(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    blocks = res.body.blocks_of("event_destination")
    body = blocks[0] if blocks else Body()
    yield _event_destination(res, index, body, "event_destination_name", _V2_DESTINATIONS)


ADAPTERS: dict[str, Adapter] = {
    "aws_ses_domain_identity": _ses_domain_identity,
    "aws_ses_email_identity": _ses_email_identity,
    "aws_ses_domain_dkim": _ses_domain_dkim,
    "aws_sesv2_email_identity": _sesv2_email_identity,
    "aws_ses_domain_mail_from": _mail_from("domain"),
    "aws_sesv2_email_identity_mail_from_attributes": _mail_from("email_identity"),
    "aws_ses_identity_policy": _identity_policy("identity", "name"),
    "aws_sesv2_email_identity_policy": _identity_policy("email_identity", "policy_name"),
    "aws_ses_configuration_set": _config_set("name"),
    "aws_sesv2_configuration_set": _config_set("configuration_set_name"),
    "aws_ses_receipt_rule": _receipt_rule,
    "aws_ses_event_destination": _ses_event_destination,
    "aws_sesv2_configuration_set_event_destination": _sesv2_event_destination,
}
