"""SPF record parsing and validation (RFC 7208).

Syntax follows the RFC 7208 section 12 ABNF strictly: terms are separated by
spaces only, names are case-insensitive, and a record that receivers would
answer with "permerror" gets error-level problems. Risky but working records
(``ptr``, terms after ``all``, an ignored ``redirect``) get warnings.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .problem import (
    ERROR,
    WARNING,
    Problem,
    Severity,
    excerpt,
    has_errors,
    multiple_records_problem,
    sorted_problems,
)
from .spf_lookups import LookupCount, LookupFailure, LookupStep, count_lookups
from .spf_macro import domain_spec_error, macro_string_error, split_domain_cidr
from .txt import check_string_lengths

__all__ = [
    "DNS_MECHANISMS",
    "MECHANISMS",
    "LookupCount",
    "LookupFailure",
    "LookupStep",
    "Mechanism",
    "Modifier",
    "SpfRecord",
    "check_string_lengths",
    "count_lookups",
    "find_spf_records",
    "is_spf",
    "parse_spf",
    "qualifier_strength",
    "spf_record_set_problems",
]

MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
# Terms that cost a DNS query at evaluation time (RFC 7208 section 4.6.4).
DNS_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
# Reporting modifiers of RFC 6652: known extensions, so not worth a warning.
_KNOWN_EXTENSION_MODIFIERS = frozenset({"ra", "rp", "rr"})

_TERM_RE = re.compile(r"([+\-~?]?)([A-Za-z][A-Za-z0-9_.\-]*)(.*)", re.DOTALL)
_TOKEN_RE = re.compile(r"[^ ]+")
# qnum of RFC 7208 section 12: 0-255 without leading zeros.
_QNUM = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4_RE = re.compile(rf"(?:{_QNUM}\.){{3}}{_QNUM}")
# Fast path for the commonest terms, written so that a match is always valid;
# anything else goes through the full checks.
_PLAIN_DOMAIN = r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?"
_FAST_TERM_RE = re.compile(
    rf"([+\-~?]?)(?:(?i:ip4):({_QNUM}(?:\.{_QNUM}){{3}})(?:/(3[0-2]|[12]?[0-9]))?"
    rf"|(?i:include):({_PLAIN_DOMAIN})|((?i:all)))"
)
_PREFIX_RE = re.compile(r"0|[1-9][0-9]{0,2}")
_DUAL_CIDR_RE = re.compile(r"(?:/(0|[1-9][0-9]{0,2}))?(?://(0|[1-9][0-9]{0,2}))?")
_QUALIFIER_STRENGTH = {"+": 0, "?": 1, "~": 2, "-": 3}


class Mechanism(NamedTuple):
    """A directive: qualifier plus mechanism (immutable; a named tuple for parsing speed).

    ``value`` is the domain-spec (include, a, mx, ptr, exists) or the address
    without its prefix length (ip4, ip6); None when the term has none.
    """

    name: str
    qualifier: str
    value: str | None
    cidr4: int | None
    cidr6: int | None
    position: int
    text: str

    @property
    def makes_lookup(self) -> bool:
        return self.name in DNS_MECHANISMS

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
        """The ip4/ip6 network, or None for other mechanisms and invalid values."""
        if self.value is None or self.name not in ("ip4", "ip6"):
            return None
        prefix = self.cidr4 if self.name == "ip4" else self.cidr6
        text = self.value if prefix is None else f"{self.value}/{prefix}"
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return None
        return network if (network.version == 4) == (self.name == "ip4") else None


class Modifier(NamedTuple):
    """A name=value term (redirect, exp, or an extension)."""

    name: str
    value: str
    position: int
    text: str


@dataclass(frozen=True, slots=True)
class SpfRecord:
    text: str
    is_spf: bool
    terms: tuple[Mechanism | Modifier, ...]
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        """No error-level problem: receivers evaluate the record without permerror."""
        return not has_errors(self.problems)

    @property
    def mechanisms(self) -> tuple[Mechanism, ...]:
        return tuple(t for t in self.terms if isinstance(t, Mechanism))

    @property
    def modifiers(self) -> tuple[Modifier, ...]:
        return tuple(t for t in self.terms if isinstance(t, Modifier))

    @property
    def all_mechanism(self) -> Mechanism | None:
        for term in self.terms:
            if isinstance(term, Mechanism) and term.name == "all":
                return term
        return None

    @property
    def all_qualifier(self) -> str | None:
        """Qualifier of the first ``all`` ("+", "-", "~", "?"), None without ``all``."""
        found = self.all_mechanism
        return None if found is None else found.qualifier

    @property
    def evaluated_mechanisms(self) -> tuple[Mechanism, ...]:
        """Mechanisms up to and including the first ``all``; later ones never run."""
        result: list[Mechanism] = []
        for term in self.terms:
            if isinstance(term, Mechanism):
                result.append(term)
                if term.name == "all":
                    break
        return tuple(result)

    def modifier(self, name: str) -> Modifier | None:
        for term in self.terms:
            if isinstance(term, Modifier) and term.name == name:
                return term
        return None

    @property
    def redirect(self) -> str | None:
        """The redirect target, None when absent or ignored because ``all`` is present."""
        found = self.modifier("redirect")
        if found is None or self.all_mechanism is not None:
            return None
        return found.value

    @property
    def exp(self) -> str | None:
        found = self.modifier("exp")
        return None if found is None else found.value


def is_spf(txt: str) -> bool:
    """True for a record starting with "v=spf1" followed by a space or the end."""
    return txt[:6].lower() == "v=spf1" and (len(txt) == 6 or txt[6] == " ")


def find_spf_records(txt_values: Sequence[str]) -> list[str]:
    """The SPF records among the TXT values published at one name."""
    return [value for value in txt_values if is_spf(value)]


def spf_record_set_problems(txt_values: Sequence[str]) -> tuple[Problem, ...]:
    """A "multiple" problem when one name publishes several SPF records (RFC 7208 4.5)."""
    return multiple_records_problem(
        "v=spf1", find_spf_records(txt_values), "receivers return permerror (RFC 7208 section 4.5)"
    )


def qualifier_strength(qualifier: str | None) -> int:
    """Order qualifiers: "+" (0) < "?" (1) < "~" (2) < "-" (3); None (no all) counts as "?"."""
    if qualifier is None:
        return _QUALIFIER_STRENGTH["?"]
    return _QUALIFIER_STRENGTH.get(qualifier, _QUALIFIER_STRENGTH["?"])


class _Parser:
    """One pass over the terms of a record; collects terms and problems."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.terms: list[Mechanism | Modifier] = []
        self.problems: list[Problem] = []
        self.all_seen = False
        self.seen_modifiers: set[str] = set()

    def problem(self, code: str, token: str, pos: int, what: str, severity: Severity = ERROR) -> None:
        self.problems.append(Problem(code, f"{excerpt(token)} at position {pos} {what}", pos, severity))

    def run(self) -> None:
        for match in _TOKEN_RE.finditer(self.text, 6):
            self.term(match.group(), match.start())
        redirect = next((t for t in self.terms if isinstance(t, Modifier) and t.name == "redirect"), None)
        if redirect is not None and self.all_seen:
            self.problem(
                "redirect-ignored",
                redirect.text,
                redirect.position,
                "is ignored because the record has an all mechanism (RFC 7208 section 6.1)",
                WARNING,
            )

    def term(self, token: str, pos: int) -> None:
        fast = _FAST_TERM_RE.fullmatch(token)
        if fast is not None and len(token) < 250:
            self.fast_term(token, pos, fast)
            return
        match = _TERM_RE.fullmatch(token)
        if match is None:
            self.problem("syntax", token, pos, "is not a valid SPF term")
            return
        qualifier, raw_name, rest = match.groups()
        name = raw_name.lower()
        if rest.startswith("="):
            self.modifier(token, pos, qualifier, name, rest[1:])
            return
        if name not in MECHANISMS:
            self.problem("unknown-mechanism", token, pos, f"uses unknown mechanism {raw_name!r}")
            return
        if self.all_seen:
            self.after_all(token, pos)
        if name == "all":
            self.all_seen = True
        mechanism = self.mechanism(token, pos, qualifier or "+", name, rest)
        if mechanism is not None:
            self.terms.append(mechanism)

    def fast_term(self, token: str, pos: int, match: re.Match[str]) -> None:
        qualifier, address, prefix, include, _ = match.groups()
        if self.all_seen:
            self.after_all(token, pos)
        if address is not None:
            cidr4 = None if prefix is None else int(prefix)
            self.terms.append(Mechanism("ip4", qualifier or "+", address, cidr4, None, pos, token))
        elif include is not None:
            self.terms.append(Mechanism("include", qualifier or "+", include, None, None, pos, token))
        else:
            self.all_seen = True
            self.terms.append(Mechanism("all", qualifier or "+", None, None, None, pos, token))

    def after_all(self, token: str, pos: int) -> None:
        self.problem("all-position", token, pos, "comes after the all mechanism and is never evaluated", WARNING)

    def modifier(self, token: str, pos: int, qualifier: str, name: str, value: str) -> None:
        if qualifier:
            self.problem("syntax", token, pos, "is a modifier and cannot take a qualifier")
            return
        if name in ("redirect", "exp"):
            if name in self.seen_modifiers:
                self.problem("duplicate", token, pos, f"repeats the {name} modifier (RFC 7208 section 6)")
                return
            self.seen_modifiers.add(name)
            if not value:
                self.problem("syntax", token, pos, f"has an empty {name} target")
                return
            error = domain_spec_error(value)
            if error is not None:
                self.problem(error.code, token, pos, error.reason)
                return
        else:
            error, _ = macro_string_error(value)
            if error is not None:
                self.problem(error.code, token, pos, error.reason)
                return
            if name not in _KNOWN_EXTENSION_MODIFIERS:
                self.problem(
                    "unknown-modifier",
                    token,
                    pos,
                    f"is an unknown modifier {name!r}; receivers ignore it",
                    WARNING,
                )
        self.terms.append(Modifier(name, value, pos, token))

    def mechanism(self, token: str, pos: int, qualifier: str, name: str, rest: str) -> Mechanism | None:
        if name == "all":
            if rest:
                self.problem("syntax", token, pos, "is invalid: all takes no value")
                return None
            return Mechanism(name, qualifier, None, None, None, pos, token)
        if name in ("ip4", "ip6"):
            return self.ip_mechanism(token, pos, qualifier, name, rest)
        if name in ("include", "exists"):
            if not rest.startswith(":") or len(rest) == 1:
                self.problem("syntax", token, pos, f"needs a domain: {name}:<domain>")
                return None
            return self.with_domain(token, pos, qualifier, name, rest[1:], "")
        if name == "ptr":
            self.problem(
                "ptr",
                token,
                pos,
                "uses the ptr mechanism, which is deprecated (RFC 7208 section 5.5)",
                WARNING,
            )
            if not rest:
                return Mechanism(name, qualifier, None, None, None, pos, token)
            if not rest.startswith(":") or len(rest) == 1:
                self.problem("syntax", token, pos, "is invalid: ptr takes only an optional :<domain>")
                return None
            return self.with_domain(token, pos, qualifier, name, rest[1:], "")
        # a and mx: [":" domain-spec] [dual-cidr-length]
        if not rest:
            return Mechanism(name, qualifier, None, None, None, pos, token)
        if rest.startswith("/"):
            return self.with_domain(token, pos, qualifier, name, None, rest)
        if not rest.startswith(":"):
            self.problem("syntax", token, pos, f"is invalid after {name!r}")
            return None
        domain, cidr = split_domain_cidr(rest[1:])
        if not domain:
            self.problem("syntax", token, pos, f"needs a domain after {name}:")
            return None
        return self.with_domain(token, pos, qualifier, name, domain, cidr)

    def with_domain(
        self, token: str, pos: int, qualifier: str, name: str, domain: str | None, cidr: str
    ) -> Mechanism | None:
        if domain is not None:
            error = domain_spec_error(domain)
            if error is not None:
                self.problem(error.code, token, pos, error.reason)
                return None
        cidr4: int | None = None
        cidr6: int | None = None
        if cidr:
            match = _DUAL_CIDR_RE.fullmatch(cidr)
            if match is None or (match.group(1) is None and match.group(2) is None):
                self.problem("cidr", token, pos, f"has an invalid prefix length {cidr!r}")
                return None
            cidr4 = None if match.group(1) is None else int(match.group(1))
            cidr6 = None if match.group(2) is None else int(match.group(2))
            if (cidr4 is not None and cidr4 > 32) or (cidr6 is not None and cidr6 > 128):
                self.problem("cidr", token, pos, "has a prefix length out of range (IPv4 0-32, IPv6 0-128)")
                return None
        return Mechanism(name, qualifier, domain, cidr4, cidr6, pos, token)

    def ip_mechanism(self, token: str, pos: int, qualifier: str, name: str, rest: str) -> Mechanism | None:
        family = "IPv4" if name == "ip4" else "IPv6"
        if not rest.startswith(":") or len(rest) == 1:
            self.problem("syntax", token, pos, f"needs an address: {name}:<{family} network>")
            return None
        address, slash, prefix_text = rest[1:].partition("/")
        prefix: int | None = None
        if slash:
            if _PREFIX_RE.fullmatch(prefix_text) is None:
                self.problem("cidr", token, pos, f"has an invalid prefix length {prefix_text!r}")
                return None
            prefix = int(prefix_text)
            if prefix > (32 if name == "ip4" else 128):
                self.problem("cidr", token, pos, f"has a prefix length over {32 if name == 'ip4' else 128}")
                return None
        is_v4 = _IPV4_RE.fullmatch(address) is not None
        if name == "ip4":
            if is_v4:
                return Mechanism(name, qualifier, address, prefix, None, pos, token)
            hint = "; use ip6: for IPv6" if _is_ipv6(address) else ""
            self.problem("ip", token, pos, f"is not a valid IPv4 network{hint}")
            return None
        if _is_ipv6(address):
            return Mechanism(name, qualifier, address, None, prefix, pos, token)
        hint = "; use ip4: for IPv4" if is_v4 else ""
        self.problem("ip", token, pos, f"is not a valid IPv6 network{hint}")
        return None


def _is_ipv6(address: str) -> bool:
    # ipaddress accepts "%scope" suffixes, which the SPF grammar does not.
    if ":" not in address or "%" in address:
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)  # pure: rules parse the same record several times
def parse_spf(txt: str) -> SpfRecord:
    """Parse one SPF record; never raises, problems describe what is wrong."""
    if not is_spf(txt):
        problem = Problem("version", f"record does not start with 'v=spf1 ': {txt[:20]!r}", 0)
        return SpfRecord(txt, False, (), (problem,))
    parser = _Parser(txt)
    parser.run()
    return SpfRecord(txt, True, tuple(parser.terms), sorted_problems(parser.problems))
