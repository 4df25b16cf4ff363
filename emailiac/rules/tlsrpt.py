"""Rules of the tlsrpt family: SMTP TLS reporting (RFC 8460) for domains that receive mail.

TLSRPT001 judges the `_smtp._tls` TXT record of each mail domain that receives mail (see mtasts); its
absence is judged where the domain's zone is declared.
"""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.mailauth import parse_tlsrpt
from emailiac.mailauth.orgdomain import organizational_domain
from emailiac.mailauth.tlsrpt import is_tlsrpt
from emailiac.model import Inventory, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.maildomains import DnsView, RecordValue, could_start_with, mail_domains, starts_with
from emailiac.rules.unnamed_domains import unnamed_mail_domains

__all__ = ["RULES"]


def _judge(found: list[RecordValue], name: str) -> Verdict:
    first = found[0]
    if len(found) > 1:
        return fail(
            first.subject,
            f"{len(found)} TLS-RPT records are published at {name}: senders send no reports (RFC 8460 3)",
            evidence=f"{name} records",
            fix_hint=f"Keep one v=TLSRPTv1 record at {name}",
            name=name,
        )
    if isinstance(first.text, Unknown):
        return not_assessed(
            first.subject, f"TLS-RPT record at {name} is not known ({first.text.reason})", evidence=name
        )
    record = parse_tlsrpt(first.text)
    problems = [p.message for p in record.problems if p.is_error]
    if problems or not record.rua:
        return fail(
            first.subject,
            f"TLS-RPT record at {name}: {'; '.join(problems) or 'no valid rua'}",
            evidence=f"{name} syntax",
            fix_hint=f"Publish v=TLSRPTv1; rua=mailto:<address> at {name}",
            name=name,
            record=first.text,
        )
    return passed(first.subject, f"TLS-RPT record at {name} sends reports to {', '.join(record.rua)}", evidence=name)


def _check_tlsrpt(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    for domain in mail_domains(inventory, baseline, view):
        if not domain.receives:
            continue
        name = f"_smtp._tls.{domain.name}"
        search = view.search(
            name,
            is_tlsrpt,
            lambda p: could_start_with(p, "v=TLSRPTv1"),
            certain=lambda p: starts_with(p, "v=TLSRPTv1;"),
        )
        if search.found:
            yield _judge(search.found, name)
            continue
        verdict = view.not_found(search, name, "TXT", f"TLS-RPT record of {domain.name}")
        if verdict is not None:
            yield verdict
            continue
        yield view.missing_txt(
            name,
            f"{domain.name} receives mail ({'; '.join(domain.reasons)}) but publishes no TLS-RPT record at {name}: "
            "failed TLS deliveries to it go unreported",
            f"{name} absent",
            f"v=TLSRPTv1; rua=mailto:tls-reports@{organizational_domain(domain.name)}",
        )
    for unnamed in unnamed_mail_domains(inventory, view):
        if unnamed.receives:
            yield unnamed.verdict(view, "TLS-RPT record")


TLSRPT001 = Rule(
    id="TLSRPT001",
    slug="tls-rpt-missing",
    title="Mail domain without TLS reporting",
    severity=Severity.LOW,
    family="tlsrpt",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a domain that receives mail with no `_smtp._tls` TXT record `v=TLSRPTv1` holding a valid "
        "`rua` (a mailto: or https: URI), or with several such records. A domain whose name is not known (named by "
        "a variable without a value) is not assessed where a zone declared here may hold it."
    ),
    rationale=(
        "TLS reports tell the domain owner when senders fail to negotiate TLS or to validate its MTA-STS policy: "
        "downgrade attacks and broken certificates become visible instead of silently bouncing or leaking mail."
    ),
    bad_example=(
        'resource "aws_route53_record" "tls_rpt" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "_smtp._tls.example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        '  records = ["v=TLSRPTv1; rua=tls-reports@example.com"]\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_route53_record" "tls_rpt" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "_smtp._tls.example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        '  records = ["v=TLSRPTv1; rua=mailto:tls-reports@example.com"]\n'
        "}\n"
    ),
    check=_check_tlsrpt,
    controls=(),
    references=("https://www.rfc-editor.org/rfc/rfc8460#section-3",),
    fix="safe",
    fix_title="Publish a TLS-RPT record",
    presence=True,
)


RULES: tuple[Rule, ...] = (TLSRPT001,)
