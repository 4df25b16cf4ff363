"""A new TXT value at a name whose TXT record set is already declared, for the providers that hold one record
set per name and type: Route 53 (a second `aws_route53_record` fails with InvalidChangeBatch "already exists";
`allow_overwrite` would wipe the values there), Cloud DNS (a second `google_dns_record_set` fails with 409
alreadyExists) and Azure DNS (a second `azurerm_dns_txt_record` fails as "already exists - to be managed via
Terraform this resource needs to be imported"). The value is added to the existing set instead, written as
its values are written: an item of its `records` / `rrdatas` list, or one more `record {}` block. When those
values are not written as a literal list (a variable, a `for` expression, a `dynamic` block), the fix is
advice saying so, never a second resource. Cloudflare keeps one resource per value: a new one is right there.
"""

from __future__ import annotations

from dataclasses import dataclass

from emailiac.fixes.blocks import line_end, line_start
from emailiac.fixes.context import FixContext
from emailiac.fixes.hcl_emit import hcl_string, indent_of
from emailiac.fixes.model import Edit
from emailiac.fixes.render import Expr
from emailiac.fixes.tree import ModuleDir, expr_text
from emailiac.mailauth import split_txt_value
from emailiac.model import DnsRecord, DnsZone
from emailiac.sources.terraform.ast import Block, TupleExpr
from emailiac.sources.terraform.resource import TfResource

__all__ = ["RESOURCE_SPELLING", "SetAddition", "add_to_txt_set", "txt_spelling"]

# Resource type -> where its values are written.
_ONE_SET_PER_NAME = {
    "aws_route53_record": "records",
    "google_dns_record_set": "rrdatas",
    "azurerm_dns_txt_record": "record",
}
_PROVIDER_NAMES = {
    "aws_route53_record": "Route 53",
    "google_dns_record_set": "Cloud DNS",
    "azurerm_dns_txt_record": "Azure DNS",
}
# Resource type -> the provider spelling of `txt_spelling`, which is also its `DnsZone.provider`.
RESOURCE_SPELLING = {
    "aws_route53_record": "route53",
    "google_dns_record_set": "google",
    "azurerm_dns_txt_record": "azure",
}


def txt_spelling(provider: str, text: str) -> str:
    """A TXT record text as the provider's resource takes it: Cloud DNS wants each character-string quoted,
    Route 53 separates them with `""`; both are split at 255 bytes."""
    parts = split_txt_value(text)
    if provider == "google":
        return " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts)
    if provider == "route53":
        return '""'.join(parts)
    return text


@dataclass(frozen=True)
class SetAddition:
    """How a value joins the TXT record set already declared at its name: `edits`, or (none) advice `why`."""

    holder: TfResource
    edits: tuple[Edit, ...] = ()
    why: str = ""


def _existing_set(ctx: FixContext, zone: DnsZone, fqdn: str) -> tuple[TfResource, bool] | None:
    """The resource declaring the TXT record set at `fqdn` in `zone`, for providers with one set per name, and
    whether it is known to be in `zone` (False: a set of the zone's provider whose zone is not known here)."""
    maybe: TfResource | None = None
    for record in ctx.inventory.of(DnsRecord):
        if record.type != "TXT" or record.name != fqdn or record.zone not in (zone.key, None):
            continue
        res = ctx.resource(record.prov.address)
        if res is None or RESOURCE_SPELLING.get(res.type) != zone.provider:
            continue
        if record.zone == zone.key:
            return res, True
        maybe = maybe or res
    return (maybe, False) if maybe is not None else None


