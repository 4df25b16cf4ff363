"""Rules of the spf family: SPF records of mail domains (RFC 7208).

SPF001 is an absence rule: it judges each mail domain (see maildomains) where the inventory speaks for the
domain's name. SPF002-SPF005 judge every published SPF record; a record whose text is partly unresolved is
judged on the complete terms before its first unknown part and is otherwise not assessed (see spf_values).
SPF003 judges each name that publishes an SPF record. SPF004-SPF006 are in spf_limits.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emailiac.baseline import Baseline
from emailiac.mailauth import (
    SpfRecord,
    count_lookups,
    is_spf,
    parse_spf,
    qualifier_strength,
)
from emailiac.mailauth.partial import spf_known_terms
from emailiac.model import Inventory, Unknown
from emailiac.result import Severity, Status
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, out_of_scope, passed
from emailiac.rules.maildomains import (
    DnsView,
    Domain,
    RecordValue,
    could_start_with,
    mail_domains,
    starts_with,
    txt_values,
)
from emailiac.rules.spf_values import (
    InventoryResolver,
    SpfValue,
    judged_here,
    known_prefix,
    merge_records,
    shown_name,
    spf_values,
)
from emailiac.rules.unnamed_domains import unnamed_mail_domains

__all__ = ["RFC7208", "RULES", "spf_evidence", "spf_example", "spf_values_in", "suggested_record"]

RFC7208 = "https://www.rfc-editor.org/rfc/rfc7208"
_QUALIFIER_NAMES = {"+": "pass", "?": "neutral", "~": "softfail", "-": "fail"}


def _could_be_spf(pattern: str | None) -> bool:
    return could_start_with(pattern, "v=spf1 ")


def _certainly_spf(pattern: str | None) -> bool:
    return starts_with(pattern, "v=spf1 ")


def spf_values_in(inventory: Inventory, baseline: Baseline) -> tuple[DnsView, list[SpfValue]]:
    """The DNS view and the SPF values published at the mail domains (the records SPF002-SPF005 judge)."""
    view = DnsView.of(inventory)
    names = {d.name for d in mail_domains(inventory, baseline, view)}
    return view, spf_values(view, names)


def spf_example(*records: str) -> str:
    """A rule's example: the SPF TXT record of example.com in Route 53, holding `records`."""
    values = ", ".join(f'"{r}"' for r in records)
    return (
        'resource "aws_route53_record" "spf" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        f"  records = [{values}]\n"
        "}\n"
    )


def spf_evidence(value: SpfValue, what: str) -> str:
    """Evidence naming one SPF value: the value's place tells apart two SPF values of one record (which
    SPF003 reports)."""
    # The value's place tells apart two SPF values of one record (which SPF003 reports).
    where = f"#{value.value.index}" if value.value.index else ""
    return f"{value.name}{where} {what}"


# ---------------------------------------------------------------- SPF001


def suggested_record(domain: Domain, qualifier: str) -> str:
    includes = [f"include:{sender}" for sender in sorted(domain.senders)]
    return " ".join(("v=spf1", *includes, f"{qualifier}all"))


