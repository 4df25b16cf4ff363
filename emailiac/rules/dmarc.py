"""Rules of the dmarc family: DMARC policy records (RFC 7489, discovery and np as RFC 9989 has them).

DMARC001 is an absence rule over mail domains: a domain is covered by its own `_dmarc` record or, failing
that, by the first record of the RFC 9989 DNS tree walk up to its organisational domain (public-suffix
aware); the absence is judged only where the inventory speaks for every name of the walk. DMARC002-DMARC005
judge the DMARC records published at `_dmarc.` names; other TXT values there are not DMARC records and are
skipped, as receivers skip them. A record that is invalid, or one of several at its name, is reported by
DMARC005 alone: receivers apply no policy from it, so its tags are not assessed by DMARC002-DMARC004 rather
than guessed at; a record whose only fault is a missing `p` is applied as `p=none` (RFC 9989) and judged so.
A record's `sp` and `np` are judged where they govern: where its domain is the Organisational Domain of the
names below it (an organisational domain's record, or a subdomain's with `psd=n` or with no DMARC record
above it). An unresolved value is not assessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from emailiac.baseline import Baseline
from emailiac.mailauth import (
    DmarcRecord,
    external_report_authorization_name,
    is_dmarc,
    parse_dmarc,
    policy_strength,
)
from emailiac.mailauth.orgdomain import organizational_domain
from emailiac.model import Inventory, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, out_of_scope, passed
from emailiac.rules.dmarc_values import (
    DmarcName,
    certainly_dmarc,
    could_be_dmarc,
    discovery_names,
    dmarc_names,
    mailto,
    partly_known,
    rewrite,
    weak_policies,
)
from emailiac.rules.maildomains import DnsView, mail_domains
from emailiac.rules.unnamed_domains import unnamed_mail_domains

__all__ = ["RULES"]

_RFC = "https://www.rfc-editor.org/rfc/rfc7489"
_RFC9989 = "https://www.rfc-editor.org/rfc/rfc9989"
_RECORD = (
    'resource "aws_route53_record" "dmarc" {{\n'
    "  zone_id = aws_route53_zone.main.zone_id\n"
    '  name    = "_dmarc.example.com"\n'
    '  type    = "TXT"\n'
    "  ttl     = 3600\n"
    '  records = ["{value}"]\n'
    "}}\n"
)
_GOOD = _RECORD.format(value="v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com")


def _rua_default(baseline: Baseline, domain: str) -> str:
    wanted = [f"mailto:{mailto(a)}" for a in baseline.dmarc.required_rua]
    return ",".join(wanted) or f"mailto:dmarc-reports@{organizational_domain(domain)}"


# ---------------------------------------------------------------- DMARC001


def _check_present(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    for domain in mail_domains(inventory, baseline, view):
        own = f"_dmarc.{domain.name}"
        what = f"DMARC record of {domain.name}"
        walk = discovery_names(domain.name)
        org = organizational_domain(domain.name)
        searches = []
        for name in walk:
            dmarc_name = f"_dmarc.{name}"
            search = view.search(dmarc_name, is_dmarc, could_be_dmarc, certain=certainly_dmarc)
            searches.append((dmarc_name, search))
            if search.found:
                break
        dmarc_name, search = searches[-1]
        if search.found:
            if dmarc_name == own:
                message = f"{domain.name} publishes a DMARC record at {own}"
            else:
                whose = "its organisational domain" if dmarc_name == f"_dmarc.{org}" else "its parent domain"
                message = f"{domain.name} has no DMARC record of its own; the record of {whose} at {dmarc_name} applies"
            yield passed(search.found[0].subject, message, evidence=own)
            continue
        verdict = next(
            (v for name, found in searches if (v := view.not_found(found, name, "TXT", what)) is not None), None
        )
        if verdict is not None:
            yield verdict
            continue
        names = [name for name, _ in searches]
        yield view.missing_txt(
            own,
            f"{domain.name} is a mail domain ({'; '.join(domain.reasons)}) but no DMARC record is published at "
            f"{' nor at '.join(names)}",
            f"{own} absent",
            f"v=DMARC1; p={baseline.dmarc.policy}; rua={_rua_default(baseline, domain.name)}",
        )
    for unnamed in unnamed_mail_domains(inventory, view):
        yield unnamed.verdict(view, "DMARC record")


DMARC001 = Rule(
    id="DMARC001",
    slug="dmarc-record-missing",
    title="Mail domain without a DMARC record",
    severity=Severity.HIGH,
    family="dmarc",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a mail domain with no `v=DMARC1` record at `_dmarc.<domain>` nor at its organisational "
        "domain's `_dmarc` name (public-suffix aware). In Terraform the absence is judged only where the zones of "
        "both names are declared; elsewhere the domain is out of scope. A mail domain whose name is not known "
        "(named by a variable without a value) is not assessed where a zone declared here may hold it."
    ),
    rationale=(
        "Without DMARC, receivers have no policy for mail that fails SPF and DKIM alignment, so exact-domain "
        "spoofing is delivered, and the domain owner gets no reports of who sends as the domain."
    ),
    bad_example=(
        'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n\n'
        'resource "aws_route53_record" "spf" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        '  records = ["v=spf1 include:amazonses.com -all"]\n'
        "}\n"
    ),
    good_example=_GOOD,
    check=_check_present,
    controls=("MS.EXO.4.1v1",),
    references=(f"{_RFC}#section-6.1", f"{_RFC9989}#section-4.10"),
    fix="unsafe",
    fix_title="Publish a DMARC record with p=reject",
    presence=True,
)


# ---------------------------------------------------------------- DMARC002


def _judge_partly_known(dn: DmarcName, view: DnsView, baseline: Baseline) -> Verdict | None:
    """A partly known record fails on a weak tag it certainly has (`p=none` beside an unknown `rua`); a tag
    it does not show may sit in the unknown part, so nothing else about it is certain."""
    partial = partly_known(dn)
    if partial is None:
        return None
    value, record = partial
    wanted = {"p": baseline.dmarc.policy, "sp": baseline.dmarc.subdomain_policy, "np": baseline.dmarc.subdomain_policy}
    judged = ("p", "sp", "np") if dn.governs_below(record, view) is True else ("p",)
    weak = [
        f"{tag}={have} (the baseline requires {tag}={wanted[tag]})"
        for tag in judged
        if (have := getattr(record, tag)) is not None and policy_strength(have) < policy_strength(wanted[tag])
    ]
    if not weak:
        return None
    return fail(
        value.subject,
        f"DMARC record at {dn.shown} has {'; '.join(weak)}; the rest of the record is not known",
        evidence=f"{dn.name} policy partly known",
        fix_hint=f"Raise the policy of the DMARC record at {dn.shown} to the baseline's",
        name=dn.name,
    )


def _check_policy(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    for dn in dmarc_names(view):
        value, record, reason = dn.policy_record()
        subject = value.subject
        evidence = f"{dn.name} policy"
        if record is None:
            yield _judge_partly_known(dn, view, baseline) or not_assessed(subject, reason or "", evidence=evidence)
            continue
        governs = dn.governs_below(record, view)
        weak, changes = weak_policies(record, baseline, governs is True)
        if not weak and isinstance(governs, Unknown):
            below, _ = weak_policies(record, baseline, True)
            if below:
                yield not_assessed(
                    subject,
                    f"DMARC record at {dn.shown} has {'; '.join(below)}, which matters only if its sp and np govern "
                    f"the names below {dn.domain}: {governs.reason}",
                    evidence=evidence,
                )
                continue
        if not weak:
            judged = ("p", "sp", "np") if governs is True else ("p",)
            tags = ", ".join(f"{t}={getattr(record, t)}" for t in judged if getattr(record, t))
            yield passed(subject, f"DMARC record at {dn.shown} has {tags}", evidence=evidence)
            continue
        yield fail(
            subject,
            f"DMARC record at {dn.shown} has {'; '.join(weak)}",
            evidence=f"{dn.name} policy " + ",".join(sorted(changes)),
            fix_hint=f"Set {', '.join(f'{k}={v}' for k, v in changes.items())} in the DMARC record at {dn.shown}",
            name=dn.name,
            record=record.text,
            replacement=rewrite(record, changes),
        )


DMARC002 = Rule(
    id="DMARC002",
    slug="dmarc-policy-weak",
    title="DMARC policy weaker than the baseline",
    severity=Severity.HIGH,
    family="dmarc",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a DMARC record whose `p` is weaker than the baseline's policy (`none` < `quarantine` < "
        "`reject`; a record without `p` is applied as `p=none`), and, in a record whose domain is the "
        "Organisational Domain of the names below it (RFC 9989 tree walk: an organisational domain, or a "
        "subdomain with `psd=n` or with no DMARC record above it), whose `sp` or `np` (or the `p` they inherit "
        "when not set) is weaker than the baseline's subdomain policy. Where that depends on a parent zone not "
        "declared here, a weak `sp`/`np` is not assessed."
    ),
    rationale=(
        "`p=none` only monitors: spoofed mail that fails DMARC is still delivered. A strict `p` with a weak `sp` "
        "or `np` leaves every subdomain, even ones that do not exist, open to spoofing."
    ),
    bad_example=_RECORD.format(value="v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"),
    good_example=_GOOD,
    check=_check_policy,
    controls=("MS.EXO.4.2v1",),
    references=(f"{_RFC}#section-6.3", f"{_RFC9989}#section-4.10"),
    fix="unsafe",
    fix_title="Raise the DMARC policy to the baseline's",
)


# ---------------------------------------------------------------- DMARC003


def _check_pct(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    minimum = baseline.dmarc.min_pct
    for dn in dmarc_names(DnsView.of(inventory)):
        value, record, reason = dn.policy_record()
        subject = value.subject
        if record is None:
            yield not_assessed(subject, reason or "", evidence=f"{dn.name} pct")
            continue
        pct = record.pct
        if pct >= minimum:
            yield passed(
                subject, f"DMARC record at {dn.shown} applies its policy to {pct}% of mail", evidence=f"{dn.name} pct"
            )
            continue
        change = None if minimum >= 100 else str(minimum)
        yield fail(
            subject,
            f"DMARC record at {dn.shown} has pct={pct}: the policy applies to {pct}% of failing mail only; the "
            f"baseline requires {minimum}",
            evidence=f"{dn.name} pct",
            fix_hint=f"Remove pct from the DMARC record at {dn.shown}" if change is None else f"Set pct={minimum}",
            name=dn.name,
            record=record.text,
            replacement=rewrite(record, {"pct": change}),
        )


DMARC003 = Rule(
    id="DMARC003",
    slug="dmarc-partial-pct",
    title="DMARC policy applied to only part of the mail",
    severity=Severity.MEDIUM,
    family="dmarc",
    sources=("terraform", "dns"),
    summary="Fails for a DMARC record whose `pct` is below the baseline's minimum (100: the whole of the mail).",
    rationale=(
        "With `pct` under 100, receivers apply the policy to that share of failing mail only and treat the rest "
        "one step more leniently, so part of the spoofed mail still gets through."
    ),
    bad_example=_RECORD.format(value="v=DMARC1; p=reject; pct=25; rua=mailto:dmarc-reports@example.com"),
    good_example=_GOOD,
    check=_check_pct,
    controls=(),
    references=(f"{_RFC}#section-6.3",),
    fix="unsafe",
    fix_title="Apply the DMARC policy to all mail",
)


# ---------------------------------------------------------------- DMARC004


@dataclass
class _Authorisations:
    """What is known of the RFC 7489 7.1 authorisations of a record's report addresses in other organisations."""

    missing: list[str] = field(default_factory=list)  # a zone declared here holds no authorisation record
    unresolved: list[str] = field(default_factory=list)  # not known: an unresolved value decides it
    outside: list[str] = field(default_factory=list)  # authorisations in zones not declared here, and why


