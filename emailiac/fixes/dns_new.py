"""Fixes that publish missing DNS records (SPF, DMARC, MTA-STS, TLS-RPT, Easy DKIM CNAMEs) with the zone's
own provider, written the way the configuration already writes its records.

The style comes from the records beside the new one: how they name the zone (`zone_id =
aws_route53_zone.main.zone_id`, or `var.zone_id` inside a module), whether their names are relative,
built from a reference to the domain (`"_dmarc.${local.domain}"`) or written in full, and their TTL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from emailiac.fixes.context import FixContext
from emailiac.fixes.hcl_emit import hcl_string
from emailiac.fixes.model import DISPLAY_ONLY, Fix, NewBlock
from emailiac.fixes.render import Expr, render
from emailiac.fixes.tree import ModuleDir, expr_text
from emailiac.fixes.txt_sets import add_to_txt_set, txt_spelling
from emailiac.fixes.values import Changes, Site, set_value
from emailiac.model import DnsRecord, DnsZone
from emailiac.result import Finding
from emailiac.rules.maildomains import owner_domain
from emailiac.sources.terraform.ast import Expr as Ast
from emailiac.sources.terraform.ast import GetAttr, Index, Lit, Name, Template
from emailiac.sources.terraform.resource import TfResource

__all__ = ["ZoneStyle", "plan_dkim_cnames", "plan_record", "record_block", "zone_style"]

_ZONE_ATTRS = {
    "route53": ("zone_id",),
    "azure": ("zone_name", "resource_group_name"),
    "cloudflare": ("zone_id",),
    "google": ("managed_zone",),
}
_OWN_ZONE_ATTRS = {
    "route53": {"zone_id": "zone_id"},
    "azure": {"zone_name": "name", "resource_group_name": "resource_group_name"},
    "cloudflare": {"zone_id": "id"},
    "google": {"managed_zone": "name"},
}
_RECORD_TYPES = {
    "route53": ("aws_route53_record",),
    "azure": ("azurerm_dns_txt_record", "azurerm_dns_mx_record", "azurerm_dns_cname_record"),
    "cloudflare": ("cloudflare_record", "cloudflare_dns_record"),
    "google": ("google_dns_record_set",),
}
_BASE_NAMES = {"_dmarc": "dmarc", "_mta-sts": "mta_sts", "_smtp._tls": "tls_rpt"}
_EASY_DKIM_TOKENS = 3


@dataclass
class ZoneStyle:
    """How records of one zone are written in one module."""

    provider: str
    zone_name: str
    module: ModuleDir
    attrs: dict[str, str]  # zone attributes -> expression text
    apex_refs: dict[str, str] = field(default_factory=dict)  # domain -> expression text that evaluates to it
    relative: bool = False
    ttl: int | None = 3600
    cloudflare_type: str = "cloudflare_record"


def _is_reference(expr: Ast) -> bool:
    return isinstance(expr, (Name, GetAttr, Index)) and not isinstance(expr, Lit)


def _name_ref(ctx: FixContext, res: TfResource, fqdn: str) -> tuple[str, str] | None:
    """(expression text, domain it evaluates to) when the record's name is built from a reference."""
    block = ctx.block_of(res)
    attr = block.body.attribute("name") if block is not None else None
    if attr is None:
        return None
    expr = attr.expr
    if _is_reference(expr):
        return expr_text(ctx.tree, res.file, expr), fqdn
    if isinstance(expr, Template) and len(expr.parts) in (1, 2):
        *prefix, last = expr.parts
        if isinstance(last, str) or not _is_reference(last):
            return None
        head = prefix[0] if prefix else ""
        if not isinstance(head, str) or not fqdn.startswith(head.lower()):
            return None
        source = ctx.tree.read(res.file) or ""
        return source[last.pos.start : last.pos.end], fqdn[len(head) :]
    return None


def zone_style(ctx: FixContext, zone: DnsZone, module: ModuleDir | None = None) -> ZoneStyle | None:
    """The style of `zone`'s records in `module` (default: the zone's own module); None when the module
    has no way to name the zone. Worked out once per zone and module (it reads every record of the zone)."""
    key = ("zone_style", id(zone), id(module))
    if key not in ctx.memo:
        ctx.memo[key] = _zone_style(ctx, zone, module)
    style = ctx.memo[key]
    return style if isinstance(style, ZoneStyle) else None


