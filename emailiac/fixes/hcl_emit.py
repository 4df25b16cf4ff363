"""Writing HCL values safely, without terraform.

`hcl_string` quotes any text so that it reads back unchanged and never becomes an interpolation or a
directive (`${` and `%{` are escaped); `hcl_value` writes any literal; lines are aligned by `hcl_align`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["hcl_key", "hcl_string", "hcl_value", "indent_of"]

_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Anything `hcl_string` must escape (or refuse): without one, a text is written as it is.
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|[$%]\\{')


def _escape_char(ch: str) -> str:
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch]
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError("a lone surrogate cannot be written to a UTF-8 file")
    if code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    return ch


def hcl_string(value: object) -> str:
    """`value` as a quoted HCL string that reads back as exactly `value` and never as a template.

    `"`, `\\` and control characters are escaped; `%{` is doubled (`%%{`). A `${` is written `$\\u007b`:
    HCL's own escape, `$${`, does not parse with the pinned python-hcl2 grammar (and so with our front end)
    unless a `}` follows later in the string, while a `{` written as a unicode escape is never the start
    of an interpolation for Terraform nor for the parser.
    """
    text = value if isinstance(value, str) else str(value)
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "$" and text.startswith("{", i + 1):
            out.append("$\\u007b")
            i += 2
            continue
        if ch == "%" and text.startswith("{", i + 1):
            out.append("%%{")
            i += 2
            continue
        out.append(_escape_char(ch))
        i += 1
    return '"' + "".join(out) + '"'


def hcl_key(name: str) -> str:
    """An object key: bare when it is an identifier, else quoted."""
    return name if _IDENTIFIER.fullmatch(name) else hcl_string(name)


def hcl_value(value: Any) -> str:
    """A Python value as an HCL literal on one line (lists and small objects inline)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{hcl_key(str(k))} = {hcl_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(hcl_value(v) for v in value) + "]"
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]
