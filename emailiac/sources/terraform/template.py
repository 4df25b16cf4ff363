"""HCL string templates: split quoted-string and heredoc text into literal parts and `${...}` expressions.

The parser hands us the raw text of a string; escapes, `$${` / `%%{` and interpolation boundaries are ours.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["Directive", "TemplateSyntaxError", "heredoc_body", "split_template", "unescape"]

_DIRECTIVES = frozenset({"if", "else", "endif", "for", "endfor"})
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class Directive(str):
    """A `%{...}` directive among a template's parts. It is its source text (so code that joins the literal
    parts sees the template as written) and carries what it means: `keyword` (if, else, endif, for, endfor),
    the parsed condition or collection `expr`, and the loop variables of a `for`."""

    keyword: str
    expr: object
    key_var: str | None
    value_var: str | None

    @classmethod
    def of(
        cls, source: str, keyword: str, expr: object = None, key_var: str | None = None, value_var: str | None = None
    ) -> Directive:
        out = cls(source)
        out.keyword, out.expr, out.key_var, out.value_var = keyword, expr, key_var, value_var
        return out

    def __reduce__(self) -> tuple[object, ...]:
        return (Directive.of, (str(self), self.keyword, self.expr, self.key_var, self.value_var))


_FOR = re.compile(r"for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s", re.S)


def _directive(source: str, inner: str, inner_offset: int, parse_expr: Callable[[str, int], object]) -> Directive:
    words = inner.split(maxsplit=1)
    keyword = words[0] if words else ""
    if keyword not in _DIRECTIVES:
        raise TemplateSyntaxError(f"invalid template directive {source!r}; write %%{{ for a literal %{{", inner_offset)
    rest = words[1] if len(words) > 1 else ""
    at = inner_offset + inner.find(rest) if rest else inner_offset
    if keyword == "if":
        return Directive.of(source, keyword, parse_expr(rest, at))
    if keyword == "for":
        m = _FOR.match(inner)
        if m is None:
            raise TemplateSyntaxError(f"invalid for directive {source!r}", inner_offset)
        first, second = m.group(1), m.group(2)
        key_var, value_var = (first, second) if second else (None, first)
        return Directive.of(source, keyword, parse_expr(inner[m.end() :], inner_offset + m.end()), key_var, value_var)
    if rest:
        raise TemplateSyntaxError(f"unexpected text in template directive {source!r}", inner_offset)
    return Directive.of(source, keyword)


class TemplateSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def unescape(text: str, offset: int = 0) -> str:
    """Resolve backslash escapes of a quoted string's literal part."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in ("u", "U"):
            width = 4 if nxt == "u" else 8
            digits = text[i + 2 : i + 2 + width]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                raise TemplateSyntaxError(f"invalid escape \\{nxt}{digits}", offset + i) from None
            i += 2 + width
        else:
            raise TemplateSyntaxError(f"invalid escape sequence \\{nxt}", offset + i)
    return "".join(out)


def closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing the interpolation opened just before `start` (nested braces and strings)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise TemplateSyntaxError("unterminated template interpolation", start)


def split_template(
    text: str,
    parse_expr: Callable[[str, int], object],
    *,
    quoted: bool,
    offset: int = 0,
) -> tuple[list[str | object], bool]:
    """Parts of a template: literal strings, parsed expressions (`parse_expr(source, offset)`) and
    `Directive`s. Strip markers (`${~ x ~}`, `%{~ if c ~}`) trim the whitespace of the literal beside them.

    Returns the parts and whether the template contains `%{...}` directives.
    `quoted` strings resolve backslash escapes in their literal parts; heredocs do not.
    """
    parts: list[str | object] = []
    literal: list[str] = []
    directive = False
    strip_next = False
    i = 0
    n = len(text)
    lit_start = 0

    def flush(end: int) -> None:
        nonlocal strip_next
        if end > lit_start:
            chunk = text[lit_start:end]
            chunk = unescape(chunk, offset + lit_start) if quoted else chunk
            if strip_next:
                chunk = chunk.lstrip()
                strip_next = False
            if chunk:
                literal.append(chunk)

    def close_literal(strip: bool) -> None:
        nonlocal literal
        text_so_far = "".join(literal)
        if strip:
            text_so_far = text_so_far.rstrip()
        if text_so_far:
            parts.append(text_so_far)
        literal = []

    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            flush(i)
            literal.append(text[i + 1 : i + 3])
            strip_next = False
            i += 3
            lit_start = i
        elif text.startswith("${", i) or text.startswith("%{", i):
            flush(i)
            end = closing_brace(text, i + 2)
            raw = text[i + 2 : end]
            strip_left = raw.startswith("~")
            strip_right = raw.endswith("~") and len(raw) > 1
            inner = raw[1 if strip_left else 0 : len(raw) - (1 if strip_right else 0)]
            lead = len(inner) - len(inner.lstrip())
            inner_offset = offset + i + 2 + (1 if strip_left else 0) + lead
            inner = inner.strip()
            close_literal(strip_left)
            if text[i] == "%":
                directive = True
                parts.append(_directive(text[i : end + 1], inner, inner_offset, parse_expr))
            else:
                parts.append(parse_expr(inner, inner_offset))
            strip_next = strip_right
            i = end + 1
            lit_start = i
        elif quoted and text[i] == "\\":
            i += 2
        else:
            i += 1
    flush(n)
    close_literal(False)
    return parts, directive


def heredoc_body(token: str) -> tuple[str, int]:
    """The text of a heredoc token (`<<EOT\\n...\\nEOT`, `<<-EOT` strips common indentation) and the offset
    of the text inside the token."""
    first_nl = token.index("\n")
    marker = token[:first_nl].lstrip("<-").strip()
    body = token[first_nl + 1 :]
    body = body.rstrip()
    if body.endswith(marker):
        body = body[: -len(marker)]
    # The closing marker may be indented; drop that indentation (and the newline before it).
    body = body.rstrip(" \t")
    if token.startswith("<<-"):
        lines = body.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents, default=0)
        body = "\n".join(ln[cut:] for ln in lines)
    return body, first_nl + 1
