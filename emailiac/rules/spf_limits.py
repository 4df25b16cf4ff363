"""Rules of the spf family that judge a published record's limits and form: DNS look-ups (SPF004), syntax
and include loops (SPF005), and the 255-byte character-strings of every TXT record (SPF006). Values partly
unresolved are judged as in spf.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.mailauth import (
    SpfRecord,
    check_string_lengths,
    count_lookups,
    split_txt_value,
)
from emailiac.model import Inventory, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, out_of_scope, passed
from emailiac.rules.maildomains import DnsView, txt_values
from emailiac.rules.spf import RFC7208, spf_evidence, spf_example, spf_values_in
from emailiac.rules.spf_values import (
    InventoryResolver,
    known_prefix,
    label,
    shown_name,
)
from emailiac.rules.tfaddress import resource_type

__all__ = ["RULES"]

# Syntax problems and risky-but-working constructs SPF005 reports besides permerror-level errors.
_SPF005_WARNINGS = frozenset({"ptr", "all-position", "redirect-ignored"})


# ---------------------------------------------------------------- SPF004


def _check_lookups(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view, values = spf_values_in(inventory, baseline)
    limit = baseline.spf.max_lookups
    void_limit = baseline.spf.max_void_lookups
    for value in values:
        subject, name = value.value.subject, value.name
        named = shown_name(name)
        record = value.record
        partial = record is None
        if record is None:
            assert value.unknown is not None
            record = known_prefix(value.unknown.pattern)
            if record is None:
                yield not_assessed(
                    subject,
                    f"SPF record of {named}: its terms are not known ({value.unknown.reason})",
                    evidence=spf_evidence(value, "lookups"),
                )
                continue
        resolver = InventoryResolver(view)
        count = count_lookups(record, resolver, domain=name, targets=resolver.has_records)
        exact = count.exact and not partial
        bound = "" if exact else "at least "
        counted = f"{bound}{count.total} DNS-querying terms (include, a, mx, ptr, exists, redirect)"
        if count.loops:
            yield fail(
                subject,
                f"SPF record of {named} loops ({'; '.join(count.loops)}): evaluation never ends, so receivers run "
                f"past the limit of {limit} DNS look-ups and return permerror",
                evidence=spf_evidence(value, "lookups"),
                fix_hint=f"Break the loop: no include or redirect of {named}'s SPF chain may lead back to a record "
                "already on it",
                record=record.text,
                lookups=count.total,
                loops=list(count.loops),
                chain=[(step.via, step.name, step.subtotal) for step in count.chain],
            )
            continue
        problems = []
        if count.total > limit:
            followed = [f"{step.via}:{step.name} {step.lookups}" for step in count.chain if step.status == "ok"]
            through = f" (through {', '.join(followed)})" if followed else ""
            problems.append(f"needs {counted}{through}; the limit is {limit}, beyond which receivers return permerror")
        if count.void > void_limit:
            voids = [f"{step.via}:{step.name}" for step in count.chain if step.status == "void"]
            problems.append(
                f"meets {count.void} void look-ups ({', '.join(voids)}: no such name, or no records); the limit is "
                f"{void_limit}, beyond which receivers return permerror"
            )
        if problems:
            yield fail(
                subject,
                f"SPF record of {named} {'; '.join(problems)}",
                evidence=spf_evidence(value, "lookups"),
                fix_hint=f"Cut the SPF record of {named} to {limit} DNS look-ups and no void ones: replace includes "
                "with the ip4/ip6 ranges they publish, drop senders no longer used and names that do not exist",
                record=record.text,
                lookups=count.total,
                void=count.void,
                chain=[(step.via, step.name, step.subtotal) for step in count.chain],
            )
        elif exact:
            yield passed(
                subject,
                f"SPF record of {named} needs {counted} of {limit}, {count.void} void look-ups",
                evidence=spf_evidence(value, "lookups"),
            )
        elif partial or resolver.unresolved:
            reason = value.unknown.reason if partial and value.unknown is not None else resolver.unresolved[0]
            yield not_assessed(
                subject,
                f"SPF record of {named}: {counted} counted, the rest is not known ({reason})",
                evidence=spf_evidence(value, "lookups"),
            )
        else:
            outside = ", ".join(count.unexpanded)
            yield out_of_scope(
                subject,
                f"SPF record of {named}: {counted} counted of {limit}; the records of {outside} are not declared "
                "in this configuration, so their look-ups are not counted",
            )


SPF004 = Rule(
    id="SPF004",
    slug="spf-too-many-lookups",
    title="SPF record needs more than 10 DNS look-ups",
    severity=Severity.HIGH,
    family="spf",
    sources=("terraform", "dns"),
    summary=(
        "Fails when evaluating an SPF record takes more DNS-querying terms (include, a, mx, ptr, exists, "
        "redirect) than the baseline's limit (10), or never ends because an include/redirect chain loops back "
        "(`include:` of itself, `redirect=` to itself, A -> B -> A; the finding shows the chain). Nested includes "
        "are followed where their records are in the inventory (declared in the same configuration, or read "
        "from live DNS); includes outside it leave the count a lower bound, which fails once it is over the "
        "limit and is out of scope otherwise."
    ),
    rationale=(
        "RFC 7208 4.6.4 caps an SPF evaluation at 10 DNS look-ups; one more and receivers return permerror, so "
        "legitimate mail fails SPF."
    ),
    bad_example=spf_example(
        "v=spf1 a mx include:a.example include:b.example include:c.example include:d.example include:e.example "
        "include:f.example include:g.example include:h.example include:i.example -all"
    ),
    good_example=spf_example("v=spf1 ip4:192.0.2.0/24 include:amazonses.com -all"),
    check=_check_lookups,
    controls=(),
    references=(f"{RFC7208}#section-4.6.4",),
    fix="display-only",
    fix_title="Flatten the SPF record under 10 look-ups",
)


# ---------------------------------------------------------------- SPF005


def _problems(record: SpfRecord) -> list[str]:
    return [p.message for p in record.problems if p.is_error or p.code in _SPF005_WARNINGS]


def _loops(record: SpfRecord, view: DnsView, name: str) -> list[str]:
    """Include/redirect loops through the records of the inventory: a permanent error (RFC 7208 4.6.4)."""
    loops = count_lookups(record, InventoryResolver(view), domain=name).loops
    return [f"its include/redirect chain loops ({loop}), so receivers return permerror" for loop in loops]


def _check_syntax(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view, values = spf_values_in(inventory, baseline)
    for value in values:
        subject, name = value.value.subject, value.name
        named = shown_name(name)
        record = value.record or (known_prefix(value.unknown.pattern) if value.unknown is not None else None)
        problems = [*_problems(record), *_loops(record, view, name)] if record is not None else []
        if problems:
            assert record is not None
            yield fail(
                subject,
                f"SPF record of {named}: {'; '.join(problems)}",
                evidence=spf_evidence(value, "syntax"),
                fix_hint=f"Correct the SPF record of {named}",
                record=record.text,
                problems=problems,
            )
        elif value.record is None:
            reason = value.unknown.reason if value.unknown is not None else ""
            yield not_assessed(
                subject, f"SPF record of {named} is not known ({reason})", evidence=spf_evidence(value, "syntax")
            )
        else:
            yield passed(subject, f"SPF record of {named} is well formed", evidence=spf_evidence(value, "syntax"))


SPF005 = Rule(
    id="SPF005",
    slug="spf-syntax-error",
    title="SPF record has a syntax error or uses ptr",
    severity=Severity.MEDIUM,
    family="spf",
    sources=("terraform", "dns"),
    summary=(
        "Fails for an SPF record with a syntax error (a bad ip4/ip6 network, an unknown mechanism, an include "
        "without a domain, a malformed macro), with terms after `all` (never evaluated), with the deprecated "
        "`ptr` mechanism, or whose include/redirect chain through records declared in the same configuration "
        "loops back on itself (a permanent error)."
    ),
    rationale=(
        "A syntax error makes receivers return permerror, which most treat as no SPF. Terms after `all` are "
        "never evaluated, so senders listed there fail. `ptr` is slow, unreliable and deprecated (RFC 7208 5.5)."
    ),
    bad_example=spf_example("v=spf1 ip4:192.0.2.300 ptr -all"),
    good_example=spf_example("v=spf1 ip4:192.0.2.30 -all"),
    check=_check_syntax,
    controls=(),
    references=(f"{RFC7208}#section-5.5", f"{RFC7208}#section-12"),
)


# ---------------------------------------------------------------- SPF006


def _split_spelling(strings: list[str], rtype: str | None) -> str:
    """How the split value is written in the record's own resource."""
    if rtype == "google_dns_record_set":
        return " ".join(f'"{s}"' for s in strings)
    return '""'.join(strings)  # Route 53 and zone-file-minded providers


