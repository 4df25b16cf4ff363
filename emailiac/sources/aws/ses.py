"""Amazon SES as facts: identities with DKIM, MAIL FROM and sending policies, configuration sets with their
TLS policy and event destinations (SES v2), and the rules of the active receipt rule set (SES v1).

Facts hold one spelling of each enum, as the Terraform adapters write them: TLS policies upper case
(`Require`, `REQUIRE` -> REQUIRE), MAIL FROM behaviour `UseDefaultValue`/`RejectMessage`, event types
SEND, RENDERING_FAILURE... A detail call that fails is a gap, and the object it was about stays in the
inventory with what the call would have told Unknown (an identity whose details are refused is still a mail
domain), so the rules say why they could not judge instead of judging half a picture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

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
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import Unit, live_prov

__all__ = ["RECEIVING_REGIONS", "collect_config_sets", "collect_identities", "collect_receipt_rules"]

# Regions with SES email receiving (AWS General Reference, "Amazon SES endpoints": Email Receiving
# endpoints inbound-smtp.<region>.amazonaws.com). Elsewhere the receipt rule API does not exist.
RECEIVING_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "ca-central-1",
        "eu-west-1",
        "eu-west-2",
        "eu-central-1",
        "ap-northeast-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
    }
)

_MX_FAILURE = {"usedefaultvalue": "UseDefaultValue", "rejectmessage": "RejectMessage"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DESTINATIONS = (
    ("CloudWatchDestination", "cloudwatch"),
    ("KinesisFirehoseDestination", "firehose"),
    ("SnsDestination", "sns"),
    ("PinpointDestination", "pinpoint"),
    ("EventBridgeDestination", "eventbridge"),
)


def _identity_name(name: str) -> str:
    """A domain lowercased without its trailing dot; an address with its domain part lowercased."""
    local, at, domain = name.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else name.strip().lower().rstrip(".")


def _upper(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _mx_failure(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return _MX_FAILURE.get(value.replace("_", "").lower(), value)


def _origin(value: Any) -> str:
    """AWS_SES (Easy DKIM, including the region-specific AWS_SES_<REGION> origins) or EXTERNAL (BYODKIM)."""
    text = str(value or "AWS_SES").upper()
    return "AWS_SES" if text.startswith("AWS_SES") else text


def _document(text: Any) -> Mapping[str, Any] | Unknown:
    if isinstance(text, Mapping):
        return text
    try:
        parsed = json.loads(str(text))
    except json.JSONDecodeError as exc:
        return Unknown(f"the policy is not valid JSON ({exc.msg})")
    return parsed if isinstance(parsed, Mapping) else Unknown("the policy is not a JSON object")


# ---------------------------------------------------------------- identities


def _identity_facts(unit: Unit, name: str, kind: str, detail: dict[str, Any]) -> None:
    prov = live_prov(unit.region, "ses", "identity", name, import_id=name)
    unit.facts.append(SesIdentity(prov, name, kind))
    if kind != "domain":
        return  # an address signs and sends with its domain's DKIM and MAIL FROM
    dkim = detail.get("DkimAttributes") or {}
    origin = _origin(dkim.get("SigningAttributesOrigin"))
    tokens = dkim.get("Tokens")
    unit.facts.append(
        SesDkim(
            prov=prov,
            identity=name,
            enabled=bool(dkim.get("SigningEnabled", False)),
            status=_upper(dkim.get("Status")),
            origin=origin,
            key_length=_upper(dkim.get("CurrentSigningKeyLength")),
            next_key_length=_upper(dkim.get("NextSigningKeyLength")),
            tokens=tuple(str(t) for t in tokens) if origin == "AWS_SES" and tokens is not None else None,
        )
    )
    mail_from = detail.get("MailFromAttributes") or {}
    domain = mail_from.get("MailFromDomain")
    if isinstance(domain, str) and domain.strip():
        unit.facts.append(
            SesMailFrom(
                prov=live_prov(unit.region, "ses", "identity", f"{name}/mail-from", import_id=name),
                identity=name,
                domain=domain.strip().lower().rstrip("."),
                behavior_on_mx_failure=_mx_failure(mail_from.get("BehaviorOnMxFailure")),
            )
        )
    for policy_name, text in sorted((detail.get("Policies") or {}).items()):
        unit.facts.append(
            SesIdentityPolicy(
                prov=live_prov(unit.region, "ses", "identity", f"{name}/policy/{policy_name}", f"{name}|{policy_name}"),
                identity=name,
                name=policy_name,
                document=_document(text),
            )
        )


def _unread_identity(unit: Unit, name: str, kind: str, failure: CallFailed) -> None:
    """An identity whose details could not be read: still a mail domain, its DKIM and MAIL FROM unknown."""
    prov = live_prov(unit.region, "ses", "identity", name, import_id=name)
    unit.facts.append(SesIdentity(prov, name, kind))
    if kind != "domain":
        return
    why = Unknown(failure.reason)
    unit.facts.append(SesDkim(prov, name, enabled=why, status=why, key_length=why, next_key_length=why, tokens=None))
    mail_from_prov = live_prov(unit.region, "ses", "identity", f"{name}/mail-from", import_id=name)
    unit.facts.append(SesMailFrom(mail_from_prov, name, domain=why, behavior_on_mx_failure=why))


def collect_identities(unit: Unit) -> None:
    """SES v2 email identities of the unit's region."""
    try:
        listed = [i for page in unit.pages("ListEmailIdentities") for i in page.get("EmailIdentities", [])]
    except CallFailed as failure:
        unit.missed(failure)
        return
    for item in listed:
        raw = str(item.get("IdentityName", ""))
        if not raw:
            continue
        name = _identity_name(raw)
        kind = "email" if item.get("IdentityType") == "EMAIL_ADDRESS" or "@" in name else "domain"
        try:
            detail = unit.call("GetEmailIdentity", EmailIdentity=raw)
        except CallFailed as failure:
            unit.missed(failure)
            if failure.kind == "unavailable":
                return
            _unread_identity(unit, name, kind, failure)
            continue
        _identity_facts(unit, name, kind, detail)