def _check_present(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    for domain in mail_domains(inventory, baseline, view):
        name = domain.name
        named = shown_name(name)
        search = view.search(name, is_spf, _could_be_spf, certain=_certainly_spf)
        if search.found:
            found = search.found[0]
            yield passed(found.subject, f"{name} publishes an SPF record", evidence=f"{name} spf")
            continue
        verdict = view.not_found(search, name, "TXT", f"SPF record of {named}")
        if verdict is not None:
            yield verdict
            continue
        yield view.missing_txt(
            name,
            f"{name} is a mail domain ({'; '.join(domain.reasons)}) but publishes no SPF record (v=spf1)",
            f"{name} spf absent",
            suggested_record(domain, baseline.spf.all_qualifier),
        )
    for unnamed in unnamed_mail_domains(inventory, view):
        if unnamed.publishes_spf:
            yield passed(unnamed.subject, f"{unnamed.shown} publishes an SPF record", evidence=f"{unnamed.shown} spf")
        else:
            yield unnamed.verdict(view, "SPF record")


SPF001 = Rule(
    id="SPF001",
    slug="spf-record-missing",
    title="Mail domain without an SPF record",
    severity=Severity.HIGH,
    family="spf",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a mail domain (an SES identity, a domain with MX records, a Microsoft 365 domain or one listed "
        "in the baseline) that publishes no `v=spf1` TXT record. In Terraform the absence is judged only where "
        "the domain's public zone is declared; elsewhere the domain is out of scope. A TXT record whose name or "
        "value is unresolved and could be the SPF record makes the domain not assessed, as does a domain whose "
        "own name is not known (named by a variable without a value) where a zone declared here may hold it."
    ),
    rationale=(
        "Without SPF, receivers cannot tell which hosts may send for the domain, so forged envelope senders "
        "pass unchecked and DMARC can align only through DKIM."
    ),
    bad_example=(
        'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n\n'
        'resource "aws_route53_record" "mx" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "example.com"\n'
        '  type    = "MX"\n'
        "  ttl     = 3600\n"
        '  records = ["10 inbound-smtp.eu-west-1.amazonaws.com"]\n'
        "}\n"
    ),
    good_example=spf_example("v=spf1 include:amazonses.com -all"),
    check=_check_present,
    controls=("MS.EXO.2.2v3",),
    references=(f"{RFC7208}#section-3", "https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-spf.html"),
    fix="unsafe",
    fix_title="Publish an SPF record that ends in -all",
    presence=True,
)


# ---------------------------------------------------------------- SPF002


def _rewrite_all(record: SpfRecord, qualifier: str) -> str | None:
    term = record.all_mechanism
    if term is None:
        return None if record.modifier("redirect") else f"{record.text.rstrip()} {qualifier}all"
    end = term.position + len(term.text)
    return f"{record.text[: term.position]}{qualifier}all{record.text[end:]}"


def _judge_all(value: SpfValue, record: SpfRecord, view: DnsView, baseline: Baseline) -> Verdict:
    subject, name = value.value.subject, value.name
    named = shown_name(name)
    want = baseline.spf.all_qualifier
    partial = value.unknown is not None
    term = record.all_mechanism
    qualifier = record.all_qualifier
    if term is None and record.modifier("redirect") is not None:
        target = record.modifier("redirect")
        resolver = InventoryResolver(view)
        qualifier = count_lookups(record, resolver, domain=name).all_qualifier
        if qualifier is None:
            where = f"SPF record of {named} ends with {target.text if target else 'a redirect'}"
            if resolver.unresolved:
                return not_assessed(subject, f"{where}: {resolver.unresolved[0]}", evidence=spf_evidence(value, "all"))
            return out_of_scope(subject, f"{where}, whose record is not declared in this configuration")
    seen = f"{qualifier}all" if qualifier else "no all mechanism"
    # A record made of the known terms around unknown parts has no reliable positions.
    placed = value.unknown is None or (value.unknown.pattern or "").startswith(record.text)
    where = f" at position {term.position}" if term is not None and placed else ""
    if term is None and qualifier is None:
        shown = "has no all mechanism (unlisted senders get neutral, as ?all)"
    else:
        shown = f"has {seen} ({_QUALIFIER_NAMES.get(qualifier or '?', '')}){where}"
        if term is None:
            shown += " through its redirect"
    strength = qualifier_strength(qualifier)
    if strength >= qualifier_strength(want):
        return passed(subject, f"SPF record of {named} {shown}", evidence=spf_evidence(value, f"{qualifier}all"))
    replacement = None if partial else _rewrite_all(record, want)
    data = {"record": record.text, "name": name}
    if replacement is not None:
        data["replacement"] = replacement
    critical = qualifier == "+"
    reason = (
        "it authorises every host on the Internet to send as the domain"
        if critical
        else f"the baseline requires {want}all"
    )
    return fail(
        subject,
        f"SPF record of {named} {shown}; {reason}",
        evidence=spf_evidence(value, f"{qualifier or 'none'}all"),
        fix_hint=f"End the SPF record of {named} with {want}all",
        severity=Severity.CRITICAL if critical else None,
        **data,
    )


def _weak_partial_all(value: SpfValue, view: DnsView, baseline: Baseline) -> Verdict | None:
    """A weak `all` written after unknown mechanism arguments (`include:${var.esp} ~all`) fails."""
    record = spf_known_terms(value.unknown.pattern if value.unknown is not None else None)
    if record is None or record.all_mechanism is None:
        return None
    verdict = _judge_all(value, record, view, baseline)
    return verdict if verdict.status is Status.FAIL else None


def _check_all(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view, values = spf_values_in(inventory, baseline)
    for value in values:
        record = value.record
        if record is None:
            assert value.unknown is not None
            record = known_prefix(value.unknown.pattern)
            if record is None or record.all_mechanism is None:
                # Judged on the known terms only when that fails: an unknown part could add an earlier all.
                weak = _weak_partial_all(value, view, baseline)
                if weak is not None:
                    yield weak
                    continue
                yield not_assessed(
                    value.value.subject,
                    f"SPF record of {shown_name(value.name)}: its all mechanism is not known ({value.unknown.reason})",
                    evidence=spf_evidence(value, "all"),
                )
                continue
        yield _judge_all(value, record, view, baseline)


SPF002 = Rule(
    id="SPF002",
    slug="spf-weak-all",
    title="SPF record does not end in a strict all",
    severity=Severity.HIGH,
    family="spf",
    sources=("terraform", "dns"),
    summary=(
        "Fails for an SPF record whose `all` qualifier is weaker than the baseline's (`+all`, `?all` or no `all`; "
        "`~all` when the baseline wants `-all`). `+all` is critical. A record that ends in a redirect is judged "
        "on the redirect target's `all` when that record is in the inventory."
    ),
    rationale=(
        "The `all` mechanism says what receivers should do with mail from hosts the record does not list: `+all` "
        "lets anyone send, `?all` and `~all` only hint, so forged mail is still delivered."
    ),
    bad_example=spf_example("v=spf1 include:amazonses.com ~all"),
    good_example=spf_example("v=spf1 include:amazonses.com -all"),
    check=_check_all,
    controls=("MS.EXO.2.2v3",),
    references=(f"{RFC7208}#section-5.1", f"{RFC7208}#section-8"),
    fix="unsafe",
    fix_title="End the SPF record with -all",
)


# ---------------------------------------------------------------- SPF003


def _check_single(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    names = {d.name for d in mail_domains(inventory, baseline, view)}
    by_name: dict[str, list[RecordValue]] = {}
    for record in view.records:
        if isinstance(record.name, str) and judged_here(record, names):
            for value in txt_values(record):
                by_name.setdefault(record.name, []).append(value)
    for name in sorted(by_name):
        named = shown_name(name)
        values = by_name[name]
        # A value whose known start is "v=spf1 " is an SPF record even while the rest is unresolved.
        spf = [
            v
            for v in values
            if (isinstance(v.text, str) and is_spf(v.text))
            or (isinstance(v.text, Unknown) and _certainly_spf(v.text.pattern))
        ]
        if not spf:
            continue
        subject = spf[0].subject
        if len(spf) > 1:
            holders = sorted({v.subject.address for v in spf})
            texts = [v.text for v in spf if isinstance(v.text, str)]
            data: dict[str, Any] = {"name": name, "records": texts}
            if len(texts) == len(spf):
                data["replacement"] = merge_records([parse_spf(t) for t in texts], baseline.spf.all_qualifier)
            yield fail(
                subject,
                f"{named} publishes {len(spf)} SPF records ({', '.join(holders)}): receivers return permerror "
                "and apply no SPF at all (RFC 7208 4.5)",
                evidence=f"{name} spf records={len(spf)}",
                fix_hint=f"Merge the SPF records of {named} into one",
                **data,
            )
            continue
        doubts = [
            v
            for v in values
            if isinstance(v.text, Unknown) and _could_be_spf(v.text.pattern) and not _certainly_spf(v.text.pattern)
        ]
        doubts += [
            v
            for r in view.maybe_at(name, "TXT")
            for v in txt_values(r)
            if (isinstance(v.text, str) and is_spf(v.text))
            or (isinstance(v.text, Unknown) and _could_be_spf(v.text.pattern))
        ]
        if doubts:
            doubt = doubts[0]
            reason = doubt.text.reason if isinstance(doubt.text, Unknown) else "its name is not known"
            yield not_assessed(
                subject,
                f"SPF records of {named}: {doubt.subject.address} may publish a second one ({reason})",
                evidence=f"{name} spf records",
            )
            continue
        yield passed(subject, f"{name} publishes one SPF record", evidence=f"{name} spf records=1")


SPF003 = Rule(
    id="SPF003",
    slug="spf-multiple-records",
    title="More than one SPF record at one name",
    severity=Severity.HIGH,
    family="spf",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a name that publishes more than one `v=spf1` TXT record, whether in one resource or several. "
        "An unresolved TXT value at the same name that could be SPF makes a single record not assessed."
    ),
    rationale=(
        "RFC 7208 4.5: with two SPF records at one name, receivers return permerror, which most treat as no "
        "SPF at all, so every sender is unauthenticated."
    ),
    bad_example=spf_example("v=spf1 include:amazonses.com -all", "v=spf1 include:spf.protection.outlook.com -all"),
    good_example=spf_example("v=spf1 include:amazonses.com include:spf.protection.outlook.com -all"),
    check=_check_single,
    controls=(),
    references=(f"{RFC7208}#section-4.5",),
    fix="unsafe",
    fix_title="Merge the SPF records into one",
)


RULES: tuple[Rule, ...] = (SPF001, SPF002, SPF003)
