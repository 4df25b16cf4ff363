"""Identity of a fact across sources: one function per fact kind, and the attributes drift compares.

An identity is `(scope, key)`: the scope is the AWS region for regional objects (None when the object is
global, or when Terraform does not say which region it is in: then any scanned region matches), the key
is the natural key. With a state file, objects are first paired by their IDs (`Side.ids`), and only the
rest by these keys. The README's drift section has this table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
    Unknown,
)

__all__ = ["KINDS", "Identity", "Kind", "SideNames", "kind_of"]

Identity = tuple[str | None, tuple[Any, ...]]


@dataclass(frozen=True)
class SideNames:
    """What identities need beyond the fact itself: zone names by zone key, security-group names by
    group reference (a Terraform address; live facts name the group already)."""

    zones: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, Any] = field(default_factory=dict)  # a name, or Unknown


def _lower(value: Any, fact: Any = None) -> Any:
    return value.lower().rstrip(".") if isinstance(value, str) else value


def _region(fact: Any) -> str | None:
    region: str | None = fact.prov.region
    return region


# ---------------------------------------------------------------- identity functions, one per kind


def ses_identity_key(fact: SesIdentity | SesDkim | SesMailFrom, names: SideNames) -> Identity:
    return _region(fact), (_lower(fact.identity),)


def ses_identity_policy_key(fact: SesIdentityPolicy, names: SideNames) -> Identity:
    return _region(fact), (_lower(fact.identity), fact.name)


def config_set_key(fact: SesConfigSet, names: SideNames) -> Identity:
    return _region(fact), (fact.name,)


def event_destination_key(fact: SesEventDestination, names: SideNames) -> Identity:
    return _region(fact), (fact.config_set, fact.name)


def receipt_rule_key(fact: ReceiptRule, names: SideNames) -> Identity:
    return _region(fact), (fact.rule_set, fact.name)


def security_group_key(group: str, names: SideNames) -> tuple[Any, ...]:
    """A group by name within its region (with a state file: by its ID, see match.py). Live firewall facts
    do not carry the VPC, so two groups of one name in two VPCs of a region pair in name order."""
    return (names.groups.get(group, group),)


def security_group_rule_key(fact: FirewallRule, names: SideNames) -> Identity:
    """(group, direction, protocol, ports, peer): rules are split into one fact per peer first."""
    peer = fact.sources[0] if isinstance(fact.sources, tuple) and len(fact.sources) == 1 else fact.sources
    return _region(fact), (security_group_key(fact.group, names), fact.direction, fact.protocol, fact.ports, peer)


def dns_zone_key(fact: DnsZone, names: SideNames) -> Identity:
    return None, (_lower(fact.name), fact.private)


def dns_record_key(fact: DnsRecord, names: SideNames) -> Identity:
    zone = names.zones.get(fact.zone) if fact.zone else None
    return zone, (_lower(fact.name), fact.type.upper())


def listener_key(fact: ListenerTls, names: SideNames) -> Identity:
    return _region(fact), (fact.load_balancer, fact.port)


def threat_detection_key(fact: ThreatDetection, names: SideNames) -> Identity:
    return fact.region or _region(fact), (fact.service,)


def ca_policy_key(fact: ConditionalAccessPolicy, names: SideNames) -> Identity:
    return None, (fact.display_name,)


def security_defaults_key(fact: SecurityDefaults, names: SideNames) -> Identity:
    return None, ("tenant",)


def role_assignment_key(fact: RoleAssignment, names: SideNames) -> Identity:
    return None, (_lower(fact.role_template_id), _lower(fact.principal))


def iam_policy_key(fact: IamPolicy, names: SideNames) -> Identity:
    return None, (fact.name,)


def password_policy_key(fact: PasswordPolicy, names: SideNames) -> Identity:
    return None, ("account",)


def directory_domain_key(fact: DirectoryDomain, names: SideNames) -> Identity:
    return None, (_lower(fact.name),)


def trail_key(fact: AuditTrail, names: SideNames) -> Identity:
    # The ARN, when a state file gives it, pairs first (Side.ids); the name is unique per account.
    return None, (fact.name,)


def log_export_key(fact: LogExport, names: SideNames) -> Identity:
    return None, (fact.name,)


def mta_sts_key(fact: MtaStsPolicy, names: SideNames) -> Identity:
    return None, (_lower(fact.domain),)


# ---------------------------------------------------------------- what is compared, normalised

Normalize = Callable[[Any, Any], Any]  # (value, fact) -> comparable value


def _as_set(value: Any, fact: Any) -> Any:
    if isinstance(value, (tuple, list)) and all(not isinstance(v, Unknown) for v in value):
        return tuple(sorted({str(v) for v in value}))
    return value


def _default(default: Any) -> Normalize:
    # Terraform leaves it out, the provider applies this default: not drift.
    return lambda value, fact: default if value is None else value


def _upper(value: Any, fact: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _tls_policy(value: Any, fact: Any) -> Any:
    return "OPTIONAL" if value is None else _upper(value, fact)


def _zero_unset(value: Any, fact: Any) -> Any:
    return None if value == 0 else value


def _ssl_policy(value: Any, fact: ListenerTls) -> Any:
    # A plaintext listener has no TLS policy whatever the API echoes back.
    protocol = fact.protocol.upper() if isinstance(fact.protocol, str) else fact.protocol
    return None if protocol in ("HTTP", "TCP", "UDP") else value


def _policy_document(value: Any, fact: Any) -> Any:
    """A JSON policy in canonical form: one-element lists are their element, string lists are sets."""

    def canon(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {k: canon(v[k]) for k in sorted(v)}
        if isinstance(v, (list, tuple)):
            items = [canon(x) for x in v]
            if len(items) == 1:
                return items[0]
            if all(isinstance(x, str) for x in items):
                return sorted(set(items))
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
        return v

    if isinstance(value, Unknown) or value is None:
        return value
    return json.dumps(canon(value), sort_keys=True)


def _blank(value: Any, fact: Any) -> Any:
    return "" if value is None else value


@dataclass(frozen=True)
class Kind:
    name: str
    fact_type: type[Any]
    identity: Callable[[Any, SideNames], Identity]
    # attribute -> normaliser; attributes not listed are computed or not set by Terraform, never drift
    compared: Mapping[str, Normalize]
    live_sources: tuple[str, ...]
    # Terraform resource type prefixes whose objects a live source can see
    providers: tuple[str, ...] = ("aws_",)


def _same(value: Any, fact: Any) -> Any:
    return value


_SES = ("aws",)
_M365 = ("m365",)
_AAD = ("azuread_",)

KINDS: tuple[Kind, ...] = (
    Kind("ses_identity", SesIdentity, ses_identity_key, {"kind": _same}, _SES),
    Kind(
        "ses_dkim",
        SesDkim,
        ses_identity_key,
        {"enabled": _same, "origin": _same, "next_key_length": _same},
        _SES,
    ),
    Kind("ses_mail_from", SesMailFrom, ses_identity_key, {"domain": _lower, "behavior_on_mx_failure": _same}, _SES),
    Kind("ses_identity_policy", SesIdentityPolicy, ses_identity_policy_key, {"document": _policy_document}, _SES),
    Kind("ses_configuration_set", SesConfigSet, config_set_key, {"tls_policy": _tls_policy}, _SES),
    Kind(
        "ses_event_destination",
        SesEventDestination,
        event_destination_key,
        {"enabled": _same, "event_types": _as_set, "destination": _same},
        _SES,
    ),
    Kind(
        "ses_receipt_rule",
        ReceiptRule,
        receipt_rule_key,
        {"enabled": _default(True), "scan_enabled": _default(False), "tls_policy": _tls_policy},
        _SES,
    ),
    Kind("security_group_rule", FirewallRule, security_group_rule_key, {"action": _same, "description": _blank}, _SES),
    Kind("dns_zone", DnsZone, dns_zone_key, {}, ("aws",), ("aws_route53_",)),
    Kind(
        "dns_record",
        DnsRecord,
        dns_record_key,
        {"values": _as_set, "ttl": _same},
        ("aws", "dns"),
        ("aws_route53_", "azurerm_dns_", "cloudflare_", "google_dns_"),
    ),
    Kind(
        "lb_listener",
        ListenerTls,
        listener_key,
        {"protocol": _upper, "ssl_policy": _ssl_policy, "redirects_to_https": _same},
        _SES,
    ),
    Kind("threat_detection", ThreatDetection, threat_detection_key, {"enabled": _same}, _SES),
    Kind(
        "conditional_access_policy",
        ConditionalAccessPolicy,
        ca_policy_key,
        {
            "state": _same,
            **{
                name: _as_set
                for name in (
                    "include_users",
                    "exclude_users",
                    "include_groups",
                    "exclude_groups",
                    "include_roles",
                    "exclude_roles",
                    "include_apps",
                    "exclude_apps",
                    "client_app_types",
                    "built_in_controls",
                    "strength_combinations",
                )
            },
            "operator": _upper,
            "strength_id": _same,
            "include_guests": _same,
            "exclude_guests": _same,
            "has_locations": _same,
            "has_platforms": _same,
            "has_risk_levels": _same,
            "has_device_filter": _same,
        },
        _M365,
        _AAD,
    ),
    Kind("security_defaults", SecurityDefaults, security_defaults_key, {"enabled": _same}, _M365, _AAD),
    Kind("role_assignment", RoleAssignment, role_assignment_key, {"permanent": _same}, _M365, _AAD),
    Kind("iam_policy", IamPolicy, iam_policy_key, {"document": _policy_document}, _SES),
    Kind(
        "password_policy",
        PasswordPolicy,
        password_policy_key,
        {
            "min_length": _same,
            "require_uppercase": _default(False),
            "require_lowercase": _default(False),
            "require_numbers": _default(False),
            "require_symbols": _default(False),
            "reuse_prevention": _zero_unset,
            "max_age_days": _zero_unset,
        },
        _SES,
    ),
    Kind(
        "directory_domain",
        DirectoryDomain,
        directory_domain_key,
        {"authentication": _same, "password_validity_days": _same},
        _M365,
        _AAD,
    ),
    Kind(
        "audit_trail",
        AuditTrail,
        trail_key,
        {"multi_region": _default(False), "log_validation": _default(False), "logging": _default(True)},
        _SES,
    ),
    Kind("log_export", LogExport, log_export_key, {"categories": _as_set}, _M365, ("azurerm_monitor_aad_",)),
    Kind("mta_sts_policy", MtaStsPolicy, mta_sts_key, {"text": _same}, ("dns",), ("aws_s3_", "azurerm_", "google_")),
)

_BY_TYPE = {k.fact_type: k for k in KINDS}


def kind_of(fact: object) -> Kind | None:
    """The kind of a fact, or None for facts drift does not compare (root account, mail domains)."""
    return _BY_TYPE.get(type(fact))