# ---------------------------------------------------------------- configuration sets


def _event_types(values: Any) -> tuple[str, ...]:
    return tuple(_CAMEL.sub("_", str(v).strip()).upper() for v in values or ())


def _destinations(unit: Unit, config_set: str) -> None:
    try:
        response = unit.call("GetConfigurationSetEventDestinations", ConfigurationSetName=config_set)
    except CallFailed as failure:
        unit.missed(failure)
        return
    for item in response.get("EventDestinations", []):
        name = str(item.get("Name", ""))
        kind = next((label for key, label in _DESTINATIONS if item.get(key)), "unknown")
        unit.facts.append(
            SesEventDestination(
                prov=live_prov(
                    unit.region,
                    "ses",
                    "configuration-set",
                    f"{config_set}/event-destination/{name}",
                    import_id=f"{config_set}|{name}",
                ),
                config_set=config_set,
                name=name,
                enabled=bool(item.get("Enabled", False)),
                event_types=_event_types(item.get("MatchingEventTypes")),
                destination=kind,
            )
        )


def collect_config_sets(unit: Unit) -> None:
    """SES v2 configuration sets of the unit's region, with their event destinations."""
    try:
        names = [str(n) for page in unit.pages("ListConfigurationSets") for n in page.get("ConfigurationSets", [])]
    except CallFailed as failure:
        unit.missed(failure)
        return
    for name in names:
        prov = live_prov(unit.region, "ses", "configuration-set", name, import_id=name)
        tls: str | Unknown | None
        try:
            detail = unit.call("GetConfigurationSet", ConfigurationSetName=name)
        except CallFailed as failure:
            unit.missed(failure)
            tls = Unknown(failure.reason)
        else:
            # No DeliveryOptions, or no TlsPolicy in them, is the API default: Optional.
            tls = _upper((detail.get("DeliveryOptions") or {}).get("TlsPolicy"))
        unit.facts.append(SesConfigSet(prov, name, tls))
        _destinations(unit, name)


# ---------------------------------------------------------------- receipt rules


def collect_receipt_rules(unit: Unit) -> None:
    """The rules of the active receipt rule set (SES v1), in a region that receives mail."""
    try:
        response = unit.call("DescribeActiveReceiptRuleSet")
    except CallFailed as failure:
        unit.missed(failure)
        return
    rule_set = str((response.get("Metadata") or {}).get("Name", ""))
    for rule in response.get("Rules", []):
        name = str(rule.get("Name", ""))
        unit.facts.append(
            ReceiptRule(
                prov=live_prov(unit.region, "ses", "receipt-rule", f"{rule_set}/{name}", f"{rule_set}:{name}"),
                name=name,
                rule_set=rule_set,
                enabled=bool(rule.get("Enabled", False)),
                scan_enabled=bool(rule.get("ScanEnabled", False)),
                tls_policy=_upper(rule.get("TlsPolicy")),
            )
        )
