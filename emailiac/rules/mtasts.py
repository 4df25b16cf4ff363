"""Rules of the mtasts family: MTA-STS (RFC 8461) for domains that receive mail.

MTASTS001 judges the `_mta-sts` TXT record of each mail domain that receives mail (non-null MX records other
than the SES MAIL FROM feedback MX, a Microsoft 365 domain, or a domain listed in the baseline); its absence
is judged where the domain's zone is declared. The policy file is served over HTTPS, out of Terraform's
sight, so it is judged only where its text is in the inventory (an object uploaded to
`.well-known/mta-sts.txt`, see `MtaStsPolicy`): mode, max_age and coverage of the domain's MX hosts.
"""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.mailauth import mx_covered, parse_sts_policy, parse_sts_record
from emailiac.mailauth.mtasts import is_sts_record
from emailiac.model import Inventory, MtaStsPolicy, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.maildomains import DnsView, RecordValue, could_start_with, mail_domains, record_values, starts_with
from emailiac.rules.unnamed_domains import unnamed_mail_domains

__all__ = ["RULES"]

_RFC = "https://www.rfc-editor.org/rfc/rfc8461"
_MODES = {"none": 0, "testing": 1, "enforce": 2}


def _policy_text(domain: str, mx_hosts: list[str], baseline: Baseline) -> str:
    lines = ["version: STSv1", f"mode: {baseline.mta_sts.mode}"]
    lines += [f"mx: {host}" for host in mx_hosts] or [f"mx: mx.{domain}"]
    lines.append(f"max_age: {max(baseline.mta_sts.min_max_age, 604800)}")
    return "\n".join(lines) + "\n"


def _mx_hosts(view: DnsView, domain: str) -> tuple[list[str], Unknown | None]:
    """The MX hosts of `domain` (null MX left out), and the first unresolved value met."""
    hosts: list[str] = []
    unknown: Unknown | None = None
    for record in view.at(domain, "MX"):
        for value in record_values(record):
            if isinstance(value.text, Unknown):
                unknown = unknown if unknown is not None else value.text
                continue
            host = value.text.split()[-1].rstrip(".").lower() if value.text.split() else ""
            if host and host != "." and host not in hosts:
                hosts.append(host)
    return hosts, unknown


def _judge_record(found: list[RecordValue], name: str, policy_here: bool) -> Verdict:
    first = found[0]
    texts = [v.text for v in found if isinstance(v.text, str)]
    if len(found) > 1:
        return fail(
            first.subject,
            f"{len(found)} MTA-STS records are published at {name}: senders act as if there were none (RFC 8461 3.1)",
            evidence=f"{name} records",
            fix_hint=f"Keep one v=STSv1 record at {name}",
            name=name,
            records=texts,
        )
    if isinstance(first.text, Unknown):
        return not_assessed(
            first.subject, f"MTA-STS record at {name} is not known ({first.text.reason})", evidence=name
        )
    record = parse_sts_record(first.text)
    problems = [p.message for p in record.problems if p.is_error]
    if problems:
        return fail(
            first.subject,
            f"MTA-STS record at {name}: {'; '.join(problems)}",
            evidence=f"{name} syntax",
            fix_hint=f"Publish v=STSv1; id=<policy version> at {name}",
            name=name,
            record=first.text,
        )
    unseen = "" if policy_here else " (the policy file is served over HTTPS, out of this configuration's sight)"
    return passed(first.subject, f"MTA-STS record at {name} announces policy id {record.id}{unseen}", evidence=name)


def _check_records(inventory: Inventory, baseline: Baseline, view: DnsView) -> Iterator[Verdict]:
    for domain in mail_domains(inventory, baseline, view):
        if not domain.receives:
            continue
        name = f"_mta-sts.{domain.name}"
        search = view.search(
            name,
            is_sts_record,
            lambda p: could_start_with(p, "v=STSv1"),
            certain=lambda p: starts_with(p, "v=STSv1;"),
        )
        if search.found:
            policy_here = any(p.domain == domain.name for p in inventory.of(MtaStsPolicy))
            yield _judge_record(search.found, name, policy_here)
            continue
        verdict = view.not_found(search, name, "TXT", f"MTA-STS record of {domain.name}")
        if verdict is not None:
            yield verdict
            continue
        hosts, _ = _mx_hosts(view, domain.name)
        yield view.missing_txt(
            name,
            f"{domain.name} receives mail ({'; '.join(domain.reasons)}) but publishes no MTA-STS record at {name}: "
            "senders may deliver to it without TLS, or to a forged MX",
            f"{name} absent",
            "v=STSv1; id=1",
            f" (a new id for every policy change), and serve the policy at "
            f"https://mta-sts.{domain.name}/.well-known/mta-sts.txt",
            policy=_policy_text(domain.name, hosts, baseline),
        )
    for unnamed in unnamed_mail_domains(inventory, view):
        if unnamed.receives:
            yield unnamed.verdict(view, "MTA-STS record")


