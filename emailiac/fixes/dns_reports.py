"""Fixes for records that are published but unusable: an MTA-STS record without a valid id, an MTA-STS
policy that does not enforce (its record's id is bumped so senders fetch the new policy), a TLS-RPT record
whose rua is not a URI, DMARC reports sent to another domain that has not authorised them."""

from __future__ import annotations

import re

from emailiac.fixes.context import FixContext
from emailiac.fixes.dns_new import record_block, zone_style
from emailiac.fixes.dns_text import edit_value, joined, value_sites
from emailiac.fixes.hcl_emit import indent_of
from emailiac.fixes.model import DISPLAY_ONLY, Edit, Fix, NewBlock
from emailiac.fixes.txt_sets import add_to_txt_set
from emailiac.mailauth import parse_dmarc
from emailiac.mailauth.dmarc import external_report_authorization_name
from emailiac.mailauth.mtasts import parse_sts_record
from emailiac.result import Finding
from emailiac.rules.maildomains import DnsView
from emailiac.sources.terraform.ast import Lit, Template

__all__ = ["dmarc_authorisations", "mta_sts", "tls_rpt"]

_ID = re.compile(r"(\bid\s*=\s*)([^;\s]*)")
_RUA = re.compile(r"(\brua\s*=\s*)([^;]*)")
_AUTHORISATION = "v=DMARC1"


def _rewrite(ctx: FixContext, finding: Finding, old: str, new: str) -> Fix | None:
    res = ctx.resource(finding.evaluation.subject.address)
    if res is None or old == new:
        return None
    value = next((v for v in value_sites(ctx, res) if joined(res.type, v.raw) == old), None)
    if value is None:
        return None
    edits, notes = edit_value(ctx, res, value, old, new)
    return ctx.fix(finding, edits=edits, notes=notes) if edits else None


def _next_id(current: str | None) -> str:
    if current and current.isdigit() and len(current) < 32:
        return str(int(current) + 1)
    return "1" if not current else (current + "1")[-32:]


def _with_id(text: str, value: str) -> str:
    match = _ID.search(text)
    if match is None:
        return text
    return text[: match.start(2)] + value + text[match.end(2) :]


def _fixed_sts_record(text: str) -> str:
    record = parse_sts_record(text)
    if record.id is not None:
        return text
    if _ID.search(text):
        return _with_id(text, "1")
    return text.rstrip().rstrip(";") + "; id=1"


def _bump_record_id(ctx: FixContext, domain: str) -> tuple[list[Edit], list[str]]:
    """Edits that change the id of `_mta-sts.<domain>`, so senders fetch the policy again."""
    name = f"_mta-sts.{domain}"
    for record in DnsView(ctx.inventory).at(name, "TXT"):
        res = ctx.resource(record.prov.address)
        if res is None:
            continue
        for value in value_sites(ctx, res):
            text = joined(res.type, value.raw)
            if text is None or not text.lower().startswith("v=stsv1"):
                continue
            new = _with_id(text, _next_id(parse_sts_record(text).id))
            if new != text:
                return edit_value(ctx, res, value, text, new)
    return [], [f"change the id of the {name} record, or senders keep the old policy until it expires"]


def _policy_content(ctx: FixContext, finding: Finding, text: str) -> list[Edit] | None:
    res = ctx.resource(finding.evaluation.subject.address)
    block = ctx.block_of(res) if res is not None else None
    attr = block.body.attribute("content") if block is not None else None
    source = ctx.tree.read(res.file) if res is not None else None
    if res is None or attr is None or source is None or not isinstance(attr.expr, (Lit, Template)):
        return None
    indent = indent_of(source[source.rfind("\n", 0, attr.pos.start) + 1 : attr.pos.start])
    body = "\n".join(f"{indent}  {line}" if line else "" for line in text.rstrip("\n").split("\n"))
    return [Edit(res.file, attr.expr.pos.start, attr.expr.pos.end, f"<<-EOT\n{body}\n{indent}EOT")]


def mta_sts(ctx: FixContext, finding: Finding) -> Fix | None:
    """MTASTS001 on a record (a valid id) or on a policy file (the baseline's policy, and a new id)."""
    data = finding.evaluation.data
    record = data.get("record")
    if isinstance(record, str):
        return _rewrite(ctx, finding, record, _fixed_sts_record(record))
    policy, domain = data.get("replacement"), data.get("domain")
    if not isinstance(policy, str) or not isinstance(domain, str):
        return None
    edits = _policy_content(ctx, finding, policy)
    if edits is None:
        return None
    bumped, notes = _bump_record_id(ctx, domain)
    return ctx.fix(finding, edits=[*edits, *bumped], notes=notes)


def _mailto(uri: str) -> str:
    uri = uri.strip()
    if "@" in uri and not uri.lower().startswith(("mailto:", "https:")):
        return f"mailto:{uri}"
    return uri


def tls_rpt(ctx: FixContext, finding: Finding) -> Fix | None:
    """TLSRPT001 on a record whose rua addresses are not URIs: write them as mailto: URIs."""
    record = finding.evaluation.data.get("record")
    if not isinstance(record, str):
        return None
    new = _RUA.sub(lambda m: m.group(1) + ",".join(_mailto(u) for u in m.group(2).split(",")), record, count=1)
    return _rewrite(ctx, finding, record, new)


def dmarc_authorisations(ctx: FixContext, finding: Finding) -> Fix | None:
    """DMARC004 with reports to another domain declared here: publish its authorisation record (added to the
    TXT record set already declared at that name, where there is one)."""
    data = finding.evaluation.data
    record, name = data.get("record"), data.get("name")
    if not isinstance(record, str) or not isinstance(name, str):
        return None
    domain = name.removeprefix("_dmarc.")
    view = DnsView(ctx.inventory)
    blocks: list[NewBlock] = []
    edits: list[Edit] = []
    notes: list[str] = []
    for uri in parse_dmarc(record).rua:
        target = external_report_authorization_name(domain, uri.text)
        if target is None or any(_may_authorise(v.text) for v in view.txt(target)):
            continue
        zone = view.scope(target).zone
        style = zone_style(ctx, zone) if zone is not None else None
        if zone is None or style is None:
            continue
        addition = add_to_txt_set(ctx, zone, target, _AUTHORISATION)
        if addition is not None:
            edits.extend(addition.edits)
            notes.extend([addition.why] if addition.why else [])
        else:
            blocks.append(record_block(ctx, style, "dmarc_report_authorization", "TXT", target, [_AUTHORISATION]))
    if edits or blocks:
        return ctx.fix(finding, edits=edits, new_blocks=blocks, notes=notes)
    return ctx.fix(finding, notes=notes, applicability=DISPLAY_ONLY) if notes else None


def _may_authorise(text: object) -> bool:
    """Whether a TXT value at an authorisation name is (or may be) the authorisation record."""
    return not isinstance(text, str) or text.lower().startswith(_AUTHORISATION.lower())
