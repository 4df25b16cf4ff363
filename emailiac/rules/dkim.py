"""Rules of the dkim family: SES and Microsoft 365 DKIM signing, key sizes, Easy-DKIM CNAMEs.

DKIM001 judges each SES domain identity (does it sign?) and each Microsoft 365 domain (is a selector
published?). DKIM002 judges SES signing key lengths and every DKIM key published as a TXT record.
DKIM003 is an absence rule over SES Easy-DKIM identities: three CNAMEs must point their tokens at SES. Before
apply the tokens are unknown, so a CNAME counts when its name follows `<token>._domainkey.<domain>` and is
built from that identity's own `dkim_tokens` (count/element, or for_each over the token list: the loader
judges an unknown for_each as one `[*]` instance, which stands for every token); with known tokens (live
AWS), the CNAMEs at `<token>._domainkey.<domain>` are looked up by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from emailiac.baseline import Baseline
from emailiac.mailauth import parse_dkim_key
from emailiac.mailauth.taglist import split_tags
from emailiac.model import DnsRecord, Inventory, MailDomain, SesDkim, SesIdentity, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.gaps import gap_verdicts
from emailiac.rules.maildomains import DnsView, could_start_with, name_may_be, record_values
from emailiac.rules.spf_values import label, shown_name
from emailiac.rules.tfaddress import resource_type

__all__ = ["RULES"]

_SES_GUIDE = "https://docs.aws.amazon.com/ses/latest/dg"
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")
_KEY_BITS = {"RSA_1024_BIT": 1024, "RSA_2048_BIT": 2048}
_KEY_TYPES = {"rsa": "RSA", "ed25519": "Ed25519"}
_EASY_DKIM_TOKENS = 3
_M365_SELECTORS = ("selector1", "selector2")
_NOT_RESOURCES = frozenset({"var", "local", "each", "count", "path", "self", "terraform"})
_SAMPLE_TOKEN = "token0123456789abcdefghijklmnopq"
_KEY_RECORD_TAGS = frozenset({"p", "k", "h"})


def _resource_of(ref: str) -> str | None:
    """`module.a.aws_ses_domain_dkim.x["k"].dkim_tokens` -> `module.a.aws_ses_domain_dkim.x`."""
    parts = _INSTANCE_KEY.sub("", ref).split(".")
    prefix: list[str] = []
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        prefix += parts[i : i + 2]
        i += 2
    if i < len(parts) and parts[i] == "data":
        prefix.append("data")
        i += 1
    if i + 1 >= len(parts) or parts[i] in _NOT_RESOURCES:
        return None
    return ".".join([*prefix, parts[i], parts[i + 1]])


# ---------------------------------------------------------------- DKIM001


def _judge_signing(dkim: SesDkim, domain: str) -> Verdict:
    subject = dkim.prov
    if isinstance(dkim.enabled, Unknown):
        return not_assessed(subject, f"DKIM signing of SES identity {domain} is not known ({dkim.enabled.reason})")
    if not dkim.enabled:
        return fail(
            subject,
            f"SES identity {domain} has DKIM signing turned off: its mail carries no DKIM signature",
            evidence=f"{domain} dkim disabled",
            fix_hint="Turn DKIM signing on for the identity",
            identity=domain,
            attribute="signing_enabled",
            value=True,
        )
    if isinstance(dkim.status, Unknown):
        return not_assessed(subject, f"DKIM status of SES identity {domain} is not known ({dkim.status.reason})")
    if dkim.status is not None and dkim.status.upper() != "SUCCESS":
        return fail(
            subject,
            f"SES identity {domain} has DKIM status {dkim.status}: SES does not sign its mail until the DKIM "
            "records verify",
            evidence=f"{domain} dkim status",
            fix_hint=f"Publish the DKIM records of {domain} so that verification succeeds",
            identity=domain,
        )
    origin = "Easy DKIM" if dkim.origin == "AWS_SES" else "its own DKIM key (BYODKIM)"
    return passed(subject, f"SES identity {domain} signs with {origin}", evidence=f"{domain} dkim")


def _check_ses_signing(inventory: Inventory) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, SesDkim, "aws", "ses/dkim")
    dkims = list(inventory.of(SesDkim))
    judged: set[int] = set()
    for ident in inventory.of(SesIdentity):
        if ident.kind == "email":
            continue  # an address signs with its domain's DKIM
        name = ident.identity
        if isinstance(name, Unknown):
            yield not_assessed(
                ident.prov, f"SES identity {ident.prov.address}: the identity is not known ({name.reason})"
            )
            continue
        matches = [d for d in dkims if d.identity == name]
        for dkim in matches:
            judged.add(id(dkim))
            yield _judge_signing(dkim, name)
        if matches:
            continue
        pending = [d for d in dkims if isinstance(d.identity, Unknown)]
        if pending:
            reason = pending[0].identity.reason if isinstance(pending[0].identity, Unknown) else ""
            yield not_assessed(
                ident.prov, f"SES identity {name}: a DKIM resource of an unknown identity may be its own ({reason})"
            )
            continue
        yield fail(
            ident.prov,
            f"SES domain identity {name} has no DKIM signing (no aws_ses_domain_dkim for it): its mail carries no "
            "DKIM signature, so DMARC can pass only through SPF",
            evidence=f"{name} dkim absent",
            fix_hint=f"Add an aws_ses_domain_dkim for {name} and publish its three CNAME records",
            resource="aws_ses_domain_dkim",
            identity=name,
            identity_address=ident.prov.address,
        )
    for dkim in dkims:
        if id(dkim) in judged:
            continue
        if isinstance(dkim.identity, Unknown):
            yield not_assessed(
                dkim.prov, f"DKIM of {dkim.prov.address}: the identity is not known ({dkim.identity.reason})"
            )
        elif "@" not in dkim.identity:
            yield _judge_signing(dkim, dkim.identity)


def _check_m365_selectors(inventory: Inventory, view: DnsView) -> Iterator[Verdict]:
    for domain in sorted({d.name.lower().rstrip(".") for d in inventory.of(MailDomain) if d.origin == "m365"}):
        names = [f"{s}._domainkey.{domain}" for s in _M365_SELECTORS]
        found = [r for n in names for r in (*view.at(n, "CNAME"), *view.at(n, "TXT"))]
        if found:
            yield passed(
                found[0].prov,
                f"Microsoft 365 domain {domain} publishes a DKIM selector",
                evidence=f"{domain} m365 dkim",
            )
            continue
        doubts = [r for n in names for r in (*view.maybe_at(n, "CNAME"), *view.maybe_at(n, "TXT"))]
        if doubts:
            yield not_assessed(
                doubts[0].prov, f"DKIM selectors of {domain}: {doubts[0].prov.address} has a name that is not known"
            )
            continue
        scope = view.scope(names[0])
        subject = view.absent_subject(scope, names[0], "CNAME")
        if not scope.authoritative:
            yield view.unjudged(scope, subject, f"DKIM selectors of {domain}", f"{domain} m365 dkim")
            continue
        yield fail(
            subject,
            f"Microsoft 365 domain {domain} publishes no DKIM selector (selector1/selector2._domainkey): Exchange "
            "Online cannot sign its mail with the domain's own key",
            evidence=f"{domain} m365 dkim absent",
            fix_hint=f"Enable DKIM for {domain} in Exchange Online and publish its selector1 and selector2 CNAMEs",
            names=names,
            type="CNAME",
        )


def _check_signing(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from _check_ses_signing(inventory)
    yield from _check_m365_selectors(inventory, DnsView.of(inventory))


DKIM001 = Rule(
    id="DKIM001",
    slug="dkim-not-signing",
    title="Sending identity does not sign with DKIM",
    severity=Severity.HIGH,
    family="dkim",
    sources=("terraform", "aws", "m365", "dns"),
    summary=(
        "Fails for an SES domain identity without DKIM signing (in Terraform: an `aws_ses_domain_identity` with "
        "no `aws_ses_domain_dkim`; SESv2 identities sign by default), with signing turned off, or whose DKIM "
        "status is not SUCCESS; and for a Microsoft 365 domain that publishes neither DKIM selector "
        "(`selector1`/`selector2._domainkey`)."
    ),
    rationale=(
        "DKIM is the authentication that survives forwarding; without it DMARC can pass only through SPF "
        "alignment, which forwarding and mailing lists break, and receivers trust the mail less."
    ),
    bad_example='resource "aws_ses_domain_identity" "main" {\n  domain = "example.com"\n}\n',
    good_example=(
        'resource "aws_ses_domain_identity" "main" {\n  domain = "example.com"\n}\n\n'
        'resource "aws_ses_domain_dkim" "main" {\n  domain = aws_ses_domain_identity.main.domain\n}\n'
    ),
    check=_check_signing,
    controls=("MS.EXO.3.1v1",),
    references=(f"{_SES_GUIDE}/send-email-authentication-dkim-easy.html", "https://www.rfc-editor.org/rfc/rfc6376"),
    fix="safe",
    fix_title="Sign the identity's mail with DKIM",
    presence=True,
)


# ---------------------------------------------------------------- DKIM002


def _ses_key_verdict(dkim: SesDkim, minimum: int) -> Verdict | None:
    who = dkim.identity if isinstance(dkim.identity, str) else dkim.prov.address
    lengths = (("key_length", dkim.key_length), ("next_key_length", dkim.next_key_length))
    for attr, value in lengths:
        if isinstance(value, Unknown):
            return not_assessed(
                dkim.prov, f"DKIM key length ({attr}) of SES identity {who} is not known ({value.reason})"
            )
    weak = [(attr, v) for attr, v in lengths if isinstance(v, str) and _KEY_BITS.get(v.upper(), minimum) < minimum]
    v2 = resource_type(dkim.prov) != "aws_ses_domain_dkim"
    if weak:
        shown = " and ".join(f"{'current' if a == 'key_length' else 'next'} DKIM key is {v}" for a, v in weak)
        return fail(
            dkim.prov,
            f"SES identity {who}: {shown}; the baseline requires {minimum}-bit keys",
            evidence=f"{who} dkim key length",
            fix_hint='Set next_signing_key_length = "RSA_2048_BIT"'
            if v2
            else "Move the identity to aws_sesv2_email_identity with 2048-bit keys",
            identity=who,
            attribute="dkim_signing_attributes.next_signing_key_length",
            value="RSA_2048_BIT",
        )
    if all(v is None for _, v in lengths):
        if dkim.origin != "AWS_SES":
            return None  # BYODKIM: the key size is judged on its published record
        return passed(
            dkim.prov,
            f"SES identity {who} uses Easy DKIM with SES's default 2048-bit keys",
            evidence=f"{who} dkim key length",
        )
    shown = ", ".join(v for _, v in lengths if isinstance(v, str))
    return passed(dkim.prov, f"SES identity {who} signs with {shown} DKIM keys", evidence=f"{who} dkim key length")


def _is_key_name(record: DnsRecord) -> bool:
    name = record.name if isinstance(record.name, str) else record.name.pattern
    return name is not None and "._domainkey." in f"{name}."


def _is_key_text(text: str) -> bool:
    """A value verifiers would read as a key record: it starts with v=DKIM1 (any case) or has a p=, k= or h=
    tag. One without `p=` is a key record too, and a malformed one (RFC 6376 3.6.1: p= is required)."""
    tags = [tag for tag in split_tags(text)[0] if tag.has_equals]
    if tags and tags[0].name.lower() == "v" and tags[0].value.upper() == "DKIM1":
        return True
    return any(tag.name in _KEY_RECORD_TAGS for tag in tags)


def _published_key_verdicts(view: DnsView, minimum: int) -> Iterator[Verdict]:
    for record in view.records:
        if record.type != "TXT" or not _is_key_name(record):
            continue
        name = label(record)
        named = shown_name(name)
        for value in record_values(record):
            evidence = f"{name} dkim key {value.index}"
            text = value.text
            if isinstance(text, Unknown):
                if could_start_with(text.pattern, "v=DKIM1") or (text.pattern is not None and "p=" in text.pattern):
                    yield not_assessed(
                        record.prov, f"DKIM key at {named} is not known ({text.reason})", evidence=evidence
                    )
                continue
            if not _is_key_text(text):
                continue  # another TXT value at the selector name, not a key record
            key = parse_dkim_key(text)
            if key.revoked:
                yield passed(record.prov, f"DKIM key at {named} is revoked (empty p=)", evidence=evidence)
            elif key.key_bits is None:
                problems = "; ".join(p.message for p in key.problems if p.is_error)
                yield fail(
                    record.prov,
                    f"DKIM key at {named} cannot be read ({problems}): verifiers fail every signature made with it",
                    evidence=evidence,
                    fix_hint=f"Publish a valid {minimum}-bit RSA or Ed25519 key at {named}",
                    name=name,
                )
            elif key.key_type == "rsa" and key.key_bits < minimum:
                yield fail(
                    record.prov,
                    f"DKIM key at {named} is a {key.key_bits}-bit RSA key; the baseline requires {minimum} bits",
                    evidence=evidence,
                    fix_hint=f"Publish a {minimum}-bit RSA key at a new selector and sign with it",
                    name=name,
                    key_bits=key.key_bits,
                )
            else:
                yield passed(
                    record.prov,
                    f"DKIM key at {named} is a {key.key_bits}-bit {_KEY_TYPES.get(key.key_type, key.key_type)} key",
                    evidence=evidence,
                )


def _check_key_size(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    minimum = baseline.dkim.min_key_bits
    for dkim in inventory.of(SesDkim):
        verdict = _ses_key_verdict(dkim, minimum)
        if verdict is not None:
            yield verdict
    yield from _published_key_verdicts(DnsView.of(inventory), minimum)


DKIM002 = Rule(
    id="DKIM002",
    slug="dkim-key-too-short",
    title="DKIM key under 2048 bits",
    severity=Severity.MEDIUM,
    family="dkim",
    sources=("terraform", "aws", "dns"),
    summary=(
        "Fails for an SES identity whose current or next DKIM signing key is `RSA_1024_BIT`, and for a DKIM key "
        "published as a TXT record (`<selector>._domainkey.<domain>`) whose RSA key is shorter than the "
        "baseline's minimum (2048 bits) or cannot be decoded. Ed25519 keys and revoked (empty) keys pass."
    ),
    rationale=(
        "1024-bit RSA keys are within reach of well-funded attackers; a factored DKIM key lets anyone sign mail "
        "as the domain, with DMARC passing."
    ),
    bad_example=(
        'resource "aws_sesv2_email_identity" "main" {\n'
        '  email_identity = "example.com"\n\n'
        "  dkim_signing_attributes {\n"
        '    next_signing_key_length = "RSA_1024_BIT"\n'
        "  }\n"
        "}\n"
    ),
    good_example=(
        'resource "aws_sesv2_email_identity" "main" {\n'
        '  email_identity = "example.com"\n\n'
        "  dkim_signing_attributes {\n"
        '    next_signing_key_length = "RSA_2048_BIT"\n'
        "  }\n"
        "}\n"
    ),
    check=_check_key_size,
    controls=(),
    references=(
        "https://www.rfc-editor.org/rfc/rfc8301#section-3.2",
        f"{_SES_GUIDE}/send-email-authentication-dkim-easy.html",
    ),
    fix="safe",
    fix_title="Sign with 2048-bit DKIM keys",
)


# ---------------------------------------------------------------- DKIM003


def _token_resources(dkim: SesDkim) -> set[str]:
    own = _resource_of(f"{dkim.prov.address}.tokens")
    refs = dkim.tokens.refs if isinstance(dkim.tokens, Unknown) else ()
    return {r for r in (own, *map(_resource_of, refs)) if r is not None}


def _is_ses_target(record: DnsRecord) -> bool:
    for value in record_values(record):
        text = value.text if isinstance(value.text, str) else value.text.pattern
        if text is None or text.endswith(".dkim.amazonses.com"):
            return True
    return False


def _count_unknown_tokens(dkim: SesDkim, domain: str, view: DnsView) -> tuple[int, list[DnsRecord]]:
    """(CNAMEs published for the identity's tokens, up to three; records that might be some of them)."""
    sample = f"{_SAMPLE_TOKEN}._domainkey.{domain}"
    mine = _token_resources(dkim)
    literal: set[str] = set()
    count = 0
    doubts: list[DnsRecord] = []
    for record in view.records:
        if record.type not in ("CNAME", "?"):
            continue
        if isinstance(record.name, str):
            selector, _, rest = record.name.partition(".")
            if rest == f"_domainkey.{domain}" and "." not in selector and _is_ses_target(record):
                literal.add(record.name)
            continue
        if not name_may_be(record.name, sample, view.zone_of_record(record)):
            continue
        refs = {r for r in map(_resource_of, record.name.refs) if r is not None}
        if refs & mine:
            # One instance per token (count), or one [*] instance for every token (for_each over the list).
            count += _EASY_DKIM_TOKENS if record.prov.address.endswith("[*]") else 1
        else:
            doubts.append(record)
    return min(_EASY_DKIM_TOKENS, count + len(literal)), doubts


def _count_known_tokens(tokens: tuple[str, ...], domain: str, view: DnsView) -> tuple[int, list[DnsRecord]]:
    count = 0
    doubts: list[DnsRecord] = []
    for token in tokens:
        name = f"{token.lower()}._domainkey.{domain}"
        if view.at(name, "CNAME"):
            count += 1
        else:
            doubts += view.maybe_at(name, "CNAME")
    return count, doubts


def _cname_fix(dkim: SesDkim, domain: str, view: DnsView) -> dict[str, Any]:
    """What a fix needs: the missing CNAMEs when the tokens are known, else the expression that yields them."""
    if isinstance(dkim.tokens, tuple):
        names = [(t.lower(), f"{t.lower()}._domainkey.{domain}") for t in dkim.tokens]
        missing = [(t, n) for t, n in names if not view.at(n, "CNAME")]
        return {"records": [{"name": n, "type": "CNAME", "value": f"{t}.dkim.amazonses.com"} for t, n in missing]}
    owner = _resource_of(f"{dkim.prov.address}.tokens") or dkim.prov.address
    v2 = resource_type(dkim.prov) == "aws_sesv2_email_identity"
    return {"tokens": f"{owner}.dkim_signing_attributes[0].tokens" if v2 else f"{owner}.dkim_tokens"}


def _check_cnames(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    view = DnsView.of(inventory)
    for dkim in inventory.of(SesDkim):
        if dkim.origin != "AWS_SES" or dkim.tokens is None:
            continue  # BYODKIM publishes its own key, not SES tokens
        subject = dkim.prov
        domain = dkim.identity
        if isinstance(domain, Unknown):
            yield not_assessed(
                subject, f"Easy DKIM CNAMEs of {subject.address}: the identity is not known ({domain.reason})"
            )
            continue
        if "@" in domain or (isinstance(dkim.enabled, bool) and not dkim.enabled):
            continue
        tokens = dkim.tokens
        wanted = len(tokens) if isinstance(tokens, tuple) else _EASY_DKIM_TOKENS
        if isinstance(tokens, tuple):
            count, doubts = _count_known_tokens(tokens, domain, view)
        else:
            count, doubts = _count_unknown_tokens(dkim, domain, view)
        evidence = f"{domain} easy dkim cnames"
        if count >= wanted:
            yield passed(subject, f"all {wanted} Easy DKIM CNAMEs of {domain} are published", evidence=evidence)
            continue
        what = f"Easy DKIM CNAMEs of {domain} ({count} of {wanted} found)"
        if doubts:
            yield not_assessed(
                doubts[0].prov,
                f"{what}: {doubts[0].prov.address} may be one of them, but its name is not known",
                evidence=evidence,
            )
            continue
        # A live scan speaks for the token names it looked up; a declared zone for all of them alike.
        first = f"{tokens[0].lower()}._domainkey.{domain}" if isinstance(tokens, tuple) and tokens else None
        scope = view.scope(first or f"_domainkey.{domain}")
        if not scope.authoritative:
            yield view.unjudged(scope, subject, what, evidence)
            continue
        yield fail(
            subject,
            f"{count} of {wanted} Easy DKIM CNAMEs of SES identity {domain} are published: SES cannot verify the "
            "domain's DKIM and does not sign with it",
            evidence=evidence,
            fix_hint=f"Publish a CNAME <token>._domainkey.{domain} -> <token>.dkim.amazonses.com for each of the "
            f"{wanted} DKIM tokens",
            zone=scope.zone.prov.address if scope.zone else None,
            provider=scope.zone.provider if scope.zone else None,
            domain=domain,
            dkim=subject.address,
            published=count,
            wanted=wanted,
            **_cname_fix(dkim, domain, view),
        )


DKIM003 = Rule(
    id="DKIM003",
    slug="ses-dkim-cnames-missing",
    title="SES Easy-DKIM tokens without their CNAME records",
    severity=Severity.HIGH,
    family="dkim",
    sources=("terraform", "aws", "dns"),
    summary=(
        "Fails for an SES Easy-DKIM identity whose three `<token>._domainkey.<domain>` CNAMEs (pointing at "
        "`<token>.dkim.amazonses.com`) are not all published. In Terraform a CNAME counts when its name is built "
        "from that identity's `dkim_tokens`; the absence is judged only where the domain's zone is declared."
    ),
    rationale=(
        "SES signs with Easy DKIM only after it finds all three CNAMEs; with one missing, the identity stays "
        "unverified for DKIM and mail leaves unsigned or signed for amazonses.com only."
    ),
    bad_example=(
        'resource "aws_route53_record" "dkim" {\n'
        "  count   = 2\n"
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "${aws_ses_domain_dkim.main.dkim_tokens[count.index]}._domainkey.example.com"\n'
        '  type    = "CNAME"\n'
        "  ttl     = 600\n"
        '  records = ["${aws_ses_domain_dkim.main.dkim_tokens[count.index]}.dkim.amazonses.com"]\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_route53_record" "dkim" {\n'
        "  count   = 3\n"
        "  zone_id = aws_route53_zone.main.zone_id\n"
        '  name    = "${aws_ses_domain_dkim.main.dkim_tokens[count.index]}._domainkey.example.com"\n'
        '  type    = "CNAME"\n'
        "  ttl     = 600\n"
        '  records = ["${aws_ses_domain_dkim.main.dkim_tokens[count.index]}.dkim.amazonses.com"]\n'
        "}\n"
    ),
    check=_check_cnames,
    controls=(),
    references=(f"{_SES_GUIDE}/send-email-authentication-dkim-easy-setup-domain.html",),
    fix="safe",
    fix_title="Publish the three Easy DKIM CNAME records",
    presence=True,
)


RULES: tuple[Rule, ...] = (DKIM001, DKIM002, DKIM003)
