"""Rewriting text inside a quoted HCL string, keeping the rest of it (escapes, interpolations) as written.

A quoted string is a row of *slots*: literal characters, each with the stretch of source text that writes
it (`\\"` is two characters of source for one of text), and interpolations, which stay opaque. The value a
rule saw (`old`) is aligned with that row; an edit of `old` that falls on literal characters becomes an edit
of their source. Edits are found on word boundaries (`p=none` -> `p=reject` changes one word), and an
insertion or deletion is moved as far left as it can go, so that edits of one record made for different
findings meet at tag boundaries instead of overlapping.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from emailiac.fixes.hcl_emit import hcl_string
from emailiac.fixes.model import Edit
from emailiac.sources.terraform.ast import Expr, Lit, Template
from emailiac.sources.terraform.hcl import HclSyntaxError, parse_expression
from emailiac.sources.terraform.template import TemplateSyntaxError, closing_brace

__all__ = ["Slot", "slots", "string_edits", "text_changes"]

_TOKEN = re.compile(r"\s+|[;=:,\"]|[^\s;=:,\"]+")
_PLACEHOLDER = "\x00"
_PLAIN_RUN = re.compile(r"[^\\$%]+")


class Slot(NamedTuple):
    """Source characters [start, end) of a string literal writing `text` (None: an interpolation). A tuple:
    a literal has one a character."""

    start: int
    end: int
    text: str | None


def _closing(raw: str, start: int) -> int:
    try:
        return closing_brace(raw, start)
    except TemplateSyntaxError:  # unterminated: the interpolation runs to the end of the literal
        return len(raw) - 1


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def slots(source: str, expr: Expr) -> list[Slot] | None:
    """The slots of a quoted string expression (None for anything else: heredocs, references...)."""
    if not isinstance(expr, (Lit, Template)) or (isinstance(expr, Lit) and not isinstance(expr.value, str)):
        return None
    start, end = expr.pos.start, expr.pos.end
    if end - start < 2 or source[start] != '"' or source[end - 1] != '"':
        return None
    raw = source[start + 1 : end - 1]
    base = start + 1
    out: list[Slot] = []
    i = 0
    while i < len(raw):
        run = _PLAIN_RUN.match(raw, i)
        if run:  # characters that write themselves
            out.extend([Slot(base + k, base + k + 1, raw[k]) for k in range(i, run.end())])
            i = run.end()
            continue
        ch = raw[i]
        if raw.startswith(("$${", "%%{"), i):
            out.append(Slot(base + i, base + i + 3, raw[i + 1 : i + 3]))
            i += 3
        elif raw.startswith(("${", "%{"), i):
            close = _closing(raw, i + 2)
            out.append(Slot(base + i, base + close + 1, None))
            i = close + 1
        elif ch == "\\":
            nxt = raw[i + 1 : i + 2]
            if nxt in ("u", "U"):
                width = 4 if nxt == "u" else 8
                try:
                    text = chr(int(raw[i + 2 : i + 2 + width], 16))
                except ValueError:
                    return None
                out.append(Slot(base + i, base + i + 2 + width, text))
                i += 2 + width
            elif nxt in _ESCAPES:
                out.append(Slot(base + i, base + i + 2, _ESCAPES[nxt]))
                i += 2
            else:
                return None
        else:
            out.append(Slot(base + i, base + i + 1, ch))
            i += 1
    return out


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _leftmost(old: str, at: int, piece: str) -> tuple[int, str]:
    """Move an insertion of `piece` at `at` left over separators the text before it ends with (`; ` before
    a new tag), never into a word."""
    while at > 0 and piece and old[at - 1] == piece[-1] and not piece[-1].isalnum():
        piece = piece[-1] + piece[:-1]
        at -= 1
    return at, piece


# Above this many elements left after the common prefix and suffix, the middle is replaced as a whole rather
# than matched (difflib's matching is quadratic: a record with thousands of tags took minutes).
_MATCH_LIMIT = 4000


def _matching_blocks(a: Sequence[Any], b: Sequence[Any]) -> list[tuple[int, int, int]]:
    """difflib's matching blocks of `a` and `b` (ending with the (len(a), len(b), 0) sentinel), matched only
    between their common prefix and suffix."""
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    blocks = [(0, 0, head)] if head else []
    if mid_a and mid_b and len(mid_a) + len(mid_b) <= _MATCH_LIMIT:
        matcher = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False)
        blocks += [(i + head, j + head, n) for i, j, n in matcher.get_matching_blocks() if n]
    if tail:
        blocks.append((len(a) - tail, len(b) - tail, tail))
    return [*blocks, (len(a), len(b), 0)]


def _opcodes(a: Sequence[Any], b: Sequence[Any]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, from `_matching_blocks`."""
    out: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj, size in _matching_blocks(a, b):
        tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert" if j < bj else ""
        if tag:
            out.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            out.append(("equal", ai, i, bj, j))
    return out