def _authorisations(dn: DmarcName, record: DmarcRecord, view: DnsView) -> _Authorisations:
    """Whether each report address in another organisation is authorised to receive the domain's reports."""
    out = _Authorisations()
    for uri in record.rua:
        if uri.address is None:
            continue
        if "*" in dn.domain:
            # Whether the address is in another organisation depends on the record's own domain.
            reason = dn.unknown.reason if dn.unknown is not None else "its name is not known"
            out.unresolved.append(f"whether {uri.address} is in another organisation is not known ({reason})")
            continue
        name = external_report_authorization_name(dn.domain, uri.text)
        # Live DNS shows a missing authorisation as a hint (scan warning), not a finding: see sources/dns.
        if name is None or view.live:
            continue
        search = view.search(name, is_dmarc, could_be_dmarc, certain=certainly_dmarc)
        if search.found:
            continue
        scope = view.scope(name)
        if search.doubts:
            out.unresolved.append(f"{uri.address}: {search.doubts[0][1]}")
        elif scope.authoritative:
            out.missing.append(f"{uri.address} (no v=DMARC1 record at {name} authorises reports for {dn.domain})")
        elif scope.unresolved:
            out.unresolved.append(f"{uri.address}: {scope.reason}")
        else:
            out.outside.append(
                f"whether {name} authorises reports to {uri.address} (RFC 7489 7.1) is not checked: {scope.reason}"
            )
    return out