def _zone_style(ctx: FixContext, zone: DnsZone, module: ModuleDir | None) -> ZoneStyle | None:
    zone_res = ctx.resource(zone.prov.address)
    if zone_res is None or not isinstance(zone.name, str) or zone.provider not in _ZONE_ATTRS:
        return None
    own = ctx.module_of(zone_res)
    module = module or own
    if module is None:
        return None
    records = [
        (r, ctx.resource(r.prov.address))
        for r in ctx.inventory.of(DnsRecord)
        if r.zone == zone.key and r.prov.source == "terraform"
    ]
    mine = [(fact, res) for fact, res in records if res is not None and ctx.module_of(res) is module]
    attrs: dict[str, str] = {}
    for _fact, res in mine:
        assert res is not None
        block = ctx.block_of(res)
        found = {
            a: expr_text(ctx.tree, res.file, block.body.attribute(a).expr)  # type: ignore[union-attr]
            for a in _ZONE_ATTRS[zone.provider]
            if block is not None and block.body.attribute(a) is not None
        }
        if len(found) == len(_ZONE_ATTRS[zone.provider]):
            attrs = found
            break
    if not attrs:
        if own is not module:
            return None
        rel = ctx.relative_address(zone_res)
        attrs = {a: f"{rel}.{src}" for a, src in _OWN_ZONE_ATTRS[zone.provider].items()}
    style = ZoneStyle(zone.provider, zone.name, module, attrs)
    ttls: Counter[int] = Counter()
    for fact, res in mine:
        assert res is not None
        if isinstance(fact.ttl, int):
            ttls[fact.ttl] += 1
        if res.type in _RECORD_TYPES["cloudflare"]:
            style.cloudflare_type = res.type
        if isinstance(fact.name, str):
            ref = _name_ref(ctx, res, fact.name)
            if ref is not None:
                style.apex_refs.setdefault(ref[1].rstrip("."), ref[0])
        block = ctx.block_of(res)
        name_attr = block.body.attribute("name") if block is not None else None
        if name_attr is not None and isinstance(name_attr.expr, Lit) and isinstance(name_attr.expr.value, str):
            written = name_attr.expr.value.lower().rstrip(".")
            if written == "@" or not (written == zone.name or written.endswith("." + zone.name)):
                style.relative = True
    if ctx.is_shared(module) and own is module:
        # One text for every instance: the zone's own name reference stands for each instance's domain.
        zone_block = ctx.block_of(zone_res)
        zone_name = zone_block.body.attribute("name") if zone_block is not None else None
        if zone_name is not None and _is_reference(zone_name.expr):
            style.apex_refs.setdefault(zone.name, expr_text(ctx.tree, zone_res.file, zone_name.expr))
    if ttls:
        style.ttl = ttls.most_common(1)[0][0]
    if zone.provider == "cloudflare":
        if not mine:
            v5 = zone_res.body.has("account") or not zone_res.body.has("zone")
            style.cloudflare_type = "cloudflare_dns_record" if v5 else "cloudflare_record"
        if not ttls:
            style.ttl = 1 if style.cloudflare_type == "cloudflare_dns_record" else None
    if zone.provider == "azure":
        style.relative = True
    return style


def record_name(style: ZoneStyle, fqdn: str) -> Any:
    """The name of a new record at `fqdn`, written like its neighbours' names."""
    for domain, ref in sorted(style.apex_refs.items(), key=lambda p: -len(p[0])):
        if fqdn == domain:
            return Expr(ref)
        if fqdn.endswith("." + domain):
            prefix = hcl_string(fqdn[: -len(domain) - 1] + ".")[1:-1]
            return Expr(f'"{prefix}${{{ref}}}"')
    if style.provider == "google":
        return fqdn + "."
    if style.relative or style.provider == "azure":
        if fqdn == style.zone_name:
            # "@" is the apex only where the provider says so; Route 53 reads it as a label.
            return "@" if style.provider in ("azure", "cloudflare") else fqdn
        if fqdn.endswith("." + style.zone_name):
            return fqdn[: -len(style.zone_name) - 1]
    return fqdn