def text_changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """Edits (start, end, replacement) of `old` that make `new`, on word boundaries."""
    return list(_text_changes(old, new))


# Answers kept by their arguments: a record written alike in many places (module instances, roots) and given
# the same new value is worked out once.
_MEMO_LIMIT = 10_000


@functools.lru_cache(maxsize=_MEMO_LIMIT)
def _text_changes(old: str, new: str) -> tuple[tuple[int, int, str], ...]:
    a, b = _tokens(old), _tokens(new)
    offsets_a = [0]
    for token in a:
        offsets_a.append(offsets_a[-1] + len(token))
    out: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            continue
        start, end = offsets_a[i1], offsets_a[i2]
        piece = "".join(b[j1:j2])
        if tag == "insert":
            start, piece = _leftmost(old, start, piece)
            end = start
        elif tag == "delete":
            gone = old[start:end]
            while start > 0 and old[start - 1] == gone[-1] and not gone[-1].isalnum():
                gone = gone[-1] + gone[:-1]
                start -= 1
            end = start + len(gone)
        out.append((start, end, piece))
    return tuple(out)


def _align(old: str, row: list[Slot]) -> list[int | None]:
    """For each position 0..len(old) of `old`, the index of the slot that starts there (len(row): the end
    of the string), where the alignment of `old` with the literal says so; None elsewhere."""
    shown = "".join(s.text if s.text is not None else _PLACEHOLDER for s in row)
    flat: list[int] = []  # slot index of each character of `shown`
    for index, slot in enumerate(row):
        flat.extend([index] * (len(slot.text) if slot.text is not None else 1))
    mapping: list[int | None] = [None] * (len(old) + 1)
    mapping[0] = 0
    mapping[len(old)] = len(row)
    for i, j, size in _matching_blocks(old, shown):
        if size == 0:
            continue  # the closing sentinel: the ends keep their defaults unless a real match says otherwise
        for k in range(size + 1):
            q = j + k
            if q >= len(flat):
                mapping[i + k] = len(row)
            elif q == 0 or flat[q] != flat[q - 1]:
                mapping[i + k] = flat[q]
    return mapping


def string_edits(file: str, source: str, expr: Expr, old: str, new: str) -> list[Edit] | None:
    """Edits of the string literal `expr` (in `source`) that turn its value `old` into `new`; None when
    the change falls on an interpolation or the literal cannot be read."""
    plain = _plain_edits(file, source, expr, old, new)
    return plain if plain is not None else _slot_edits(file, source, expr, old, new)