def _check_lengths(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    for record in view.records:
        values = txt_values(record)
        if not values or record.prov.source == "dns":
            continue  # DNS answers hold character-strings of at most 255 bytes: a live string cannot be longer
        name = label(record)
        named = shown_name(name)
        problems: list[str] = []
        splits: list[dict[str, object]] = []
        unknown: Unknown | None = None
        for value in values:
            if isinstance(value.text, Unknown):
                unknown = unknown if unknown is not None else value.text
                continue
            found = check_string_lengths(value.strings)
            if found:
                problems.extend(p.message for p in found)
                parts = [part for s in value.strings for part in split_txt_value(s)]
                splits.append(
                    {
                        "index": value.index,
                        "strings": parts,
                        "replacement": _split_spelling(parts, resource_type(record.prov)),
                    }
                )
        evidence = f"{name} strings"
        if problems:
            yield fail(
                record.prov,
                f"TXT record {named}: {'; '.join(problems)}",
                evidence=evidence,
                fix_hint=f"Split the TXT value at {named} into character-strings of at most 255 bytes",
                name=name,
                splits=splits,
            )
        elif unknown is not None:
            yield not_assessed(
                record.prov, f"TXT record {named}: a value is not known ({unknown.reason})", evidence=evidence
            )
        else:
            yield passed(record.prov, f"TXT record {named} has no character-string over 255 bytes", evidence=evidence)


SPF006 = Rule(
    id="SPF006",
    slug="txt-string-too-long",
    title="TXT character-string over 255 bytes",
    severity=Severity.MEDIUM,
    family="spf",
    sources=("terraform",),
    summary=(
        "Fails for a TXT record (SPF, DKIM key or any other) with a character-string longer than 255 bytes that "
        'is not split: in Route 53 write `\\"\\"` between the parts of one value, in Cloud DNS quote each part. '
        "Azure DNS and Cloudflare split long values themselves, so their records pass."
    ),
    rationale=(
        "A DNS character-string holds at most 255 bytes (RFC 1035 3.3, RFC 7208 3.3). Providers reject a longer "
        "one or cut it where they like; a 2048-bit DKIM key always needs splitting."
    ),
    bad_example=(
        'resource "aws_route53_record" "dkim" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "s1._domainkey.example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        '  records = ["v=DKIM1; k=rsa; p=MIIBIjANBgkq...(392 characters)...IDAQAB"]\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_route53_record" "dkim" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "s1._domainkey.example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        '  records = ["v=DKIM1; k=rsa; p=MIIBIjANBgkq...(first 255 bytes)\\"\\"...(the rest)...IDAQAB"]\n'
        "}\n"
    ),
    check=_check_lengths,
    controls=(),
    references=(f"{RFC7208}#section-3.3", "https://www.rfc-editor.org/rfc/rfc1035#section-3.3"),
    fix="safe",
    fix_title="Split the TXT value into 255-byte strings",
)


RULES: tuple[Rule, ...] = (SPF004, SPF005, SPF006)
