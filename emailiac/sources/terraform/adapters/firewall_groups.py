"""The security group or NSG a standalone firewall rule belongs to, as facts name it (`FirewallRule.group`),
and whether that identity is known (`FirewallRule.group_unknown`; `rules/fw_groups.py` compares them).
"""

from __future__ import annotations

from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.adapters.coerce import as_str, ref_target
from emailiac.sources.terraform.resource import ResourceIndex, TfResource

__all__ = ["azure_nsg_group", "group_of"]


def group_of(value: Any, where: str) -> tuple[str, Unknown | None]:
    """The group a standalone rule belongs to, and the Unknown when its id or name is not known: a known
    value, or the resource a reference names (`aws_security_group.web`, one group however its id turns
    out), is the group's identity; anything else only names it (see `rules/fw_groups.py`)."""
    text = as_str(value, where)
    if text is None:
        return "", None
    if isinstance(text, str):
        return text, None
    target = ref_target(text) if text.pattern is None else None
    # Two data sources may find one group: only a managed resource is a group of its own.
    if target is not None and ".data." not in f".{target}":
        return target, None
    return _unknown_name(text), text


def _unknown_name(value: Unknown) -> str:
    """How messages name a group whose id or name is not known: `${var.prefix}-web-nsg`, `*-web-nsg`,
    `module.web_sg`; empty when nothing names it (its reason is shown instead, never as a name)."""
    if value.pattern is not None and value.refs and value.pattern.count("*") == len(value.refs):
        parts = value.pattern.split("*")
        return parts[0] + "".join(f"${{{ref}}}{part}" for ref, part in zip(value.refs, parts[1:], strict=True))
    if value.pattern is not None and value.pattern.strip("*"):
        return value.pattern
    return ", ".join(value.refs)


def azure_nsg_group(res: TfResource, index: ResourceIndex) -> tuple[str, Unknown | None]:
    """An `azurerm_network_security_rule`'s NSG: names are unique only within a resource group, so the
    identity is both (`mail in resource group east`), or the NSG declared here under them, whose inline
    rules are then of the same group. A name or resource group that is not known leaves the identity
    unknown, with what is known of both as its pattern."""
    name = res.body.get("network_security_group_name")
    name_text = as_str(name, "network_security_group_name")
    if isinstance(name_text, Unknown):
        group, unknown = group_of(name, "network_security_group_name")
        if unknown is None:
            return group, None  # the name of an NSG declared here, computed: that NSG
    rg = as_str(res.body.get("resource_group_name"), "resource_group_name")
    if name_text is None or rg is None:
        # The provider requires both; without one the rule is named by what it has.
        return (name_text, None) if isinstance(name_text, str) else group_of(name, "network_security_group_name")
    if isinstance(name_text, str) and isinstance(rg, str):
        declared = index.memo("azurerm_network_security_group by name", _declared_nsgs)
        return declared.get((rg.lower(), name_text.lower()), f"{name_text} in resource group {rg}"), None
    missing = next(v for v in (name_text, rg) if isinstance(v, Unknown))
    named = f"{_shown(name_text)} in resource group {_shown(rg)}"
    pattern = f"{_pattern(name_text)} in resource group {_pattern(rg)}"
    return named, Unknown(missing.reason, missing.refs, pattern)


def _shown(value: str | Unknown) -> str:
    return value if isinstance(value, str) else _unknown_name(value) or "(not known)"


def _pattern(value: str | Unknown) -> str:
    return value if isinstance(value, str) else value.pattern or "*"


def _declared_nsgs(index: ResourceIndex) -> dict[tuple[str, str], str]:
    """Declared NSGs by (resource group, name), compared case-insensitively as Azure does."""
    out: dict[tuple[str, str], str] = {}
    for res in index.of_type("azurerm_network_security_group"):
        name = as_str(res.body.get("name"), "name")
        rg = as_str(res.body.get("resource_group_name"), "resource_group_name")
        if isinstance(name, str) and isinstance(rg, str):
            out.setdefault((rg.lower(), name.lower()), res.address)
    return out