def _check_rua(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    required = [mailto(a) for a in baseline.dmarc.required_rua]
    for dn in dmarc_names(view):
        value, record, reason = dn.policy_record()
        subject = value.subject
        if record is None:
            yield not_assessed(subject, reason or "", evidence=f"{dn.name} rua")
            continue
        have = [u.text for u in record.rua]
        addresses = {u.address.lower() for u in record.rua if u.address}
        missing = [a for a in required if a not in addresses]
        authorisations = _authorisations(dn, record, view)
        unauthorised = authorisations.missing
        if record.rua and not missing and not unauthorised and authorisations.unresolved:
            yield not_assessed(
                subject,
                f"DMARC record at {dn.shown} sends aggregate reports to {', '.join(have)}; whether the receiving "
                f"organisation authorises them (RFC 7489 7.1) is not known: {'; '.join(authorisations.unresolved)}",
                evidence=f"{dn.name} rua",
            )
            continue
        if record.rua and not missing and not unauthorised and authorisations.outside:
            yield out_of_scope(
                subject,
                f"DMARC record at {dn.shown} sends aggregate reports to {', '.join(have)} in another organisation; "
                f"{'; '.join(authorisations.outside)}",
            )
            continue
        if record.rua and not missing and not unauthorised:
            yield passed(
                subject,
                f"DMARC record at {dn.shown} sends aggregate reports to {', '.join(have)}",
                evidence=f"{dn.name} rua",
            )
            continue
        wanted = have + [f"mailto:{a}" for a in missing]
        if not wanted and "*" in dn.domain:
            # The record's own name is not known (a zone named by an ID), so no report address can be made up
            # for its domain: the finding stands, and the fix is left to a person (no replacement to write).
            yield fail(
                subject,
                f"DMARC record at {dn.shown} has no rua tag: nobody receives aggregate reports of who sends as the "
                "domain",
                evidence=f"{dn.name} rua",
                fix_hint=f"Set rua=mailto:<a mailbox that reads DMARC reports for the domain> in the DMARC record at "
                f"{dn.shown}",
                name=dn.name,
                record=record.text,
            )
            continue
        wanted = wanted or [_rua_default(baseline, dn.domain)]
        if not record.rua:
            problem = "has no rua tag: nobody receives aggregate reports of who sends as the domain"
        elif missing:
            problem = f"sends aggregate reports without {', '.join(missing)}, which the baseline requires"
        else:
            problem = f"sends aggregate reports to unauthorised addresses: {'; '.join(unauthorised)}"
        yield fail(
            subject,
            f"DMARC record at {dn.shown} {problem}",
            evidence=f"{dn.name} rua",
            fix_hint=f"Set rua={','.join(wanted)} in the DMARC record at {dn.shown}",
            name=dn.name,
            record=record.text,
            replacement=rewrite(record, {"rua": ",".join(wanted)}),
        )


DMARC004 = Rule(
    id="DMARC004",
    slug="dmarc-no-reports",
    title="DMARC record without the required aggregate report address",
    severity=Severity.MEDIUM,
    family="dmarc",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a DMARC record with no `rua` tag, without an address the baseline's `dmarc.required_rua` "
        "lists (compared case-insensitively, size limits ignored), or with a report address in another "
        "organisation whose authorisation record (`<domain>._report._dmarc.<host>`) is missing from a zone "
        "declared in the same configuration. It never passes an address whose authorisation is not checked: out "
        "of scope where the other organisation's zone is not declared here, not assessed where an unresolved "
        "value decides it (the record's own domain, a zone's name)."
    ),
    rationale=(
        "Aggregate reports are how the owner learns which services send as the domain and whether they pass; "
        "without them, moving to `p=reject` is guesswork and abuse goes unseen."
    ),
    bad_example=_RECORD.format(value="v=DMARC1; p=reject"),
    good_example=_GOOD,
    check=_check_rua,
    controls=("MS.EXO.4.3v1",),
    references=(f"{_RFC}#section-6.3", f"{_RFC}#section-7.1"),
    fix="safe",
    fix_title="Send DMARC aggregate reports to the required address",
)