def _judge_policy(policy: MtaStsPolicy, view: DnsView, baseline: Baseline) -> Verdict:
    subject = policy.prov
    if isinstance(policy.domain, Unknown):
        return not_assessed(
            subject, f"MTA-STS policy {subject.address}: its domain is not known ({policy.domain.reason})"
        )
    domain = policy.domain
    if policy.error is not None:
        return fail(
            subject,
            f"MTA-STS policy of {domain} cannot be used by senders: {policy.error}",
            evidence=f"{domain} mta-sts policy",
            fix_hint=f"Serve the policy at https://mta-sts.{domain}/.well-known/mta-sts.txt as text/plain, with a "
            f"valid certificate for mta-sts.{domain} and no redirect",
            domain=domain,
        )
    if isinstance(policy.text, Unknown):
        return not_assessed(subject, f"MTA-STS policy of {domain} is not known ({policy.text.reason})")
    parsed = parse_sts_policy(policy.text)
    problems = [p.message for p in parsed.problems if p.is_error]
    want = baseline.mta_sts
    if parsed.mode is not None and _MODES.get(parsed.mode, 0) < _MODES.get(want.mode, 2):
        problems.append(f"mode is {parsed.mode} (the baseline requires {want.mode})")
    if parsed.max_age is not None and parsed.max_age < want.min_max_age:
        problems.append(f"max_age is {parsed.max_age} seconds (the baseline requires at least {want.min_max_age})")
    hosts, unknown = _mx_hosts(view, domain)
    uncovered = [h for h in hosts if not mx_covered(parsed, h)]
    if uncovered:
        problems.append(f"mx does not cover the MX host(s) {', '.join(uncovered)}, so senders refuse to deliver there")
    if problems:
        return fail(
            subject,
            f"MTA-STS policy of {domain}: {'; '.join(problems)}",
            evidence=f"{domain} mta-sts policy",
            fix_hint=f"Serve a policy with mode: {want.mode}, max_age of at least {want.min_max_age} and every MX host",
            domain=domain,
            replacement=_policy_text(domain, hosts or list(parsed.mx), baseline),
        )
    if unknown is not None:
        return not_assessed(subject, f"MTA-STS policy of {domain}: an MX record is not known ({unknown.reason})")
    return passed(
        subject,
        f"MTA-STS policy of {domain} is in {parsed.mode} mode for {parsed.max_age} seconds and covers its MX hosts",
        evidence=f"{domain} mta-sts policy",
    )


def _check_mta_sts(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    yield from _check_records(inventory, baseline, view)
    for policy in inventory.of(MtaStsPolicy):
        yield _judge_policy(policy, view, baseline)


MTASTS001 = Rule(
    id="MTASTS001",
    slug="mta-sts-missing",
    title="Mail domain without an enforced MTA-STS policy",
    severity=Severity.MEDIUM,
    family="mtasts",
    sources=("terraform", "dns"),
    summary=(
        "Fails for a domain that receives mail and has no valid `_mta-sts` TXT record (`v=STSv1; id=...`), and "
        "for an MTA-STS policy in the configuration that is not in the baseline's mode (`enforce`), has a "
        "`max_age` under the baseline's minimum (one week) or does not cover every MX host of the domain. A "
        "domain whose name is not known (named by a variable without a value) is not assessed where a zone "
        "declared here may hold it."
    ),
    rationale=(
        "SMTP between servers falls back to plaintext when STARTTLS is stripped, and trusts any MX a forged DNS "
        "answer names. MTA-STS tells senders to insist on TLS with a valid certificate for the listed MX hosts."
    ),
    bad_example=(
        'resource "aws_route53_record" "mx" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "example.com"\n'
        '  type    = "MX"\n'
        "  ttl     = 3600\n"
        '  records = ["10 mx.example.com"]\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_route53_record" "mta_sts" {\n'
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "_mta-sts.example.com"\n'
        '  type    = "TXT"\n'
        "  ttl     = 3600\n"
        '  records = ["v=STSv1; id=2024060101"]\n'
        "}\n\n"
        'resource "aws_s3_object" "mta_sts_policy" {\n'
        '  bucket  = "mta-sts.example.com"\n'
        '  key     = ".well-known/mta-sts.txt"\n'
        '  content = "version: STSv1\\nmode: enforce\\nmx: mx.example.com\\nmax_age: 604800\\n"\n'
        "}\n"
    ),
    check=_check_mta_sts,
    controls=(),
    references=(f"{_RFC}#section-3", f"{_RFC}#section-3.2"),
    fix="unsafe",
    fix_title="Publish an MTA-STS record and an enforce policy",
    presence=True,
)


RULES: tuple[Rule, ...] = (MTASTS001,)