def record_block(
    ctx: FixContext,
    style: ZoneStyle,
    base: str,
    rtype: str,
    fqdn: str,
    values: list[Any],
    *,
    name: Any = None,
    count: int | None = None,
    labels: list[str] | None = None,
) -> NewBlock:
    """A new record resource for the style's provider. TXT `values` are record texts; MX values are
    `(preference, host)` pairs; CNAME values are host names. A host may be an `Expr` holding a quoted
    template (`"feedback-smtp.${data.aws_region.current.name}.amazonses.com"`). `labels` are the resource
    names to try first (default: `base`, with the record's subdomain when it is not the zone's apex)."""
    owner = owner_domain(fqdn)
    within = owner[: -len(style.zone_name) - 1] if owner.endswith("." + style.zone_name) else owner
    names = labels or ([base] if owner == style.zone_name else [f"{base}_{within}"])
    names.append(f"{base}_{fqdn}")
    written_name = name if name is not None else record_name(style, fqdn)
    attrs = {k: Expr(v) for k, v in style.attrs.items()}
    provider = style.provider
    if rtype == "TXT":
        values = [v if isinstance(v, Expr) else txt_spelling(provider, v) for v in values]
    if provider == "route53":
        label = ctx.unique_name(style.module, "aws_route53_record", names)
        if rtype == "MX":
            values = [Expr(f'"{p} {h[1:]}') if isinstance(h, Expr) else f"{p} {h}" for p, h in values]
        text = render(
            "route53_record.tf.j2",
            name=label,
            count=count,
            record_name=written_name,
            type=rtype,
            ttl=style.ttl or 3600,
            values=values,
            **attrs,
        )
    elif provider == "azure":
        label = ctx.unique_name(style.module, f"azurerm_dns_{rtype.lower()}_record", names)
        if rtype == "MX":
            values = [{"preference": p, "exchange": h} for p, h in values]
        text = render(
            "azurerm_dns_record.tf.j2",
            name=label,
            count=count,
            record_name=written_name,
            type=rtype,
            ttl=style.ttl or 3600,
            values=values,
            **attrs,
        )
    elif provider == "cloudflare":
        label = ctx.unique_name(style.module, style.cloudflare_type, names)
        priority = None
        content = values[0]
        if rtype == "MX":
            priority, content = values[0]
        text = render(
            "cloudflare_record.tf.j2",
            resource_type=style.cloudflare_type,
            name=label,
            count=count,
            record_name=written_name,
            type=rtype,
            content=content,
            priority=priority,
            ttl=style.ttl,
            **attrs,
        )
    else:
        label = ctx.unique_name(style.module, "google_dns_record_set", names)
        if rtype == "MX":
            values = [Expr(f'"{p} {h[1:-1]}."') if isinstance(h, Expr) else f"{p} {h}." for p, h in values]
        elif rtype == "CNAME":
            values = [v if isinstance(v, Expr) else f"{v}." for v in values]
        text = render(
            "google_dns_record_set.tf.j2",
            name=label,
            count=count,
            record_name=written_name,
            type=rtype,
            ttl=style.ttl or 3600,
            values=values,
            **attrs,
        )
    return NewBlock(ctx.fixes_file(style.module), text, style.module.address)


def _zone(ctx: FixContext, address: Any) -> DnsZone | None:
    return ctx.fact_at(DnsZone, address) if isinstance(address, str) else None


def _base_name(name: str, zone: str, rtype: str) -> str:
    for prefix, base in _BASE_NAMES.items():
        if name.startswith(prefix + ".") or name == prefix:
            return base
    return "spf" if rtype == "TXT" else rtype.lower()


def _by_reference(style: ZoneStyle, value: str) -> str | Expr:
    """`value` with the zone's domain written as the reference that names it in the module, so that every
    instance of a shared module gets its own domain (`rua=mailto:dmarc-reports@${var.domain}`)."""
    ref = style.apex_refs.get(style.zone_name)
    if ref is None or style.zone_name not in value:
        return value
    domain = hcl_string(style.zone_name)[1:-1]
    return Expr(hcl_string(value).replace(domain, f"${{{ref}}}"))


