"""String, regular-expression, encoding and hash functions.

Regular expressions run on RE2 (google-re2), the linear-time engine Terraform's own is modelled on, so a
backtracking-prone pattern from a pull request cannot stall a run.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import io
import json
import re
import uuid
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from emailiac.sources.terraform.fn_base import (
    MAX_TEXT,
    BudgetExceeded,
    Function,
    FunctionError,
    NotEvaluated,
    as_int,
    as_list,
    as_str,
    check_size,
    digest_text,
    grapheme_clusters,
    jsonencode_text,
    s,
)
from emailiac.sources.terraform.fn_format import format_text, formatlist

__all__ = ["TEXT_FUNCTIONS", "jsonencode_text"]


@lru_cache(maxsize=256)
def _compile(pattern: str) -> Any:
    import re2  # google-re2: linear time whatever the pattern

    options = re2.Options()
    options.log_errors = False  # RE2 would print to stderr; the error is reported as the value instead
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise FunctionError(f"invalid regular expression: {detail}") from None


def _groups(m: Any, compiled: Any) -> Any:
    names = compiled.groupindex
    if names:
        if len(names) != compiled.groups:
            raise FunctionError("a pattern cannot mix named and unnamed capture groups")
        return {name: m.group(name) for name in names}
    if compiled.groups:
        return list(m.groups())
    return m.group(0)


def _regex(pattern: Any, text: Any) -> Any:
    compiled = _compile(as_str(pattern))
    m = compiled.search(as_str(text))
    if m is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _groups(m, compiled)


def _regexall(pattern: Any, text: Any) -> list[Any]:
    compiled = _compile(as_str(pattern))
    return check_size([_groups(m, compiled) for m in compiled.finditer(as_str(text))])


_GO_GROUP = re.compile(r"\$(\$|\d+|\{\w+\}|[A-Za-z_]\w*)")


def _go_replacement(template: str, m: Any) -> str:
    def one(g: re.Match[str]) -> str:
        ref = g.group(1)
        if ref == "$":
            return "$"
        ref = ref.strip("{}")
        try:
            value = m.group(int(ref) if ref.isdigit() else ref)
        except Exception:
            return ""
        return value or ""

    return _GO_GROUP.sub(one, template)


def _replace(text: Any, old: Any, new: Any) -> str:
    source, pattern, replacement = as_str(text), as_str(old), as_str(new)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        compiled = _compile(pattern[1:-1])
        if len(replacement) > 16:  # a long replacement times many matches could exhaust memory
            limit = MAX_TEXT // len(replacement)
            if sum(1 for _, __ in zip(compiled.finditer(source), range(limit + 1), strict=False)) > limit:
                raise BudgetExceeded("replace() result exceeds emailiac's budget")
        return check_size(str(compiled.sub(lambda m: _go_replacement(replacement, m), source)))
    if pattern == "":
        raise FunctionError("replace() of an empty substring")
    if len(replacement) > len(pattern) and source.count(pattern) * len(replacement) > MAX_TEXT:
        raise BudgetExceeded("replace() result exceeds emailiac's budget")
    return source.replace(pattern, replacement)


def _substr(text: Any, offset: Any, length: Any) -> str:
    value = as_str(text)
    start, n = as_int(offset), as_int(length)
    if start < 0:
        start = max(0, len(value) + start)
    if start >= len(value):
        return ""
    return value[start:] if n == -1 else value[start : start + max(0, n)]


def _title(text: Any) -> str:
    value = as_str(text)
    out: list[str] = []
    previous = " "
    for ch in value:
        out.append(ch.upper() if not (previous.isalnum() or previous == "_") else ch)
        previous = ch
    return "".join(out)


def _strrev(text: Any) -> str:
    return "".join(reversed(grapheme_clusters(as_str(text))))


def _split(sep: Any, text: Any) -> list[str]:
    separator, value = as_str(sep), as_str(text)
    if separator == "":
        return list(value)
    return check_size(value.split(separator))


def _join(sep: Any, *lists: Any) -> str:
    parts: list[str] = []
    for item in lists:
        for element in as_list(item):
            if element is None:
                raise FunctionError("join() of a list with a null element")
            parts.append(as_str(element))
    return check_size(as_str(sep).join(parts))


def _indent(spaces: Any, text: Any) -> str:
    pad = " " * min(as_int(spaces), 10_000)
    return check_size(as_str(text).replace("\n", "\n" + pad))


def _jsondecode(text: Any) -> Any:
    try:
        return json.loads(as_str(text))
    except (ValueError, RecursionError) as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


def _base64decode(text: Any) -> str:
    try:
        return base64.b64decode(as_str(text), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise FunctionError(f"invalid base64 or not UTF-8: {exc}") from None


def _codec(name: Any) -> str:
    try:
        return codecs.lookup(as_str(name)).name
    except LookupError:
        raise FunctionError(f"unknown character encoding {name!r}") from None


def _textencodebase64(text: Any, encoding: Any) -> str:
    try:
        return base64.b64encode(as_str(text).encode(_codec(encoding))).decode()
    except UnicodeEncodeError as exc:
        raise FunctionError(str(exc)) from None


def _textdecodebase64(text: Any, encoding: Any) -> str:
    try:
        return base64.b64decode(as_str(text), validate=True).decode(_codec(encoding))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise FunctionError(str(exc)) from None


def _csvdecode(text: Any) -> list[dict[str, str]]:
    try:
        rows = list(csv.reader(io.StringIO(as_str(text)), strict=True))
    except csv.Error as exc:
        raise FunctionError(f"invalid CSV: {exc}") from None
    if not rows:
        raise FunctionError("missing header line")
    header, body = rows[0], rows[1:]
    for row in body:
        if len(row) != len(header):
            raise FunctionError("wrong number of fields in a CSV line")
    return check_size([dict(zip(header, row, strict=True)) for row in body])


_NAMESPACES = {
    "dns": uuid.NAMESPACE_DNS,
    "url": uuid.NAMESPACE_URL,
    "oid": uuid.NAMESPACE_OID,
    "x500": uuid.NAMESPACE_X500,
}


def _uuidv5(namespace: Any, name: Any) -> str:
    ns = as_str(namespace)
    try:
        space = _NAMESPACES.get(ns) or uuid.UUID(ns)
    except ValueError:
        raise FunctionError(f"uuidv5() namespace {ns!r} is not a UUID") from None
    return str(uuid.uuid5(space, as_str(name)))


def _digest(name: str, encode: str) -> Any:
    def run(text: Any) -> str:
        return digest_text(name, encode, as_str(text).encode())

    return run


def _not_evaluated(reason: str) -> Any:
    def run(*_args: Any) -> Any:
        raise NotEvaluated(reason)

    return run


TEXT_FUNCTIONS: dict[str, Function] = {
    "format": Function(format_text),
    "formatlist": Function(formatlist),
    "join": Function(_join),
    "split": Function(_split),
    "lower": Function(s(str.lower)),
    "upper": Function(s(str.upper)),
    "title": Function(_title),
    "strrev": Function(_strrev),
    "trimspace": Function(s(str.strip)),
    "chomp": Function(s(lambda v: v.rstrip("\r\n"))),
    "trim": Function(lambda v, chars: as_str(v).strip(as_str(chars))),
    "trimsuffix": Function(lambda v, suffix: as_str(v).removesuffix(as_str(suffix))),
    "trimprefix": Function(lambda v, prefix: as_str(v).removeprefix(as_str(prefix))),
    "indent": Function(_indent),
    "replace": Function(_replace),
    "substr": Function(_substr),
    "startswith": Function(lambda v, p: as_str(v).startswith(as_str(p))),
    "endswith": Function(lambda v, p: as_str(v).endswith(as_str(p))),
    "strcontains": Function(lambda v, p: as_str(p) in as_str(v)),
    "regex": Function(_regex),
    "regexall": Function(_regexall),
    "jsondecode": Function(_jsondecode),
    "csvdecode": Function(_csvdecode),
    "urlencode": Function(s(lambda v: quote_plus(v, safe="~"))),
    "base64encode": Function(s(lambda v: base64.b64encode(v.encode()).decode())),
    "base64decode": Function(_base64decode),
    "textencodebase64": Function(_textencodebase64),
    "textdecodebase64": Function(_textdecodebase64),
    "base64gzip": Function(_not_evaluated("base64gzip() output depends on Go's compressor; not evaluated")),
    "md5": Function(_digest("md5", "hex")),
    "sha1": Function(_digest("sha1", "hex")),
    "sha256": Function(_digest("sha256", "hex")),
    "sha512": Function(_digest("sha512", "hex")),
    "base64sha256": Function(_digest("sha256", "b64")),
    "base64sha512": Function(_digest("sha512", "b64")),
    "bcrypt": Function(_not_evaluated("bcrypt() uses a random salt; its value is known only at apply time")),
    "uuid": Function(_not_evaluated("uuid() is known only at apply time")),
    "uuidv5": Function(_uuidv5),
    "rsadecrypt": Function(_not_evaluated("rsadecrypt() is not evaluated: emailiac does not decrypt secrets")),
}
