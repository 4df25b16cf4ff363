"""`emailiac fix --from-drift drift.json`: Terraform that makes code and reality agree.

- Unmanaged objects: a resource written from the live values plus an `import {}` block (Terraform >= 1.5),
  so that the next drift report finds them managed and `terraform plan` shows no change.
- Changed objects where the live value is the stronger one (the declared side fails a rule the live side
  passes): the declaration is corrected with the rule's own fix.
- Changed objects where the code is the stronger side, and missing objects: `terraform apply` is the fix;
  said in a note, nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emailiac.fixes.hcl_align import align
from emailiac.fixes.hcl_emit import hcl_value
from emailiac.fixes.model import SAFE, Fix, Import, NewBlock

__all__ = ["DriftFixes", "DriftFormatError", "adopt_unmanaged", "corrections_wanted", "read_drift"]

_REVIEW = "review the settings the live object has beyond what drift compares (run `terraform plan` after the import)"

Body = list[tuple[str, Any]]  # (name, value) attributes, or (name, Body) nested blocks when value is a BlockBody


class DriftFormatError(ValueError):
    pass


@dataclass(frozen=True)
class BlockBody:
    items: Body


@dataclass
class DriftFixes:
    fixes: list[Fix] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_drift(text: str, name: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DriftFormatError(f"{name}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise DriftFormatError(f"{name}: JSON nested too deeply") from None
    if not isinstance(doc, dict) or doc.get("report") != "drift" or not isinstance(doc.get("drift"), list):
        raise DriftFormatError(f"{name}: not an emailiac drift report (emailiac drift --format json)")
    return doc


def _render(rtype: str, label: str, body: Body, depth: int = 1) -> str:
    def lines(items: Body, level: int) -> list[str]:
        out: list[str] = []
        pad = "  " * level
        attrs = [(k, v) for k, v in items if not isinstance(v, BlockBody)]
        blocks = [(k, v) for k, v in items if isinstance(v, BlockBody)]
        out += [f"{pad}{k} = {v if isinstance(v, _Raw) else hcl_value(v)}" for k, v in attrs]
        for k, v in blocks:
            if out:
                out.append("")
            out.append(f"{pad}{k} {{")
            out += lines(v.items, level + 1)
            out.append(f"{pad}}}")
        return out

    text = "\n".join([f'resource "{rtype}" "{label}" {{', *lines(body, depth), "}"]) + "\n"
    return align(text)


class _Raw(str):
    """An HCL expression written as it is (a reference), not quoted."""


def _known(values: Mapping[str, Any]) -> bool:
    text = json.dumps(values)
    return '"$unknown"' not in text


def _label(kind: str, identity: str, taken: set[str]) -> str:
    """A resource name from the identity (`us_east_1_marketing`); the kind first when the identity starts
    with a digit (role assignments by template ID), as names must start with a letter."""
    base = re.sub(r"[^a-z0-9]+", "_", identity.lower()).strip("_")[:40] or "live"
    if base[0].isdigit():
        base = f"{kind}_{base[:8]}"
    label, n = base, 2
    while label in taken:
        label, n = f"{base}_{n}", n + 1
    taken.add(label)
    return label


# ---------------------------------------------------------------- one writer per kind

Written = tuple[str, Body, str] | str  # (resource type, body, import id) or why nothing is written


def _config_set(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    body: Body = [("configuration_set_name", v["name"])]
    if v.get("tls_policy"):
        body.append(("delivery_options", BlockBody([("tls_policy", v["tls_policy"])])))
    return "aws_sesv2_configuration_set", body, str(item["live_id"])


def _ses_identity(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    return "aws_sesv2_email_identity", [("email_identity", v["identity"])], str(item["live_id"])


def _identity_policy(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    body: Body = [
        ("email_identity", v["identity"]),
        ("policy_name", v["name"]),
        ("policy", json.dumps(v["document"], sort_keys=True)),
    ]
    return "aws_sesv2_email_identity_policy", body, str(item["live_id"])


def _receipt_rule(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    body: Body = [("name", v["name"]), ("rule_set_name", v["rule_set"]), ("enabled", v["enabled"])]
    if v.get("scan_enabled") is not None:
        body.append(("scan_enabled", v["scan_enabled"]))
    if v.get("tls_policy"):
        body.append(("tls_policy", str(v["tls_policy"]).capitalize()))
    return "aws_ses_receipt_rule", body, str(item["live_id"])


def _dns_record(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    if item.get("source") != "aws":
        return "the record was seen in public DNS: declare it with the zone's own DNS provider"
    values = list(v["values"])
    if any(len(str(x)) > 255 for x in values):
        return "a TXT value over 255 characters: split it into strings by hand"
    zone = str(v.get("zone") or "")
    zone_ref: Any = _Raw(f"{refs[zone]}.zone_id") if zone in refs else zone
    body: Body = [("zone_id", zone_ref), ("name", v["name"]), ("type", v["type"]), ("ttl", v.get("ttl") or 300)]
    body.append(("records", values))
    return "aws_route53_record", body, str(item["live_id"])


def _sg_rule(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    group = str(item["live_id"])
    if refs.get(f"inline:{group}"):
        return (
            f"{refs[f'inline:{group}']} declares its rules inline, so `terraform apply` removes this rule; "
            "add an ingress/egress block there if it is meant to stay"
        )
    peer = v["sources"][0] if len(v["sources"]) == 1 else None
    if not isinstance(peer, str) or "/" not in peer:
        return "the rule's peer is not a CIDR (a group or prefix list): write it by hand"
    protocol = "-1" if v["protocol"] == "all" else str(v["protocol"])
    low, high = v["ports"][0] if v["ports"] else (0, 0)
    if protocol == "-1":
        low, high = 0, 0
    body: Body = [
        ("type", v["direction"]),
        ("security_group_id", _Raw(f"{refs[group]}.id") if group in refs else group),
        ("protocol", protocol),
        ("from_port", low),
        ("to_port", high),
        ("ipv6_cidr_blocks" if ":" in peer else "cidr_blocks", [peer]),
    ]
    if v.get("description"):
        body.append(("description", v["description"]))
    ident = f"{group}_{v['direction']}_{protocol}_{low}_{high}_{peer}"
    return "aws_security_group_rule", body, ident


def _password_policy(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    names = {
        "min_length": "minimum_password_length",
        "require_uppercase": "require_uppercase_characters",
        "require_lowercase": "require_lowercase_characters",
        "require_numbers": "require_numbers",
        "require_symbols": "require_symbols",
        "reuse_prevention": "password_reuse_prevention",
        "max_age_days": "max_password_age",
    }
    body: Body = [(attr, v[key]) for key, attr in names.items() if v.get(key) not in (None, 0)]
    return "aws_iam_account_password_policy", body, str(item["live_id"])


def _detector(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    return "aws_guardduty_detector", [("enable", v["enabled"])], str(item["live_id"])


def _ca_policy(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    users: Body = [
        (attr, list(v[key]))
        for key, attr in (
            ("include_users", "included_users"),
            ("exclude_users", "excluded_users"),
            ("include_groups", "included_groups"),
            ("exclude_groups", "excluded_groups"),
            ("include_roles", "included_roles"),
            ("exclude_roles", "excluded_roles"),
        )
        if v.get(key)
    ]
    apps: Body = [
        (a, list(v[k]))
        for k, a in (("include_apps", "included_applications"), ("exclude_apps", "excluded_applications"))
        if v.get(k)
    ]
    conditions: Body = [("client_app_types", list(v.get("client_app_types") or ["all"]))]
    conditions += [("applications", BlockBody(apps)), ("users", BlockBody(users))]
    grant: Body = [("operator", v.get("operator") or "OR")]
    if v.get("built_in_controls"):
        grant.append(("built_in_controls", list(v["built_in_controls"])))
    if v.get("strength_id"):
        grant.append(("authentication_strength_policy_id", v["strength_id"]))
    if any(v.get(k) for k in ("has_locations", "has_platforms", "has_risk_levels", "has_device_filter")):
        return "the policy has location, platform, risk or device conditions drift does not carry: write it by hand"
    body: Body = [
        ("display_name", v["display_name"]),
        ("state", v["state"]),
        ("conditions", BlockBody(conditions)),
        ("grant_controls", BlockBody(grant)),
    ]
    return "azuread_conditional_access_policy", body, str(item["live_id"])


def _role_assignment(item: Mapping[str, Any], v: Mapping[str, Any], refs: Mapping[str, str]) -> Written:
    body: Body = [("role_id", v["role_template_id"]), ("principal_object_id", v["principal"])]
    return "azuread_directory_role_assignment", body, str(item["live_id"])


_WRITERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any], Mapping[str, str]], Written]] = {
    "ses_configuration_set": _config_set,
    "ses_identity": _ses_identity,
    "ses_identity_policy": _identity_policy,
    "ses_receipt_rule": _receipt_rule,
    "dns_record": _dns_record,
    "security_group_rule": _sg_rule,
    "password_policy": _password_policy,
    "threat_detection": _detector,
    "conditional_access_policy": _ca_policy,
    "role_assignment": _role_assignment,
}


def _references(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Live IDs of objects Terraform manages -> their resource address (zones, security groups), so new
    blocks refer to them; `inline:<group id>` for groups whose rules are declared inline."""
    refs: dict[str, str] = {}
    for item in items:
        address, live_id = item.get("address"), item.get("live_id")
        if not address or not live_id or item.get("status") not in ("managed", "changed"):
            continue
        if item.get("kind") == "dns_zone":
            refs[str(live_id)] = str(address)
        if item.get("kind") == "security_group_rule" and ".aws_security_group." in f".{address}":
            refs[str(live_id)] = re.sub(r"\[[^\]]*\]$", "", str(address))
            refs[f"inline:{live_id}"] = str(address)
    return refs


