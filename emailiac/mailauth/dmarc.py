"""DMARC policy record parsing (RFC 7489 section 6, np from RFC 9091).

Case: the RFC 7489 section 6.4 ABNF writes tag names and keyword values as
quoted strings, which RFC 5234 matches case-insensitively, while "DMARC1" is
spelled with %x values and so is case-sensitive. We follow that: "P=Reject" is
accepted and means reject, but gets a "case" warning because receivers that
apply DKIM tag-list rules (RFC 6376 section 3.2) compare case-sensitively.
"v=dmarc1" is an error.

Whitespace (space or tab) is allowed around ";", "=", "," and ":". Tag order is
free except that v must come first (section 6.3).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .address import split_mail_address
from .orgdomain import organizational_domain
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
from .taglist import RawTag, split_tags

__all__ = [
    "POLICIES",
    "DmarcRecord",
    "DmarcTag",
    "ReportUri",
    "dmarc_record_set_problems",
    "external_report_authorization_name",
    "find_dmarc_records",
    "is_dmarc",
    "parse_dmarc",
    "parse_report_uri",
    "policy_strength",
]

POLICIES = ("none", "quarantine", "reject")
_POLICY_STRENGTH = {name: index for index, name in enumerate(POLICIES)}
_IS_DMARC_RE = re.compile(r"\s*v\s*=\s*dmarc1\s*(?:;|$)", re.IGNORECASE)
_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SIZE_RE = re.compile(r"!([0-9]+)([kmgtKMGT]?)\Z")
_SIZE_TAIL_RE = re.compile(r"![^!@]*\Z")
_KEYWORD_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_FO_OPTIONS = frozenset({"0", "1", "d", "s"})
# Tags of later DMARC documents that RFC 7489 receivers ignore (RFC 9989).
_LATER_TAGS = {"t": ("y", "n"), "psd": ("y", "n", "u")}
_KNOWN_TAGS = frozenset({"v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "fo", "ri", "rf"})


class DmarcTag(NamedTuple):
    """A tag as written: ``name`` lower-cased, ``value`` trimmed but not case-folded."""

    name: str
    value: str
    position: int


class ReportUri(NamedTuple):
    """One rua/ruf URI. ``address`` and ``domain`` are set for valid mailto URIs."""

    text: str
    scheme: str
    address: str | None
    domain: str | None
    size_limit: str | None
    size_bytes: int | None
    position: int


@dataclass(frozen=True, slots=True)
class DmarcRecord:
    """A parsed DMARC record.

    ``p``/``sp``/``np`` hold the valid values written (lower-case), None when
    absent or invalid. ``policy``/``subdomain_policy``/``nonexistent_policy`` are
    what receivers apply: sp falls back to p, np to sp then p; when p is missing or
    p or sp is invalid, RFC 7489 section 6.6.3 makes receivers act as if p=none if
    rua holds a valid URI, and apply no policy (None) otherwise. A record without
    a leading v=DMARC1 or with a repeated tag is discarded: all three are None.
    ``pct``, ``adkim``, ``aspf``, ``fo``, ``ri`` and ``rf`` are effective values
    (defaults when absent or invalid).
    """

    text: str
    is_dmarc: bool
    tags: tuple[DmarcTag, ...]
    p: str | None
    sp: str | None
    np: str | None
    policy: str | None
    subdomain_policy: str | None
    nonexistent_policy: str | None
    pct: int
    rua: tuple[ReportUri, ...]
    ruf: tuple[ReportUri, ...]
    adkim: str
    aspf: str
    fo: tuple[str, ...]
    ri: int
    rf: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)

    def has_tag(self, name: str) -> bool:
        return any(tag.name == name for tag in self.tags)

    def tag(self, name: str) -> DmarcTag | None:
        return next((tag for tag in self.tags if tag.name == name), None)


def is_dmarc(txt: str) -> bool:
    """True when the record's first tag is v=DMARC1.

    Tolerant on purpose (leading whitespace, any case) so that a botched record
    is found and reported by ``parse_dmarc`` rather than taken for no record.
    """
    return _IS_DMARC_RE.match(txt) is not None


def find_dmarc_records(txt_values: Sequence[str]) -> list[str]:
    return [value for value in txt_values if is_dmarc(value)]


def dmarc_record_set_problems(txt_values: Sequence[str]) -> tuple[Problem, ...]:
    """A "multiple" problem when one name publishes several DMARC records."""
    return multiple_records_problem(
        "DMARC", find_dmarc_records(txt_values), "receivers apply no DMARC policy (RFC 7489 section 6.6.3)"
    )


def policy_strength(policy: str | None) -> int:
    """none (0) < quarantine (1) < reject (2); None or an unknown value is -1."""
    if policy is None:
        return -1
    return _POLICY_STRENGTH.get(policy.lower(), -1)


def parse_report_uri(text: str, position: int = 0) -> tuple[ReportUri, str | None]:
    """Parse one DMARC URI; return it with the reason it is invalid (None when valid)."""
    uri, size_limit, size_bytes = text, None, None
    size = _SIZE_RE.search(text)
    if size is not None:
        if int(size.group(1)) >= 1 << 64:
            return _uri(text, "", position), "has a size limit that does not fit in 64 bits"
        uri, size_limit = text[: size.start()], text[size.start() + 1 :]
        size_bytes = int(size.group(1)) * _UNITS[size.group(2).lower()]
    elif (bad := _SIZE_TAIL_RE.search(text)) is not None and "@" in text:
        reason = f"has an invalid size limit {bad.group()!r} (digits and k, m, g or t)"
        return _uri(text, "", position), reason
    scheme, colon, rest = uri.partition(":")
    if not colon or not scheme:
        return _uri(text, "", position), "has no URI scheme; write mailto:<address>"
    scheme = scheme.lower()
    if scheme != "mailto":
        return _uri(text, scheme, position), f"uses the {scheme}: scheme; DMARC reports go to mailto: URIs"
    address = rest.split("?", 1)[0]
    parts = split_mail_address(address)
    if parts is None:
        return _uri(text, scheme, position), f"is not a valid mailto address {address!r}"
    return ReportUri(text, scheme, address, parts[1], size_limit, size_bytes, position), None


def _uri(text: str, scheme: str, position: int) -> ReportUri:
    return ReportUri(text, scheme, None, None, None, None, position)


def external_report_authorization_name(domain: str, rua_address: str) -> str | None:
    """The name that must publish "v=DMARC1" to accept reports for ``domain`` (RFC 7489 7.1).

    ``rua_address`` is a URI ("mailto:d@vendor.example!10m") or a bare address.
    Returns ``<domain>._report._dmarc.<host>`` when the address's host belongs to
    another organisational domain than ``domain``, else None (also when no host
    can be read from it).
    """
    text = rua_address.strip()
    if text.lower().startswith("mailto:"):
        report_uri, error = parse_report_uri(text)
        host = report_uri.domain if error is None else None
    else:
        host = text.rpartition("@")[2].rstrip(".").lower() if "@" in text else None
    own = domain.strip().rstrip(".").lower()
    if not host or not own:
        return None
    if organizational_domain(host) == organizational_domain(own):
        return None
    return f"{own}._report._dmarc.{host}"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.values: dict[str, str] = {}
        self.rua: tuple[ReportUri, ...] = ()
        self.ruf: tuple[ReportUri, ...] = ()
        self.valid_rua = False
        self.invalid: set[str] = set()

    def problem(self, code: str, tag: RawTag, what: str, severity: Severity = ERROR) -> None:
        self.problems.append(
            Problem(code, f"{excerpt(tag.text)} at position {tag.position} {what}", tag.position, severity)
        )

    def run(self) -> tuple[DmarcTag, ...]:
        raw_tags, empty = split_tags(self.text)
        for position in empty:
            self.problems.append(
                Problem("empty-tag", f"DMARC record has an empty tag at position {position}", position, WARNING)
            )
        self.check_version(raw_tags)
        kept: list[DmarcTag] = []
        seen: set[str] = set()
        for raw in raw_tags:
            if not raw.has_equals or _TAG_NAME_RE.fullmatch(raw.name) is None:
                self.problem("syntax", raw, "is not a tag=value pair")
                continue
            name = raw.name.lower()
            if name in seen:
                self.problem("duplicate", raw, f"repeats the {name} tag")
                continue
            seen.add(name)
            kept.append(DmarcTag(name, raw.value, raw.position))
            if name == "v":
                continue  # position and value are judged by check_version
            if name in _KNOWN_TAGS or name in _LATER_TAGS:
                if raw.name != name:
                    self.problem("case", raw, f"writes the tag name {raw.name!r} in upper case", WARNING)
                self.tag_value(name, raw)
            else:
                self.problem("unknown-tag", raw, f"is an unknown tag {name!r}; receivers ignore it", WARNING)
        if "p" not in seen:
            self.problems.append(Problem("p-missing", "DMARC record has no p tag; receivers treat it as p=none"))
        return tuple(kept)

    def check_version(self, raw_tags: list[RawTag]) -> None:
        if self.text[:1].isspace():
            self.problems.append(Problem("version", "DMARC record starts with whitespace", 0))
        first = raw_tags[0] if raw_tags else None
        if first is None or not first.has_equals or first.name.lower() != "v":
            self.problems.append(Problem("version", "DMARC record does not start with v=DMARC1", 0))
        elif first.value != "DMARC1":
            self.problem("version", first, "must be exactly v=DMARC1 (the value is case-sensitive)")

    def tag_value(self, name: str, raw: RawTag) -> None:
        value = raw.value
        lowered = value.lower()
        if name in ("p", "sp", "np"):
            if lowered not in _POLICY_STRENGTH:
                self.bad_value(name, raw, "must be none, quarantine or reject")
                return
            self.keyword_case(raw, value, lowered)
            self.values[name] = lowered
        elif name in ("adkim", "aspf"):
            if lowered not in ("r", "s"):
                self.bad_value(name, raw, "must be r or s")
                return
            self.keyword_case(raw, value, lowered)
            self.values[name] = lowered
        elif name == "pct":
            if not value.isascii() or not value.isdigit() or len(value) > 3 or int(value) > 100:
                self.bad_value(name, raw, "must be an integer from 0 to 100")
                return
            self.values[name] = value
        elif name == "ri":
            if not value.isascii() or not value.isdigit():
                self.bad_value(name, raw, "must be a number of seconds")
                return
            self.values[name] = value
        elif name == "fo":
            options = [option.strip() for option in value.split(":")]
            if not all(option.lower() in _FO_OPTIONS for option in options):
                self.bad_value(name, raw, "must be a colon-separated list of 0, 1, d and s")
                return
            self.values[name] = ":".join(option.lower() for option in options)
        elif name == "rf":
            self.report_formats(raw)
        elif name in ("rua", "ruf"):
            self.report_uris(name, raw)
        else:
            allowed = _LATER_TAGS[name]
            if lowered not in allowed:
                what = f"has an invalid value: {name} must be one of {', '.join(allowed)}; RFC 7489 receivers ignore it"
                self.problem("ignored-value", raw, what, WARNING)

    def bad_value(self, name: str, raw: RawTag, what: str) -> None:
        self.invalid.add(name)
        self.problem("value", raw, f"has an invalid value: {name} {what}")

    def keyword_case(self, raw: RawTag, value: str, lowered: str) -> None:
        if value != lowered:
            self.problem("case", raw, f"writes the value {value!r} in upper case", WARNING)

    def report_formats(self, raw: RawTag) -> None:
        formats = [item.strip().lower() for item in raw.value.split(":")]
        if not all(_KEYWORD_RE.fullmatch(item) for item in formats):
            self.bad_value("rf", raw, "must be a colon-separated list of report formats")
            return
        if any(item != "afrf" for item in formats):
            self.problem("unknown-format", raw, "names a report format other than afrf; receivers ignore it", WARNING)
        self.values["rf"] = ":".join(formats)

    def report_uris(self, name: str, raw: RawTag) -> None:
        uris: list[ReportUri] = []
        offset = raw.value_position
        for item in raw.value.split(","):
            stripped = item.strip()
            position = offset + (len(item) - len(item.lstrip()))
            offset += len(item) + 1
            if not stripped:
                self.problem("uri", raw, f"has an empty URI in {name}")
                continue
            uri, error = parse_report_uri(stripped, position)
            if error is not None:
                self.problems.append(Problem("uri", f"{name} URI {stripped} at position {position} {error}", position))
                continue
            uris.append(uri)
        if name == "rua":
            self.rua = tuple(uris)
            self.valid_rua = bool(uris)
        else:
            self.ruf = tuple(uris)


@functools.lru_cache(maxsize=4096)  # pure: rules parse the same record several times
def parse_dmarc(txt: str) -> DmarcRecord:
    """Parse one DMARC record; never raises, problems describe what is wrong."""
    parser = _Parser(txt)
    tags = parser.run()
    values = parser.values
    p, sp, np = values.get("p"), values.get("sp"), values.get("np")
    if any(problem.code in ("version", "duplicate") for problem in parser.problems):
        # Receivers discard records without a leading v=DMARC1 or with repeated tags.
        policy = subdomain = nonexistent = None
    elif "p" in parser.invalid or "sp" in parser.invalid:
        # RFC 9989 4.10.1 (RFC 7489 6.6.3): a bad p or sp degrades to p=none if rua works.
        policy = subdomain = nonexistent = "none" if parser.valid_rua else None
    elif p is None:
        # RFC 9989 (the p tag): a record without p is treated as if it said p=none.
        policy = "none"
        subdomain = sp or policy
        nonexistent = np or subdomain
    else:
        policy = p
        subdomain = sp or p
        nonexistent = np or subdomain
    return DmarcRecord(
        text=txt,
        is_dmarc=is_dmarc(txt),
        tags=tags,
        p=p,
        sp=sp,
        np=np,
        policy=policy,
        subdomain_policy=subdomain,
        nonexistent_policy=nonexistent,
        pct=int(values.get("pct", "100")),
        rua=parser.rua,
        ruf=parser.ruf,
        adkim=values.get("adkim", "r"),
        aspf=values.get("aspf", "r"),
        fo=tuple(values.get("fo", "0").split(":")),
        ri=int(values.get("ri", "86400")),
        rf=tuple(values.get("rf", "afrf").split(":")),
        problems=sorted_problems(parser.problems),
    )