# ---------------------------------------------------------------- DMARC005


def _check_valid(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    names = dmarc_names(DnsView.of(inventory))
    for dn in names:
        several = dn.several
        for subject, published in dn.by_record():
            values = dn.judged_values(published)
            if not values:
                continue  # no DMARC record here: receivers skip these values, and so does DMARC005
            evidence = f"{dn.name} syntax"
            problems: list[str] = []
            unknown: Unknown | None = None
            for value in values:
                if isinstance(value.text, Unknown):
                    unknown = unknown if unknown is not None else value.text
                    continue
                errors = [p.message for p in parse_dmarc(value.text).problems if p.is_error]
                where = f"value {value.index + 1}: " if len(values) > 1 else ""
                problems += [f"{where}{e}" for e in errors]
            if several > 1:
                problems.append(
                    f"{several} DMARC records are published at {dn.shown}; receivers apply no DMARC policy "
                    "(RFC 7489 6.6.3)"
                )
            if problems:
                yield fail(
                    subject,
                    f"DMARC record at {dn.shown}: {'; '.join(problems)}",
                    evidence=evidence,
                    fix_hint=f"Publish one well-formed DMARC record at {dn.shown}, starting with v=DMARC1",
                    name=dn.name,
                    records=[v.text for v in values if isinstance(v.text, str)],
                    problems=problems,
                )
            elif unknown is not None:
                yield not_assessed(
                    subject, f"DMARC record at {dn.shown} is not known ({unknown.reason})", evidence=evidence
                )
            elif several == 1 and (shared := dn.may_share_name(names)) is not None:
                other, reason = shared
                yield not_assessed(
                    subject,
                    f"DMARC record at {dn.shown} is well formed, but whether it is the only one at its name is not "
                    f"known: {other.values[0].subject.address} may publish one at the same name ({reason})",
                    evidence=evidence,
                )
            else:
                yield passed(subject, f"DMARC record at {dn.shown} is well formed", evidence=evidence)


DMARC005 = Rule(
    id="DMARC005",
    slug="dmarc-record-invalid",
    title="Invalid DMARC record",
    severity=Severity.HIGH,
    family="dmarc",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a DMARC record that receivers discard or misread: a repeated tag, a bad tag value, a report "
        "URI that is not `mailto:`, no `p` tag, or several DMARC records at one name. Other TXT values at a "
        "`_dmarc.` name are not DMARC records (receivers skip what does not start with `v=DMARC1`) and are "
        "ignored, except where the name has no DMARC record and the value was plainly meant as one "
        "(`p=reject; v=DMARC1`). Records at names not known to be equal (built from unset variables) are never "
        "counted as several; a well-formed record that may share its name with another is not assessed."
    ),
    rationale=(
        "Receivers discard a DMARC record they cannot parse, and apply no policy when a name publishes several: "
        "the domain silently has no DMARC protection while its owner believes otherwise."
    ),
    bad_example=_RECORD.format(value="p=reject; v=DMARC1; rua=https://reports.example.com"),
    good_example=_GOOD,
    check=_check_valid,
    controls=(),
    references=(f"{_RFC}#section-6.3", f"{_RFC9989}#section-4.10"),
)


RULES: tuple[Rule, ...] = (DMARC001, DMARC002, DMARC003, DMARC004, DMARC005)
