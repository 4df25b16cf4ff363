"""HCL string templates: split quoted-string and heredoc text into literal parts and `${...}` expressions.

The parser hands us the raw text of a string; escapes, `$${` / `%%{` and interpolation boundaries are ours.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["TemplateSyntaxError", "heredoc_body", "split_template", "unescape"]

_DIRECTIVES = frozenset({"if", "else", "endif", "for", "endfor"})
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


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
    """Parts of a template: literal strings and parsed expressions (`parse_expr(source, offset)`).

    Returns the parts and whether the template contains `%{...}` directives (which we do not evaluate).
    `quoted` strings resolve backslash escapes in their literal parts; heredocs do not.
    """
    parts: list[str | object] = []
    literal: list[str] = []
    directive = False
    i = 0
    n = len(text)
    lit_start = 0

    def flush(end: int) -> None:
        if end > lit_start:
            chunk = text[lit_start:end]
            literal.append(unescape(chunk, offset + lit_start) if quoted else chunk)

    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            flush(i)
            literal.append(text[i + 1 : i + 3])
            i += 3
            lit_start = i
        elif text.startswith("${", i) or text.startswith("%{", i):
            flush(i)
            end = closing_brace(text, i + 2)
            if text[i] == "%":
                keyword = text[i + 2 : end].strip().lstrip("~").split(maxsplit=1)
                if not keyword or keyword[0] not in _DIRECTIVES:
                    raise TemplateSyntaxError(
                        f"invalid template directive {text[i : end + 1]!r}; write %%{{ for a literal %{{",
                        offset + i,
                    )
                directive = True
                literal.append(text[i : end + 1])
            else:
                raw = text[i + 2 : end]
                inner = raw.lstrip().removeprefix("~")
                start = i + 2 + len(raw) - len(inner)
                inner = inner.rstrip().removesuffix("~")
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(parse_expr(inner, offset + start))
            i = end + 1
            lit_start = i
        elif quoted and text[i] == "\\":
            i += 2
        else:
            i += 1
    flush(n)
    if literal:
        parts.append("".join(literal))
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