def adopt_unmanaged(doc: Mapping[str, Any], file: str, taken: set[str]) -> DriftFixes:
    """Resource bodies from the live values and `import {}` blocks for every unmanaged object."""
    items = [i for i in doc["drift"] if isinstance(i, Mapping)]
    refs = _references(items)
    out = DriftFixes()
    for item in items:
        if item.get("status") != "unmanaged":
            continue
        values = item.get("live_values") or {}
        writer = _WRITERS.get(str(item.get("kind")))
        what = f"{item.get('kind')} {item.get('identity')}"
        if writer is None:
            out.notes.append(f"{what}: no resource is written for this kind; declare it by hand")
            continue
        if not _known(values):
            out.notes.append(f"{what}: some live values are unknown; declare it by hand")
            continue
        written = writer(item, values, refs)
        if isinstance(written, str):
            out.notes.append(f"{what}: {written}")
            continue
        rtype, body, ident = written
        label = _label(str(item.get("kind")), str(item.get("identity", "")), taken)
        fix = Fix(
            rule_id="drift",
            title=f"Adopt the unmanaged {item.get('kind')} {item.get('identity')} into Terraform",
            applicability=SAFE,
            subject=str(item.get("live_uri") or item.get("live_id")),
            fingerprint=str(item.get("fingerprint", "")),
            new_blocks=(NewBlock(file, _render(rtype, label, body)),),
            imports=(Import(f"{rtype}.{label}", ident),),
            notes=(_REVIEW,),
        )
        out.fixes.append(fix)
    return out


def corrections_wanted(doc: Mapping[str, Any]) -> tuple[set[tuple[str, str]], list[str]]:
    """(rule, address) pairs whose declaration should take the stronger live value, and notes for the
    drift that `terraform apply` resolves."""
    wanted: set[tuple[str, str]] = set()
    notes: list[str] = []
    for item in doc["drift"]:
        if not isinstance(item, Mapping):
            continue
        address, what = item.get("address"), f"{item.get('kind')} {item.get('identity')}"
        if item.get("status") == "changed" and item.get("strengthens"):
            wanted |= {(str(rule), str(address)) for rule in item["strengthens"]}
        elif item.get("status") == "changed" and item.get("weakens"):
            notes.append(f"{what}: the code is the stronger side; `terraform apply` restores {address}")
        elif item.get("status") == "changed":
            notes.append(f"{what}: live differs from {address}; `terraform apply` or update the code")
        elif item.get("status") == "missing":
            notes.append(f"{what}: {address} is declared but not live; `terraform apply` creates it")
    return wanted, notes
