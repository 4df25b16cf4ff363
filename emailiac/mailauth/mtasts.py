"""MTA-STS DNS record and policy file (RFC 8461 sections 3.1, 3.2 and 4.1).

Both grammars are case-sensitive (%s strings in the ABNF) and allow no space
around "=" in the TXT record. A repeated field other than ``mx`` keeps its
first value (section 3.2); the repeat is reported as a warning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
    "MAX_AGE_LIMIT",
    "StsPolicy",
    "StsRecord",
    "find_sts_records",
    "is_sts_record",
    "mx_covered",
    "mx_pattern_matches",
    "parse_sts_policy",
    "parse_sts_record",
    "sts_record_set_problems",
]

MAX_AGE_LIMIT = 31_557_600
MODES = ("enforce", "testing", "none")
_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}")
_EXT_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXT_VALUE_RE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")
_POLICY_VALUE_RE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_MX_RE = re.compile(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})+\.?")
_MAX_AGE_RE = re.compile(r"[0-9]{1,10}")
_VERSION = "v=STSv1"


@dataclass(frozen=True, slots=True)
class StsRecord:
    """The _mta-sts TXT record. ``id`` is None when missing or invalid."""

    text: str
    is_sts: bool
    id: str | None
    extensions: tuple[tuple[str, str], ...]
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)


@dataclass(frozen=True, slots=True)
class StsPolicy:
    """The policy file. ``max_age`` is None when missing or invalid."""

    text: str
    version: str | None
    mode: str | None
    max_age: int | None
    mx: tuple[str, ...]
    extensions: tuple[tuple[str, str], ...]
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)


def is_sts_record(txt: str) -> bool:
    """Records that do not begin with "v=STSv1;" are discarded (RFC 8461 section 3.1)."""
    return txt.startswith(_VERSION) and txt[len(_VERSION) :].lstrip(" \t")[:1] in ("", ";")


def find_sts_records(txt_values: Sequence[str]) -> list[str]:
    return [value for value in txt_values if is_sts_record(value)]


def sts_record_set_problems(txt_values: Sequence[str]) -> tuple[Problem, ...]:
    return multiple_records_problem(
        "MTA-STS", find_sts_records(txt_values), "senders assume there is no policy (RFC 8461 section 3.1)"
    )


def _tag_problem(code: str, tag: RawTag, what: str, severity: Severity = ERROR) -> Problem:
    return Problem(code, f"{excerpt(tag.text)} at position {tag.position} {what}", tag.position, severity)


@functools.lru_cache(maxsize=4096)  # pure: rules parse the same record several times
def parse_sts_record(txt: str) -> StsRecord:
    """Parse the _mta-sts TXT record ("v=STSv1; id=20240101T000000;")."""
    tags, empty = split_tags(txt)
    problems = [Problem("syntax", f"MTA-STS record has an empty field at position {p}", p) for p in empty]
    is_sts = is_sts_record(txt)
    if not is_sts:
        problems.append(Problem("version", "MTA-STS record does not start with v=STSv1", 0))
    record_id: str | None = None
    seen: set[str] = set()
    extensions: list[tuple[str, str]] = []
    for index, tag in enumerate(tags):
        if index == 0 and tag.text == _VERSION:
            continue
        if not tag.has_equals or tag.space_around_equals:
            problems.append(_tag_problem("syntax", tag, "is not a name=value field without spaces"))
            continue
        if tag.name in seen:
            problems.append(_tag_problem("duplicate", tag, f"repeats {tag.name}; the first value is used", WARNING))
            continue
        seen.add(tag.name)
        if tag.name == "id":
            if _ID_RE.fullmatch(tag.value) is None:
                problems.append(_tag_problem("id", tag, "must be 1 to 32 letters or digits"))
            else:
                record_id = tag.value
        elif tag.name == "v":
            if is_sts:  # otherwise the missing leading version is already reported
                problems.append(_tag_problem("version", tag, "must appear once, as the first field"))
        elif _EXT_NAME_RE.fullmatch(tag.name) is None or _EXT_VALUE_RE.fullmatch(tag.value) is None:
            problems.append(_tag_problem("syntax", tag, "is not a valid extension field"))
        else:
            extensions.append((tag.name, tag.value))
    if "id" not in seen:
        problems.append(Problem("id", "MTA-STS record has no id field"))
    return StsRecord(txt, is_sts, record_id, tuple(extensions), sorted_problems(problems))


class _PolicyParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.fields: dict[str, str] = {}
        self.mx: list[str] = []
        self.extensions: list[tuple[str, str]] = []

    def problem(self, code: str, line: str, pos: int, what: str, severity: Severity = ERROR) -> None:
        self.problems.append(Problem(code, f"{excerpt(line)!r} at position {pos} {what}", pos, severity))

    def run(self) -> None:
        position = 0
        for raw_line in self.text.split("\n"):
            line = raw_line[:-1] if raw_line.endswith("\r") else raw_line
            if line.strip():
                self.line(line, position)
            position += len(raw_line) + 1

    def line(self, line: str, pos: int) -> None:
        key, colon, rest = line.partition(":")
        value = rest.strip(" \t")
        if not colon or _EXT_NAME_RE.fullmatch(key) is None or _POLICY_VALUE_RE.fullmatch(value) is None:
            self.problem("syntax", line, pos, "is not a 'key: value' line")
            return
        if key == "mx":
            if _MX_RE.fullmatch(value) is None:
                self.problem("mx", line, pos, "is not a host name or *.suffix pattern")
            else:
                self.mx.append(value)
            return
        if key in self.fields:
            self.problem("duplicate", line, pos, f"repeats {key}; the first value is used", WARNING)
            return
        if key == "version":
            if value != "STSv1":
                self.problem("version", line, pos, "must be version: STSv1")
                return
        elif key == "mode":
            if value not in MODES:
                self.problem("mode", line, pos, "must be enforce, testing or none")
                return
        elif key == "max_age":
            if _MAX_AGE_RE.fullmatch(value) is None or int(value) > MAX_AGE_LIMIT:
                self.problem("max-age", line, pos, f"must be 0 to {MAX_AGE_LIMIT} seconds")
                return
        else:
            self.extensions.append((key, value))
        self.fields[key] = value

    def finish(self) -> None:
        for key in ("version", "mode", "max_age"):
            if key not in self.fields:
                self.problems.append(Problem("missing", f"MTA-STS policy has no valid {key} field"))
        if not self.mx and self.fields.get("mode", "none") != "none":
            self.problems.append(Problem("mx", "MTA-STS policy has no mx field"))


@functools.lru_cache(maxsize=4096)  # pure: rules parse the same record several times
def parse_sts_policy(text: str) -> StsPolicy:
    """Parse the policy served at https://mta-sts.<domain>/.well-known/mta-sts.txt."""
    parser = _PolicyParser(text)
    parser.run()
    parser.finish()
    fields = parser.fields
    max_age = fields.get("max_age")
    return StsPolicy(
        text=text,
        version=fields.get("version"),
        mode=fields.get("mode"),
        max_age=None if max_age is None else int(max_age),
        mx=tuple(parser.mx),
        extensions=tuple(parser.extensions),
        problems=sorted_problems(parser.problems),
    )


def mx_pattern_matches(pattern: str, mx_host: str) -> bool:
    """RFC 8461 section 4.1: a "*." pattern matches exactly one extra leftmost label."""
    host = mx_host.strip().rstrip(".").lower()
    wanted = pattern.strip().rstrip(".").lower()
    if not wanted.startswith("*."):
        return host == wanted
    suffix = wanted[1:]
    label = host[: -len(suffix)] if host.endswith(suffix) else ""
    return bool(label) and "." not in label


def mx_covered(policy: StsPolicy | Iterable[str], mx_host: str) -> bool:
    """True when one of the policy's mx patterns matches ``mx_host``."""
    patterns = policy.mx if isinstance(policy, StsPolicy) else policy
    return any(mx_pattern_matches(pattern, mx_host) for pattern in patterns)