def add_to_txt_set(
    ctx: FixContext,
    zone: DnsZone,
    fqdn: str,
    value: str,
    *,
    written: Expr | None = None,
    module: ModuleDir | None = None,
) -> SetAddition | None:
    """None when no TXT record set is declared at `fqdn` in `zone` (a new resource is right); else the edits
    that add the record text `value` to that set, or why they cannot. `written` is how `module` writes the
    value (a quoted template naming the domain through the module's own reference), used when the set is
    declared there."""
    found = _existing_set(ctx, zone, fqdn)
    if found is None:
        return None
    res, certain = found
    if written is None or ctx.module_of(res) is not module:
        written = None
    block = ctx.block_of(res)
    source = ctx.tree.read(res.file)
    where = _ONE_SET_PER_NAME[res.type]
    shown = hcl_string(value)
    one_set = (
        f"{res.address} already declares the TXT record set at {fqdn}, and {_PROVIDER_NAMES[res.type]} holds one "
        "record set per name and type (a second resource would fail to apply)"
    )
    if not certain:
        return SetAddition(
            res,
            why=(
                f"{res.address} declares a TXT record set at {fqdn} in a zone not known here: if that is "
                f"{zone.prov.address}, add {shown} to it ({_PROVIDER_NAMES[res.type]} holds one record set per name "
                "and type), else publish it in a new record"
            ),
        )
    if block is None or source is None:
        return SetAddition(res, why=f"{one_set}: add {shown} to it by hand")
    if res.key is not None and _varies_by_instance(ctx, res, block):
        return SetAddition(res, why=f"{one_set}, and its instances have different names: add {shown} by hand")
    if block.body.attribute("set_identifier") is not None:
        return SetAddition(res, why=f"{one_set}, with a routing policy: add {shown} to each of its sets by hand")
    text = written if written is not None else hcl_string(txt_spelling(RESOURCE_SPELLING[res.type], value))
    if res.type == "azurerm_dns_txt_record":
        edit = _after_last_record(res.file, source, block, text)
        if edit is None:
            return SetAddition(res, why=f"{one_set}; its values are not written as record blocks: add {shown} by hand")
        return SetAddition(res, (edit,))
    attr = block.body.attribute(where)
    if attr is None or not isinstance(attr.expr, TupleExpr):
        how = expr_text(ctx.tree, res.file, attr.expr) if attr is not None else "nothing"
        return SetAddition(res, why=f"{one_set}; its {where} are written as {how}: add {shown} to them by hand")
    return SetAddition(res, tuple(_append_item(res.file, source, attr.expr, text)))


def _varies_by_instance(ctx: FixContext, res: TfResource, block: Block) -> bool:
    """Whether the instances of a `count` / `for_each` resource may be at different names."""
    name = block.body.attribute("name")
    text = expr_text(ctx.tree, res.file, name.expr) if name is not None else ""
    return "count.index" in text or "each." in text


def _append_item(file: str, source: str, items: TupleExpr, written: str) -> list[Edit]:
    """Edits adding `written` as the last item of a list literal, laid out as the list is: on its line, or
    on a line of its own (with the list's trailing comma, when it has one)."""
    if not items.items:
        return [Edit(file, items.pos.start, items.pos.end, f"[{written}]")]
    last = items.items[-1]
    if "\n" not in source[last.pos.end : items.pos.end]:
        return [Edit(file, last.pos.end, last.pos.end, f", {written}")]
    indent = indent_of(source[line_start(source, last.pos.start) : last.pos.start])
    at = line_end(source, last.pos.end)
    if source[last.pos.end : at].lstrip().startswith(","):
        return [Edit(file, at, at, f"\n{indent}{written},")]
    return [Edit(file, last.pos.end, last.pos.end, ","), Edit(file, at, at, f"\n{indent}{written}")]


def _after_last_record(file: str, source: str, block: Block, written: str) -> Edit | None:
    """One more `record { value = ... }` after the last one, indented and spaced as the ones before it."""
    if any(b.type == "dynamic" and b.labels[:1] == ("record",) for b in block.body.blocks):
        return None
    records = [b for b in block.body.blocks if b.type == "record"]
    if not records:
        return None
    last = records[-1]
    start = line_start(source, last.pos.start)
    indent = indent_of(source[start : last.pos.start])
    gap = "\n" if start >= 2 and source[start - 2 : start] == "\n\n" else ""
    at = line_end(source, last.pos.end - 1)
    text = f"{indent}record {{\n{indent}  value = {written}\n{indent}}}"
    return Edit(file, at, at, f"\n{gap}{text}")
