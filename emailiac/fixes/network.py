"""Fixes for world-open firewall rules: admin ports narrowed to `var.admin_cidrs` (declared with the
baseline's ranges as its default), plaintext mail retrieval moved to the TLS ports, rules that open other
ports to the world removed, over-broad private ranges narrowed (as a suggestion).

A rule written once but expanded several times (a dynamic block, `for_each`) is left alone: editing the
shared text would change every rule it makes, including the ones that are right.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emailiac.fixes.attributes import nested_body
from emailiac.fixes.blocks import (
    add_attribute,
    find_nested,
    line_end,
    remove_attribute,
    remove_block,
    replace_attribute,
)
from emailiac.fixes.context import FixContext
from emailiac.fixes.declare import variable
from emailiac.fixes.hcl_emit import hcl_value
from emailiac.fixes.model import DISPLAY_ONLY, Edit, Fix
from emailiac.fixes.tree import ModuleDir
from emailiac.fixes.values import Changes, Site, set_value
from emailiac.result import Finding
from emailiac.rules.ports import is_world
from emailiac.sources.terraform.ast import Block, Lit, Template, TupleExpr
from emailiac.sources.terraform.resource import Body, TfResource

__all__ = ["close_world", "narrow_admin", "narrow_private", "tls_ports"]

ADMIN_CIDRS = "var.admin_cidrs"
_AWS_SHAPED = ("aws_security_group", "aws_security_group_rule")
_VPC_RULES = ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
_AZURE = ("azurerm_network_security_group", "azurerm_network_security_rule")
_STANDALONE = (
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "azurerm_network_security_rule",
)


@dataclass
class RuleSite:
    res: TfResource
    module: ModuleDir
    block: Block  # the rule's own block (a nested ingress/security_rule block, or the resource)
    body: Body
    source: str
    expanded: bool  # the resource has count/for_each: its text makes several rules
    dropped: list[str] = field(default_factory=list)  # references to world ranges the fix takes out


def _rule_site(ctx: FixContext, finding: Finding) -> RuleSite | None:
    res = ctx.resource(finding.evaluation.subject.address)
    module = ctx.module_of(res) if res is not None else None
    block = ctx.block_of(res) if res is not None else None
    source = ctx.tree.read(res.file) if res is not None else None
    if res is None or module is None or block is None or source is None:
        return None
    key = str(finding.evaluation.data.get("rule_key") or "")
    body = res.body
    if key:
        nested = nested_body(res, key)
        inner = find_nested(block, nested.span.start) if nested is not None and nested.span is not None else None
        if nested is None or inner is None or inner.type == "content":
            return None
        block, body = inner, nested
    return RuleSite(res, module, block, body, source, res.key is not None)


def _admin_variable(ctx: FixContext, module: ModuleDir) -> list[Any]:
    return variable(
        ctx,
        module,
        "admin_cidrs",
        "list(string)",
        "CIDR ranges administrators connect from (bastion, VPN); admin ports are open to these only.",
        list(ctx.baseline.network.admin_cidrs),
    )


def _narrowed_list(site: RuleSite, name: str, values: Any, *, keep_admin: bool) -> list[Edit] | None:
    """Edits of list attribute `name` without its world entries (plus var.admin_cidrs when `keep_admin`)."""
    attr = site.block.body.attribute(name)
    if attr is None or not isinstance(values, list) or not any(isinstance(v, str) and is_world(v) for v in values):
        return []
    expr = attr.expr
    if isinstance(expr, TupleExpr) and len(expr.items) == len(values):
        kept = [
            site.source[item.pos.start : item.pos.end]
            for item, value in zip(expr.items, values, strict=True)
            if not (isinstance(value, str) and is_world(value))
        ]
        site.dropped.extend(
            site.source[item.pos.start : item.pos.end]
            for item, value in zip(expr.items, values, strict=True)
            if isinstance(value, str) and is_world(value) and not isinstance(item, (Lit, Template))
        )
    elif all(isinstance(v, str) and is_world(v) for v in values):
        kept = []
    else:
        return None
    if not kept and not keep_admin:
        return [remove_attribute(site.res.file, site.source, attr)]
    if not kept:
        text = ADMIN_CIDRS
    elif keep_admin:
        text = f"concat([{', '.join(kept)}], {ADMIN_CIDRS})"
    else:
        text = f"[{', '.join(kept)}]"
    return [Edit(site.res.file, expr.pos.start, expr.pos.end, text)]


def _narrow_aws(site: RuleSite) -> list[Edit] | None:
    v4 = site.body.get("cidr_blocks")
    v6 = site.body.get("ipv6_cidr_blocks")
    edits: list[Edit] = []
    v4_attr, v6_attr = site.block.body.attribute("cidr_blocks"), site.block.body.attribute("ipv6_cidr_blocks")
    if v4_attr is not None:
        found = _narrowed_list(site, "cidr_blocks", v4, keep_admin=True)
        if found is None:
            return None
        edits += found
    found = _narrowed_list(site, "ipv6_cidr_blocks", v6, keep_admin=False)
    if found is None:
        return None
    if v4_attr is None and found and v6_attr is not None and found[0].replacement == "":
        # IPv6 only, and all of it the world: the admin ranges take its place.
        return [replace_attribute(site.res.file, v6_attr, f"cidr_blocks = {ADMIN_CIDRS}")]
    edits += found
    if v4_attr is None and found:
        edits.append(add_attribute(site.res.file, site.source, site.block, f"cidr_blocks = {ADMIN_CIDRS}"))
    return edits


def _narrow_vpc_rule(site: RuleSite) -> list[Edit] | None:
    """A VPC rule holds one CIDR: it becomes one rule per admin range (for_each)."""
    block = site.block
    if block.body.attribute("count") is not None or block.body.attribute("for_each") is not None:
        return None
    edits: list[Edit] = []
    v4, v6 = block.body.attribute("cidr_ipv4"), block.body.attribute("cidr_ipv6")
    if v4 is not None:
        edits.append(Edit(site.res.file, v4.expr.pos.start, v4.expr.pos.end, "each.value"))
    if v6 is not None:
        if v4 is None:
            edits.append(replace_attribute(site.res.file, v6, "cidr_ipv4 = each.value"))
        else:
            edits.append(remove_attribute(site.res.file, site.source, v6))
    open_at = site.source.index("{", block.pos.start)
    at = line_end(site.source, open_at)
    edits.append(Edit(site.res.file, at, at, f"\n  for_each = toset({ADMIN_CIDRS})\n"))
    return edits


def _narrow_azure(site: RuleSite) -> list[Edit] | None:
    direction = str(site.body.get("direction") or "Inbound").lower()
    remote = "destination" if direction == "outbound" else "source"
    single = site.block.body.attribute(f"{remote}_address_prefix")
    edits: list[Edit] = []
    value = site.body.get(f"{remote}_address_prefix")
    if single is not None and isinstance(value, str) and is_world(value):
        if site.block.body.attribute(f"{remote}_address_prefixes") is None:
            edits.append(replace_attribute(site.res.file, single, f"{remote}_address_prefixes = {ADMIN_CIDRS}"))
        else:
            edits.append(remove_attribute(site.res.file, site.source, single))
    many = _narrowed_list(
        site, f"{remote}_address_prefixes", site.body.get(f"{remote}_address_prefixes"), keep_admin=True
    )
    if many is None:
        return None
    return edits + many


def _narrow_google(site: RuleSite) -> list[Edit] | None:
    if site.block.body.attribute("source_ranges") is None:
        return [add_attribute(site.res.file, site.source, site.block, f"source_ranges = {ADMIN_CIDRS}")]
    return _narrowed_list(site, "source_ranges", site.body.get("source_ranges"), keep_admin=True)


def narrow_admin(ctx: FixContext, finding: Finding) -> Fix | None:
    """NET001: the admin rule allows the admin ranges instead of the world."""
    site = _rule_site(ctx, finding)
    if site is None or site.expanded:
        return None
    rtype = site.res.type
    if rtype in _AWS_SHAPED:
        edits = _narrow_aws(site)
    elif rtype in _VPC_RULES:
        edits = _narrow_vpc_rule(site)
    elif rtype in _AZURE:
        edits = _narrow_azure(site)
    elif rtype == "google_compute_firewall":
        edits = _narrow_google(site)
    else:
        return None
    if not edits:
        return None
    notes = []
    applicability = None
    if not ctx.baseline.network.admin_cidrs:
        notes.append("the baseline lists no admin ranges: set var.admin_cidrs to the bastion or VPN ranges")
    if rtype == "google_compute_firewall":
        notes.append("source_ranges applies to every allow block of the firewall")
        if not ctx.baseline.network.admin_cidrs:
            # An empty source_ranges is 0.0.0.0/0 to GCP: without admin ranges the fix would change nothing.
            applicability = DISPLAY_ONLY
    for ref in dict.fromkeys(site.dropped):
        notes.append(f"the rule no longer uses {ref}, which stood for the whole Internet")
    return ctx.fix(
        finding, edits=edits, new_blocks=_admin_variable(ctx, site.module), notes=notes, applicability=applicability
    )


_PORT_ATTRS = ("from_port", "to_port")


def _swap_port_items(site: RuleSite, name: str, swaps: dict[int, int]) -> list[Edit] | None:
    attr = site.block.body.attribute(name)
    if attr is None:
        return []
    expr = attr.expr
    items = expr.items if isinstance(expr, TupleExpr) else (expr,)
    edits = []
    for item in items:
        if isinstance(item, Lit) and str(item.value).strip().isdigit() and int(str(item.value)) in swaps:
            new = swaps[int(str(item.value))]
            edits.append(
                Edit(
                    site.res.file,
                    item.pos.start,
                    item.pos.end,
                    hcl_value(str(new) if isinstance(item.value, str) else new),
                )
            )
    return edits


def tls_ports(ctx: FixContext, finding: Finding) -> Fix | None:
    """NET002: 143 -> 993 and 110 -> 995 where the rule names exactly those ports."""
    site = _rule_site(ctx, finding)
    swaps = {int(k): int(v) for k, v in (finding.evaluation.data.get("replacement_ports") or {}).items()}
    if site is None or site.expanded or not swaps:
        return None
    rtype = site.res.type
    changes = Changes()
    if rtype in _AWS_SHAPED or rtype in _VPC_RULES:
        low, high = site.body.get("from_port"), site.body.get("to_port")
        if not (isinstance(low, int) and low == high and low in swaps):
            return ctx.fix(
                finding, notes=["the rule opens a port range: narrow it to 993/995"], applicability=DISPLAY_ONLY
            )
        for name in _PORT_ATTRS:
            attr = site.block.body.attribute(name)
            if attr is None:
                return None
            changes.extend(set_value(ctx.tree, Site(site.res.file, attr.expr, site.module, name), swaps[low]))
    elif rtype in _AZURE:
        for name in ("destination_port_range", "destination_port_ranges"):
            found = _swap_port_items(site, name, swaps)
            if found is None:
                return None
            changes.edits.extend(found)
    elif rtype == "google_compute_firewall":
        for allow in (b for b in site.block.body.blocks if b.type == "allow"):
            inner = RuleSite(site.res, site.module, allow, site.body, site.source, site.expanded)
            found = _swap_port_items(inner, "ports", swaps)
            changes.edits.extend(found or [])
    if not changes.edits:
        return None
    return ctx.fix(finding, changes)


def close_world(ctx: FixContext, finding: Finding) -> Fix | None:
    """NET003: remove the rule; whoever needs those ports gets a rule with their own sources."""
    site = _rule_site(ctx, finding)
    if site is None or site.expanded or site.res.type == "google_compute_firewall":
        return None
    if site.block.type == "resource" and site.res.type not in _STANDALONE:
        return None
    ranges = finding.evaluation.data.get("port_ranges") or []
    shown = ", ".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)
    note = f"the rule opened {shown} to the world and is removed; add back rules for the sources that need them"
    return ctx.fix(finding, edits=[remove_block(site.res.file, site.source, site.block)], notes=[note])


def _narrowed_network(text: str, prefix: int) -> str | None:
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if network.prefixlen >= prefix:
        return None
    return str(next(network.subnets(new_prefix=prefix)))


def narrow_private(ctx: FixContext, finding: Finding) -> Fix | None:
    """NET005 (a suggestion): each broad private range narrowed to its first /max_prefix subnet."""
    site = _rule_site(ctx, finding)
    data = finding.evaluation.data
    broad = {str(s) for s in data.get("broad_sources") or []}
    limit = int(data.get("max_prefix") or ctx.baseline.network.max_private_prefix)
    if site is None or site.expanded:
        return None
    edits: list[Edit] = []
    for attr in site.block.body.attributes:
        items: Sequence[Any] = attr.expr.items if isinstance(attr.expr, TupleExpr) else (attr.expr,)
        for item in items:
            if isinstance(item, Lit) and isinstance(item.value, str) and item.value in broad:
                narrowed = _narrowed_network(item.value, limit)
                if narrowed is not None:
                    edits.append(Edit(site.res.file, item.pos.start, item.pos.end, hcl_value(narrowed)))
    note = f"replace {', '.join(sorted(broad))} with the subnets that need these ports (/{limit} or smaller)"
    return ctx.fix(finding, edits=edits, notes=[note], applicability=DISPLAY_ONLY)