def plan_record(ctx: FixContext, finding: Finding) -> Fix | None:
    """SPF001, DMARC001, MTASTS001, TLSRPT001: a TXT record with the value the rule proposes, added to the TXT
    record set already declared at its name when there is one (txt_sets.py)."""
    data = finding.evaluation.data
    zone = _zone(ctx, data.get("zone"))
    name, value, rtype = data.get("name"), data.get("value"), data.get("type", "TXT")
    if zone is None or not isinstance(name, str) or not isinstance(value, str):
        return None
    style = zone_style(ctx, zone)
    if style is None:
        return None
    written = _by_reference(style, value) if ctx.is_shared(style.module) else value
    notes = []
    policy = data.get("policy")
    if isinstance(policy, str):
        domain = name.removeprefix("_mta-sts.")
        notes.append(
            f"serve this policy at https://mta-sts.{domain}/.well-known/mta-sts.txt before senders rely on the "
            "record:\n" + policy.rstrip("\n")
        )
    if rtype == "TXT":
        as_expr = written if isinstance(written, Expr) else None
        addition = add_to_txt_set(ctx, zone, name, value, written=as_expr, module=style.module)
        if addition is not None and not addition.edits:
            return ctx.fix(finding, notes=[addition.why, *notes], applicability=DISPLAY_ONLY)
        if addition is not None:
            return ctx.fix(finding, edits=addition.edits, notes=notes)
    block = record_block(ctx, style, _base_name(name, style.zone_name, rtype), rtype, name, [written])
    return ctx.fix(finding, new_blocks=[block], notes=notes)


# ---------------------------------------------------------------- Easy DKIM CNAMEs


def _token_records(ctx: FixContext, dkim: TfResource) -> list[TfResource]:
    """Record resources of the module whose names are built from this DKIM resource's tokens."""
    rel = ctx.relative_address(dkim)
    out = []
    for res in ctx.same_module(dkim):
        block = ctx.block_of(res) if res.type in sum(_RECORD_TYPES.values(), ()) else None
        name = block.body.attribute("name") if block is not None else None
        if name is not None and f"{rel}.dkim_tokens" in expr_text(ctx.tree, res.file, name.expr):
            out.append(res)
    return out


def dkim_cname_blocks(
    ctx: FixContext, dkim: TfResource, zone: DnsZone, domain: str
) -> tuple[list[NewBlock], list[str]]:
    """Three CNAMEs `<token>._domainkey.<domain>` -> `<token>.dkim.amazonses.com`, written in the DKIM
    resource's module (the tokens are known only there)."""
    module = ctx.module_of(dkim)
    style = zone_style(ctx, zone, module) if module is not None else None
    if style is None:
        return [], [
            f"publish the {_EASY_DKIM_TOKENS} Easy DKIM CNAMEs of {domain} in zone {zone.prov.address}: the module "
            f"of {dkim.address} has no reference to that zone"
        ]
    rel = ctx.relative_address(dkim)
    token = f"{rel}.dkim_tokens[count.index]"
    target = Expr(f'"${{{token}}}.dkim.amazonses.com"')
    suffix = f"._domainkey.{domain}"
    name = record_name(style, f"x{suffix}")
    if isinstance(name, Expr) and name.startswith('"x.'):
        written = Expr(f'"${{{token}}}.{name[3:]}')
    else:
        text = name if isinstance(name, str) else suffix
        written = Expr(f'"${{{token}}}{hcl_string(text[1:])[1:-1]}"')
    if style.provider == "google":
        target = Expr(f'"${{{token}}}.dkim.amazonses.com."')
    block = record_block(ctx, style, "dkim", "CNAME", f"dkim{suffix}", [target], name=written, count=_EASY_DKIM_TOKENS)
    return [block], []


def plan_dkim_cnames(ctx: FixContext, finding: Finding) -> Fix | None:
    """DKIM003: raise the count of the CNAME resource built from the tokens, or add one."""
    data = finding.evaluation.data
    dkim = ctx.resource(finding.evaluation.subject.address)
    zone = _zone(ctx, data.get("zone"))
    domain = data.get("domain")
    if dkim is None or not isinstance(domain, str):
        return None
    wanted = int(data.get("wanted", _EASY_DKIM_TOKENS))
    changes = Changes()
    for res in _token_records(ctx, dkim):
        block = ctx.block_of(res)
        module = ctx.module_of(res)
        count = block.body.attribute("count") if block is not None else None
        written = count.expr if count is not None else None
        if (
            isinstance(written, Lit)
            and module is not None
            and isinstance(written.value, int)
            and written.value < wanted
        ):
            changes.extend(set_value(ctx.tree, Site(res.file, written, module, "count"), wanted))
            return ctx.fix(finding, changes)
    if zone is None:
        return None
    blocks, notes = dkim_cname_blocks(ctx, dkim, zone, domain)
    return ctx.fix(finding, new_blocks=blocks, notes=notes) if blocks or notes else None
