"""Which names a mail domain's judgement needs, derived from what DNS answered (pure functions).

SPF: the targets of `include` and `redirect` (TXT, followed recursively), and of `a`, `mx` and `exists` (their
address or MX records tell void look-ups apart). DMARC: `_dmarc.` at the domain and every parent up to the
organisational domain (RFC 9989 tree walk), and the `_report._dmarc` authorisation names of external report
addresses. DKIM: `<selector>._domainkey.` for every candidate selector.
"""

from __future__ import annotations

from emailiac.mailauth import find_dmarc_records, find_spf_records, parse_dmarc, parse_spf
from emailiac.mailauth.dmarc import external_report_authorization_name
from emailiac.mailauth.orgdomain import organizational_domain

__all__ = ["COMMON_SELECTORS", "SpfTarget", "dmarc_names", "report_authorization_names", "spf_targets"]

# Selectors worth trying when none is known: Microsoft 365, Google Workspace, common defaults.
COMMON_SELECTORS = ("selector1", "selector2", "google", "default", "dkim", "k1", "s1", "s2", "mail")

SpfTarget = tuple[str, str]  # (name, record type to look up)


def _spec(value: str | None, current: str) -> str | None:
    target = (value or current).lower().rstrip(".")
    return None if "%" in target or not target else target  # macros expand only for a real message


def spf_targets(name: str, txt_values: tuple[str, ...]) -> list[SpfTarget]:
    """The look-ups an evaluation of the SPF record at `name` makes (one record: several are a permerror, and
    then nothing further is evaluated)."""
    records = find_spf_records(list(txt_values))
    if len(records) != 1:
        return []
    record = parse_spf(records[0])
    out: list[SpfTarget] = []
    for mechanism in record.evaluated_mechanisms:
        target = _spec(mechanism.value, name)
        if target is None:
            continue
        if mechanism.name == "include" and mechanism.value:
            out.append((target, "TXT"))
        elif mechanism.name == "a":
            out += [(target, "A"), (target, "AAAA")]
        elif mechanism.name == "mx":
            out.append((target, "MX"))
        elif mechanism.name == "exists" and mechanism.value:
            out.append((target, "A"))
    redirect = record.redirect
    if redirect is not None:
        target = _spec(redirect, name)
        if target is not None:
            out.append((target, "TXT"))
    return out


def dmarc_names(domain: str) -> list[str]:
    """`_dmarc.` names from the domain up to its organisational domain, most specific first."""
    org = organizational_domain(domain)
    labels = domain.split(".")
    names = []
    for i in range(len(labels)):
        candidate = ".".join(labels[i:])
        names.append(f"_dmarc.{candidate}")
        if candidate == org or "." not in candidate:
            break
    return names


def report_authorization_names(dmarc_name: str, txt_values: tuple[str, ...]) -> list[str]:
    """Names that must authorise the external report addresses of the DMARC record at `dmarc_name`."""
    records = find_dmarc_records(list(txt_values))
    if len(records) != 1:
        return []
    domain = dmarc_name.removeprefix("_dmarc.")
    out = []
    for uri in parse_dmarc(records[0]).rua:
        name = external_report_authorization_name(domain, uri.text)
        if name is not None and name not in out:
            out.append(name)
    return out