def _slot_edits(file: str, source: str, expr: Expr, old: str, new: str) -> list[Edit] | None:
    """`string_edits` for any literal: `old` aligned with its slots. The answer depends on nothing but the
    literal's text, `old` and `new`, so it is worked out once for them, relative to the literal's start."""
    start, end = expr.pos.start, expr.pos.end
    key = (type(expr), source[start:end], old, new)
    if key not in _SLOT_EDITS:
        if len(_SLOT_EDITS) > _MEMO_LIMIT:
            _SLOT_EDITS.clear()
        found = _literal_edits(source, expr, old, new)
        _SLOT_EDITS[key] = None if found is None else tuple((a - start, b - start, text) for a, b, text in found)
    relative = _SLOT_EDITS[key]
    if relative is None:
        return None
    return [Edit(file, start + a, start + b, text) for a, b, text in relative]


_SLOT_EDITS: dict[tuple[type, str, str, str], tuple[tuple[int, int, str], ...] | None] = {}


def _literal_edits(source: str, expr: Expr, old: str, new: str) -> list[tuple[int, int, str]] | None:
    """The edits (start, end, replacement) of the literal in `source`, or None."""
    row = slots(source, expr)
    if row is None:
        return None
    mapping = _align(old, row)
    content_start = expr.pos.start + 1
    content_end = expr.pos.end - 1

    def raw_at(position: int) -> int | None:
        index = mapping[position] if position < len(mapping) else None
        if index is None:
            return None
        return row[index].start if index < len(row) else content_end

    edits: list[tuple[int, int, str]] = []
    for start, end, piece in text_changes(old, new):
        raw_start = raw_at(start)
        raw_end = raw_at(end)
        if start == len(old) and raw_start is None:
            raw_start = raw_end = content_end
        if start == 0 and raw_start is None:
            raw_start = content_start
            if end == 0:
                raw_end = content_start
        if raw_start is None or raw_end is None or raw_end < raw_start:
            return None
        covered = [s for s in row if raw_start <= s.start and s.end <= raw_end]
        if any(s.text is None for s in covered) or "".join(s.text or "" for s in covered) != old[start:end]:
            return None
        edits.append((raw_start, raw_end, hcl_string(piece)[1:-1]))
    if not _still_reads(source, expr, row, edits, new, old):
        return None
    return edits


def _plain_edits(file: str, source: str, expr: Expr, old: str, new: str) -> list[Edit] | None:
    """`string_edits` for the common literal, one written exactly as its value (no escapes, interpolations
    or `$`/`%` on either side): each character is its own source, and no edit can make an interpolation."""
    start, end = expr.pos.start, expr.pos.end
    if not isinstance(expr, Lit) or end - start != len(old) + 2 or source[start] != '"' or source[end - 1] != '"':
        return None
    if source[start + 1 : end - 1] != old or "$" in old or "%" in old or "$" in new or "%" in new:
        return None
    return [Edit(file, start + 1 + a, start + 1 + b, hcl_string(piece)[1:-1]) for a, b, piece in text_changes(old, new)]


def _still_reads(
    source: str, expr: Expr, row: list[Slot], edits: list[tuple[int, int, str]], new: str, old: str
) -> bool:
    """The edited literal (whose slots are `row`) parses, keeps its interpolations and, where its text was
    exactly `old`, reads as `new`."""
    interpolations = sum(1 for s in row if s.text is None)
    written = "".join(s.text or "" for s in row)
    start, end = expr.pos.start, expr.pos.end
    text = source[start:end]
    for edit_start, edit_end, replacement in sorted(edits, reverse=True):
        text = text[: edit_start - start] + replacement + text[edit_end - start :]
    return _reads(text, interpolations, written == old, new)


def _reads(text: str, interpolations: int, exact: bool, new: str) -> bool:
    try:
        parsed = parse_expression(text)
    except HclSyntaxError:
        return False
    if isinstance(parsed, Lit):
        parts: tuple[object, ...] = (parsed.value,)
    elif isinstance(parsed, Template):
        parts = parsed.parts
    else:
        return False
    if sum(1 for p in parts if not isinstance(p, str)) != interpolations:
        return False
    return interpolations > 0 or not exact or "".join(p for p in parts if isinstance(p, str)) == new
