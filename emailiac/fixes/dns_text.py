"""Fixes that rewrite the text of published DNS records in place: the SPF `all` qualifier, DMARC tags, SPF
records merged into one, TXT values split into 255-byte strings.

A record value is found where it is written: an item of `records` (Route 53) or `rrdatas` (Cloud DNS), the
`content` of a Cloudflare record, the `value` of an Azure `record` block; through a variable or local when
the item names one. Only the words that change are edited, inside the string, so interpolations, escapes and
the rest of the record stay as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emailiac.fixes.blocks import remove_block, remove_item
from emailiac.fixes.context import FixContext
from emailiac.fixes.hcl_emit import hcl_string
from emailiac.fixes.model import Edit, Fix
from emailiac.fixes.strings import string_edits
from emailiac.fixes.txt_sets import RESOURCE_SPELLING, txt_spelling
from emailiac.fixes.values import Site, definition, reference_of
from emailiac.mailauth import is_spf
from emailiac.model import DnsRecord
from emailiac.result import Finding
from emailiac.sources.terraform.ast import TupleExpr
from emailiac.sources.terraform.resource import TfResource

__all__ = ["ValueSite", "edit_value", "joined", "plan_merge", "plan_rewrite", "plan_split", "value_sites"]

_LIST_ATTRS = {"aws_route53_record": "records", "google_dns_record_set": "rrdatas"}
_CLOUDFLARE = ("cloudflare_record", "cloudflare_dns_record")


@dataclass(frozen=True)
class ValueSite:
    """Where one value of a record is written, and what the provider was given there (before it split the
    text into character-strings)."""

    site: Site
    raw: Any  # the evaluated string, or an Unknown
    index: int
    tuple_site: Site | None = None  # the list literal holding the value, when it is one


def _follow(ctx: FixContext, site: Site) -> tuple[Site, list[str]]:
    """The site that writes the value: through variables and locals used only here."""
    notes: list[str] = []
    for _ in range(8):
        ref = reference_of(site.expr)
        if ref is None:
            break
        written = f"{ref[0]}.{ref[1]}"
        if ctx.tree.uses(site.module, written) > 1:
            notes.append(f"{written} is used elsewhere too, so the value is replaced where it is used")
            break
        target, why = definition(ctx.tree, site)
        if target is None:
            notes.append(f"{why}; the value is replaced where it is used")
            break
        site = target
    return site, notes


def value_sites(ctx: FixContext, res: TfResource) -> list[ValueSite]:
    module = ctx.module_of(res)
    block = ctx.block_of(res)
    if module is None or block is None:
        return []
    out: list[ValueSite] = []
    if res.type in _LIST_ATTRS:
        name = _LIST_ATTRS[res.type]
        attr = block.body.attribute(name)
        raw = res.body.get(name)
        if attr is None or not isinstance(raw, list):
            return []
        site, _ = _follow(ctx, Site(res.file, attr.expr, module, name))
        if not isinstance(site.expr, TupleExpr) or len(site.expr.items) != len(raw):
            return []
        for i, item in enumerate(site.expr.items):
            out.append(ValueSite(Site(site.file, item, site.module, name), raw[i], i, site))
    elif res.type in _CLOUDFLARE:
        name = "content" if block.body.attribute("content") is not None else "value"
        attr = block.body.attribute(name)
        if attr is not None:
            out.append(ValueSite(Site(res.file, attr.expr, module, name), res.body.get(name), 0))
    elif res.type == "azurerm_dns_txt_record":
        records = [b for b in block.body.blocks if b.type == "record"]
        evaluated = res.body.blocks.get("record", [])
        if len(records) != len(evaluated):
            return []
        for i, (written, body) in enumerate(zip(records, evaluated, strict=True)):
            attr = written.body.attribute("value")
            if attr is not None:
                out.append(ValueSite(Site(res.file, attr.expr, module, "value"), body.get("value"), i))
    return out


def edit_value(ctx: FixContext, res: TfResource, value: ValueSite, old: str, new: str) -> tuple[list[Edit], list[str]]:
    site, notes = _follow(ctx, value.site)
    source = ctx.tree.read(site.file)
    if source is None:
        return [], notes
    edits = string_edits(site.file, source, site.expr, old, new)
    if edits is not None:
        return edits, notes
    if ctx.reveals_secret(new):
        return [], [*notes, "the record is built from a sensitive variable; edit it by hand"]
    # Built by an expression whose parts do not line up with the change: write the whole value.
    written = txt_spelling(RESOURCE_SPELLING.get(res.type, ""), new)
    text = source[site.expr.pos.start : site.expr.pos.end]
    notes.append(f"the value was written as {text}; it is replaced by its text")
    return [Edit(site.file, site.expr.pos.start, site.expr.pos.end, hcl_string(written))], notes


def joined(rtype: str, raw: Any) -> str | None:
    """The record text a raw value stands for (the strings the provider makes of it, joined)."""
    from emailiac.sources.terraform.adapters.dns_values import (
        azure_strings,
        cloudflare_strings,
        google_strings,
        route53_strings,
    )

    if not isinstance(raw, str):
        return None
    parse = {
        "aws_route53_record": route53_strings,
        "google_dns_record_set": google_strings,
        "azurerm_dns_txt_record": azure_strings,
    }.get(rtype, cloudflare_strings)
    return "".join(parse(raw))


def _site_of_text(ctx: FixContext, res: TfResource, text: str) -> ValueSite | None:
    matches = [v for v in value_sites(ctx, res) if joined(res.type, v.raw) == text]
    return matches[0] if matches else None


def plan_rewrite(ctx: FixContext, finding: Finding) -> Fix | None:
    """SPF002, DMARC002-004: the rule says what the record should read (`replacement`)."""
    data = finding.evaluation.data
    old, new = data.get("record"), data.get("replacement")
    res = ctx.resource(finding.evaluation.subject.address)
    if res is None or not isinstance(old, str) or not isinstance(new, str):
        return None
    if ctx.reveals_secret(old) or ctx.reveals_secret(new):
        return ctx.fix(finding)  # advice: a sensitive value is never written
    value = _site_of_text(ctx, res, old)
    if value is None:
        return None
    edits, notes = edit_value(ctx, res, value, old, new)
    return ctx.fix(finding, edits=edits, notes=notes) if edits else None


def _spf_holders(ctx: FixContext, name: str) -> list[tuple[TfResource, list[ValueSite]]]:
    out: list[tuple[TfResource, list[ValueSite]]] = []
    for record in ctx.inventory.of(DnsRecord):
        if record.name != name or record.type != "TXT":
            continue
        res = ctx.resource(record.prov.address)
        if res is None:
            continue
        sites = [v for v in value_sites(ctx, res) if (text := joined(res.type, v.raw)) and is_spf(text)]
        if sites:
            out.append((res, sites))
    return sorted(out, key=lambda p: (p[0].file, p[0].line or 0))


def plan_merge(ctx: FixContext, finding: Finding) -> Fix | None:
    """SPF003: the first SPF value becomes the merged record; the other values (or resources) go."""
    data = finding.evaluation.data
    merged = data.get("replacement")
    if not isinstance(merged, str):
        return None
    holders = _spf_holders(ctx, str(data.get("name")))
    if sum(len(sites) for _, sites in holders) < 2:
        return None
    (first_res, first_sites), *others = holders
    keep = first_sites[0]
    old = joined(first_res.type, keep.raw)
    assert old is not None
    edits, notes = edit_value(ctx, first_res, keep, old, merged)
    removals: list[tuple[TfResource, ValueSite]] = [(first_res, v) for v in first_sites[1:]]
    for res, sites in others:
        every = value_sites(ctx, res)
        if len(sites) == len(every):
            block = ctx.block_of(res)
            source = ctx.tree.read(res.file)
            if block is None or source is None:
                return None
            edits.append(remove_block(res.file, source, block))
            notes.append(f"{res.address} is removed: its SPF terms are in the merged record")
        else:
            removals.extend((res, v) for v in sites)
    for _, value in removals:
        holder = value.tuple_site
        source = ctx.tree.read(holder.file) if holder is not None else None
        if holder is None or source is None or not isinstance(holder.expr, TupleExpr):
            return None
        edits.append(remove_item(holder.file, source, holder.expr, value.index))
    return ctx.fix(finding, edits=edits, notes=notes)


def plan_split(ctx: FixContext, finding: Finding) -> Fix | None:
    """SPF006: write each overlong value as several character-strings, as the provider reads them."""
    res = ctx.resource(finding.evaluation.subject.address)
    if res is None:
        return None
    sites = {v.index: v for v in value_sites(ctx, res)}
    edits: list[Edit] = []
    notes: list[str] = []
    for split in finding.evaluation.data.get("splits", []):
        value = sites.get(int(split.get("index", -1)))
        replacement = split.get("replacement")
        if value is None or not isinstance(value.raw, str) or not isinstance(replacement, str):
            return None
        found, why = _edit_raw(ctx, value, replacement)
        edits.extend(found)
        notes.extend(why)
    return ctx.fix(finding, edits=edits, notes=notes) if edits else None


def _edit_raw(ctx: FixContext, value: ValueSite, replacement: str) -> tuple[list[Edit], list[str]]:
    site, notes = _follow(ctx, value.site)
    source = ctx.tree.read(site.file)
    if source is None:
        return [], notes
    edits = string_edits(site.file, source, site.expr, str(value.raw), replacement)
    if edits is None:
        edits = [Edit(site.file, site.expr.pos.start, site.expr.pos.end, hcl_string(replacement))]
    return edits, notes
