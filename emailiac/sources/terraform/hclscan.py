"""HCL native syntax text -> tokens, for hcl.py's parser.

Strings and heredocs are single tokens found by walking the text (never by a backtracking pattern), so
scanning is linear in the file's length whatever it holds. Comments are kept aside: suppressions live there.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from emailiac.sources.terraform.ast import Comment

__all__ = ["HclSyntaxError", "Scanner", "Token"]


class HclSyntaxError(Exception):
    """A file that does not parse; carries the 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Token(NamedTuple):
    kind: str  # ident | number | string | heredoc | op | nl | eof
    text: str  # the token's source text (for a string: without its quotes)
    start: int  # offsets in the file
    end: int
    line: int  # 1-based lines of its first and last character
    end_line: int


_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f\ufeff]+)
    |(?P<nl>\n)
    |(?P<lcomment>(?:\#|//)[^\n]*)
    |(?P<bcomment>/\*)
    |(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<ident>[^\W\d][\w-]*)
    |(?P<string>")
    |(?P<heredoc><<-?(?=[^\W\d]))
    |(?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|::|[-+*/%<>!=?:.,(){}\[\]])
    """,
    re.VERBOSE,
)
# Inside a quoted string: what ends it, an escape, an interpolation or directive, or an escaped `$${`/`%%{`.
_IN_STRING = re.compile(r'"|\\.|\n|\$\$\{|%%\{|[$%]\{', re.DOTALL)
# Inside an interpolation: braces and nested strings.
_IN_INTERPOLATION = re.compile(r'[{}"\n]')
_HEREDOC_MARKER = re.compile(r"<<-?([^\W\d][\w-]*)[ \t]*\r?\n")


class Scanner:
    def __init__(self, text: str, base: int, base_line: int, base_column: int = 0) -> None:
        self.text = text
        self.base = base  # offset of `text` in the file, its line (0-based) and column there
        self.base_line = base_line
        self.base_column = base_column
        self.comments: list[Comment] = []

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based file line and column of an offset into `text`."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        column = offset - line_start + 1 + (self.base_column if line_start == 0 else 0)
        return self.text.count("\n", 0, offset) + 1 + self.base_line, column

    def error(self, message: str, offset: int) -> HclSyntaxError:
        return HclSyntaxError(message, *self.position(offset))

    def tokens(self) -> list[Token]:
        text, base = self.text, self.base
        out: list[Token] = []
        append = out.append
        match = _TOKEN.match
        pos = 0
        line = self.base_line + 1
        n = len(text)
        while pos < n:
            m = match(text, pos)
            if m is None:
                raise self.error(f"unexpected character {text[pos]!r}", pos)
            kind = m.lastgroup
            end = m.end()
            if kind == "ws":
                pos = end
                continue
            if kind == "nl":
                append(Token("nl", "\n", base + pos, base + end, line, line))
                line += 1
            elif kind == "lcomment":
                self.comments.append(Comment(m.group().rstrip("\r"), line, base + pos))
                # A line comment ends its line: it stands for the newline it swallows.
                append(Token("nl", "\n", base + pos, base + end, line, line))
            elif kind == "bcomment":
                close = text.find("*/", end)
                if close < 0:
                    raise self.error("unterminated /* comment", pos)
                end = close + 2
                self.comments.append(Comment(text[pos:end], line, base + pos))
                line += text.count("\n", pos, end)
            elif kind == "string":
                end = self.string_end(end)
                lines = text.count("\n", pos, end)
                append(Token("string", text[pos + 1 : end - 1], base + pos, base + end, line, line + lines))
                line += lines
            elif kind == "heredoc":
                end = self.heredoc_end(pos)
                lines = text.count("\n", pos, end)
                append(Token("heredoc", text[pos:end], base + pos, base + end, line, line + lines))
                line += lines
            else:
                append(Token(kind, m.group(), base + pos, base + end, line, line))  # type: ignore[arg-type]
            pos = end
        append(Token("eof", "", base + n, base + n, line, line))
        return out

    def string_end(self, pos: int) -> int:
        """The offset just past the closing quote of the string whose text starts at `pos`: a walk over
        nested interpolations and the strings inside them, linear in the text it passes."""
        text = self.text
        start = pos - 1
        # Open strings (None) and interpolations (their brace depth), innermost last.
        stack: list[int | None] = [None]
        while True:
            if stack[-1] is None:
                m = _IN_STRING.search(text, pos)
                if m is None or m.group() == "\n":
                    raise self.error("unterminated string", start)
                token = m.group()
                pos = m.end()
                if token == '"':
                    stack.pop()
                    if not stack:
                        return pos
                elif token in ("${", "%{"):
                    stack.append(1)
            else:
                m = _IN_INTERPOLATION.search(text, pos)
                if m is None:
                    raise self.error("unterminated template interpolation", start)
                token = m.group()
                pos = m.end()
                if token == "{":
                    stack[-1] += 1
                elif token == "}":
                    stack[-1] -= 1
                    if stack[-1] == 0:
                        stack.pop()
                elif token == '"':
                    stack.append(None)

    def heredoc_end(self, pos: int) -> int:
        text = self.text
        m = _HEREDOC_MARKER.match(text, pos)
        if m is None:
            raise self.error("a heredoc marker must be followed by a line break", pos)
        closing = re.compile(rf"^[ \t]*{re.escape(m.group(1))}[ \t]*\r?$", re.MULTILINE).search(text, m.end())
        if closing is None:
            raise self.error(f"unterminated heredoc: no closing {m.group(1)} line", pos)
        return closing.end() - (1 if closing.group().endswith("\r") else 0)
