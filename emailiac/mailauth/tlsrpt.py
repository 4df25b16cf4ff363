"""SMTP TLS reporting record at _smtp._tls.<domain> (RFC 8460 section 3).

The grammar is case-sensitive and allows no space around "="; whitespace is
allowed around ";" and between rua URIs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .address import is_host_name, split_mail_address
from .problem import (
    WARNING,
    Problem,
    excerpt,
    has_errors,
    multiple_records_problem,
    sorted_problems,
)
from .taglist import split_tags

__all__ = [
    "TlsRptRecord",
    "find_tlsrpt_records",
    "is_tlsrpt",
    "parse_tlsrpt",
    "tlsrpt_record_set_problems",
]

_VERSION = "v=TLSRPTv1"
_EXT_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXT_VALUE_RE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")


@dataclass(frozen=True, slots=True)
class TlsRptRecord:
    """``rua`` holds the valid URIs, in order."""

    text: str
    is_tlsrpt: bool
    rua: tuple[str, ...]
    extensions: tuple[tuple[str, str], ...]
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)


def is_tlsrpt(txt: str) -> bool:
    """Records not starting with "v=TLSRPTv1" then ";" or the end are discarded."""
    return txt.startswith(_VERSION) and txt[len(_VERSION) :].lstrip(" \t")[:1] in ("", ";")


def find_tlsrpt_records(txt_values: Sequence[str]) -> list[str]:
    return [value for value in txt_values if is_tlsrpt(value)]


def tlsrpt_record_set_problems(txt_values: Sequence[str]) -> tuple[Problem, ...]:
    return multiple_records_problem(
        "TLS-RPT", find_tlsrpt_records(txt_values), "senders assume no TLS reporting (RFC 8460 section 3)"
    )


def uri_error(uri: str) -> str | None:
    """Why a TLS-RPT rua URI is unusable, None when it is a valid mailto: or https: URI."""
    scheme, colon, rest = uri.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in ("mailto", "https"):
        return "must be a mailto: or https: URI"
    if scheme == "mailto":
        if split_mail_address(rest.split("?", 1)[0]) is None:
            return "is not a valid mailto address"
        return None
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "is not a valid https URL"
    if not rest.startswith("//") or host is None or not is_host_name(host):
        return "is not a valid https URL"
    return None


@functools.lru_cache(maxsize=4096)  # pure: rules parse the same record several times
def parse_tlsrpt(txt: str) -> TlsRptRecord:
    """Parse one TLS-RPT record; never raises."""
    tags, empty = split_tags(txt)
    problems = [Problem("syntax", f"TLS-RPT record has an empty field at position {p}", p) for p in empty]
    is_record = is_tlsrpt(txt)
    if not is_record:
        problems.append(Problem("version", "TLS-RPT record does not start with v=TLSRPTv1", 0))
    rua: list[str] = []
    seen: set[str] = set()
    extensions: list[tuple[str, str]] = []
    for index, tag in enumerate(tags):
        if index == 0 and tag.text == _VERSION:
            continue
        where = f"{excerpt(tag.text)} at position {tag.position}"
        if not tag.has_equals or tag.space_around_equals:
            problems.append(Problem("syntax", f"{where} is not a name=value field without spaces", tag.position))
            continue
        if tag.name in seen:
            problems.append(Problem("duplicate", f"{where} repeats {tag.name}", tag.position, WARNING))
            continue
        seen.add(tag.name)
        if tag.name == "rua":
            rua.extend(_rua(tag.value, tag.value_position, problems))
        elif tag.name == "v":
            if is_record:
                problems.append(Problem("version", f"{where} must appear once, as the first field", tag.position))
        elif _EXT_NAME_RE.fullmatch(tag.name) is None or _EXT_VALUE_RE.fullmatch(tag.value) is None:
            problems.append(Problem("syntax", f"{where} is not a valid extension field", tag.position))
        else:
            extensions.append((tag.name, tag.value))
    if "rua" not in seen:
        problems.append(Problem("rua-missing", "TLS-RPT record has no rua field"))
    elif not rua:
        problems.append(Problem("rua-missing", "TLS-RPT record has no valid rua URI"))
    return TlsRptRecord(txt, is_record, tuple(rua), tuple(extensions), sorted_problems(problems))


def _rua(value: str, offset: int, problems: list[Problem]) -> list[str]:
    uris: list[str] = []
    for item in value.split(","):
        uri = item.strip(" \t")
        position = offset + (len(item) - len(item.lstrip(" \t")))
        offset += len(item) + 1
        error = uri_error(uri) if uri else "is empty"
        if error is None:
            uris.append(uri)
        else:
            problems.append(Problem("uri", f"rua URI {excerpt(uri)!r} at position {position} {error}", position))
    return uris
