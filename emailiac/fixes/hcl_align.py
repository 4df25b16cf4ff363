"""Aligning HCL lines the way `terraform fmt` does, without terraform.

`align` lines up the `=` of consecutive single-line attributes (and trailing comments): a chain is a run of
consecutive lines whose `=` starts an expression that ends on the same line; a blank line, a comment line, a
block header or a multi-line value ends the chain. `realigns_plain` answers whether an edit would make
`align` move anything, looking only as far as the chains around it reach.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["AssignChains", "LineShape", "align", "line_shapes", "realigns_plain"]

_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)\s*$")


@dataclass(frozen=True)
class LineShape:
    """What `terraform fmt` sees in one line: where its assignment `=` and trailing comment start."""

    assign: int | None  # index of the `=` of a one-line attribute, else None
    comment: int | None  # index of a trailing comment (one that follows code on the line), else None
    verbatim: bool = False  # heredoc body or inside a block comment: never touched


_OPEN = "([{"
_CLOSE = ")]}"


def _scan_line(line: str, state: dict[str, Any]) -> LineShape:
    """Scan one line; `state` carries an open block comment or heredoc to the next line."""
    if state.get("heredoc"):
        if line.strip() == state["heredoc"]:
            state["heredoc"] = None
        return LineShape(None, None, verbatim=True)
    i = 0
    n = len(line)
    depth_after_eq: int | None = None
    eq_at: int | None = None
    comment_at: int | None = None
    first_token = True
    starts_in_comment = bool(state.get("block_comment"))
    if starts_in_comment:
        end = line.find("*/")
        if end < 0:
            return LineShape(None, None, verbatim=True)
        state["block_comment"] = False
        i = end + 2
        first_token = False
    opens_heredoc: str | None = None
    in_string = False
    interp = 0  # ${ nesting inside the current string
    while i < n:
        ch = line[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"' and interp == 0:
                in_string = False
            elif line.startswith(("${", "%{"), i) and not line.startswith(("$${", "%%{"), i - 1):
                interp += 1
                i += 2
                continue
            elif ch == "}" and interp > 0:
                interp -= 1
            i += 1
            continue
        if ch in " \t":
            i += 1
            continue
        if ch == "#" or line.startswith("//", i):
            comment_at = None if first_token else i
            break
        if line.startswith("/*", i):
            end = line.find("*/", i + 2)
            if end < 0:
                state["block_comment"] = True
                comment_at = None if first_token else i
                break
            i = end + 2
            continue
        if ch == '"':
            in_string = True
            first_token = False
            i += 1
            continue
        if line.startswith("<<", i):
            match = _HEREDOC.match(line, i)
            if match:
                opens_heredoc = match.group(1)
                if depth_after_eq is not None:
                    depth_after_eq += 1
                break
        if ch == "=" and eq_at is None and not first_token:
            prev = line[i - 1] if i else ""
            nxt = line[i + 1] if i + 1 < n else ""
            if prev not in "=!<>" and nxt not in "=>":
                eq_at = i
                depth_after_eq = 0
                i += 1
                continue
        if depth_after_eq is not None:
            if ch in _OPEN:
                depth_after_eq += 1
            elif ch in _CLOSE:
                depth_after_eq -= 1
        first_token = False
        i += 1
    if opens_heredoc:
        state["heredoc"] = opens_heredoc
    assign = eq_at if eq_at is not None and depth_after_eq == 0 else None
    return LineShape(assign, comment_at)


# Shapes of lines scanned outside heredocs and block comments depend on the line alone. Fixes align the
# same file again after each edit, so most lines have been seen before.
_PLAIN_SHAPES: dict[str, LineShape] = {}


def line_shapes(lines: Sequence[str]) -> list[LineShape]:
    state: dict[str, Any] = {}
    shapes = []
    for line in lines:
        plain = not state.get("heredoc") and not state.get("block_comment")
        shape = _PLAIN_SHAPES.get(line) if plain else None
        if shape is None:
            shape = _scan_line(line, state)
            if plain and not state.get("heredoc") and not state.get("block_comment"):
                if len(_PLAIN_SHAPES) > 200_000:
                    _PLAIN_SHAPES.clear()
                _PLAIN_SHAPES[line] = shape
        shapes.append(shape)
    return shapes


def _chains(shapes: Sequence[LineShape], attr: str) -> list[tuple[int, int]]:
    """[start, end) line ranges of consecutive lines that have the `attr` cell."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, shape in enumerate([*shapes, LineShape(None, None)]):
        if getattr(shape, attr) is not None:
            if start is None:
                start = i
        elif start is not None:
            out.append((start, i))
            start = None
    return out


def _touches(chain: tuple[int, int], touched: set[int] | None) -> bool:
    return touched is None or any(chain[0] <= t < chain[1] for t in touched)


# The common lines, read without the character loop: block headers and lines with no `=`, quote, comment
# or heredoc, and one-line attributes whose value is a word or a string with no escape or interpolation.
_NO_CELL = re.compile(r"[^=\"#/<]*|[ \t]*[\w-]+(?:[ \t]+\"[^\"\\$%]*\")*[ \t]*\{[ \t]*\}?[ \t]*")
_SIMPLE_ASSIGN = re.compile(r"[ \t]*[A-Za-z_][\w-]*[ \t]*(=)[ \t]*(?:\"[^\"\\$%]*\"|[\w.-]+)?[ \t]*")
_NO_SHAPE = LineShape(None, None)


def _plain_shape(line: str) -> LineShape:
    shape = _PLAIN_SHAPES.get(line)
    if shape is None:
        if len(_PLAIN_SHAPES) > 200_000:
            _PLAIN_SHAPES.clear()
        if _NO_CELL.fullmatch(line):
            shape = _NO_SHAPE
        else:
            simple = _SIMPLE_ASSIGN.fullmatch(line)
            shape = LineShape(simple.start(1), None) if simple else _scan_line(line, {})
        _PLAIN_SHAPES[line] = shape
    return shape


def _align_cells(lines: list[str], start: int, columns: Sequence[int | None], tail: Callable[[str], str]) -> None:
    """Lines `start`.. (one a column): the text before each line's column, trailing blanks dropped, padded to
    the widest of them and one space; then `tail` of the line from its column on."""
    assert None not in columns  # a chain's lines each have the cell
    end = start + len(columns)
    cells = [(line[:column].rstrip(), line[column:]) for line, column in zip(lines[start:end], columns, strict=True)]
    width = max(len(head) for head, _ in cells) + 1
    lines[start:end] = [f"{head:<{width}}{tail(rest)}" for head, rest in cells]


def _assign_tail(cell: str) -> str:
    """A line from its `=` on, as `align` writes it: `= ` and the value, or a lone `=`."""
    rest = cell[1:].lstrip(" \t")
    return f"= {rest}" if rest else "="


def _comment_tail(cell: str) -> str:
    return cell  # a trailing comment is moved, never rewritten


def _align_assign(lines: list[str], shapes: Sequence[LineShape], start: int, end: int) -> None:
    _align_cells(lines, start, [shape.assign for shape in shapes[: end - start]], _assign_tail)


def _align_comment(lines: list[str], shapes: Sequence[LineShape], start: int, end: int) -> None:
    _align_cells(lines, start, [shape.comment for shape in shapes[: end - start]], _comment_tail)


_ALIGNERS = (("assign", _align_assign), ("comment", _align_comment))


def _align_around(lines: list[str], touched: set[int]) -> None:
    """`align` for a text without heredocs or block comments: every line's shape depends on that line
    alone, so only the chains around the touched lines are scanned (a fix's report payload aligns one
    changed line of a large file)."""
    for attr, realign in _ALIGNERS:
        done: set[int] = set()
        for t in sorted(touched):
            if t >= len(lines) or t in done or getattr(_plain_shape(lines[t]), attr) is None:
                continue
            start, end = _chain_at(lines, t, attr)
            done.update(range(start, end))
            realign(lines, [_plain_shape(lines[i]) for i in range(start, end)], start, end)


def _chain_at(lines: Sequence[str], index: int, attr: str) -> tuple[int, int]:
    """[start, end) of the run of lines with the `attr` cell around line `index`, in a text without heredocs
    or block comments."""
    start, end = index, index + 1
    while start > 0 and getattr(_plain_shape(lines[start - 1]), attr) is not None:
        start -= 1
    while end < len(lines) and getattr(_plain_shape(lines[end]), attr) is not None:
        end += 1
    return start, end


def _chained(line: str) -> bool:
    shape = _plain_shape(line)
    return shape.assign is not None or shape.comment is not None


class AssignChains:
    """Whether the `=` chains of a text without heredocs or block comments are aligned, each worked out once:
    the fixes of one file ask about the same few chains."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self._aligned: dict[int, bool] = {}  # by every line of a chain looked at

    def aligned_at(self, index: int) -> bool:
        """Whether the chain holding line `index` (one with a one-line attribute) is aligned."""
        known = self._aligned.get(index)
        if known is None:
            start, end = _chain_at(self.lines, index, "assign")
            chain = list(self.lines[start:end])
            _align_assign(chain, [_plain_shape(line) for line in chain], 0, len(chain))
            known = chain == self.lines[start:end]
            self._aligned.update(dict.fromkeys(range(start, end), known))
        return known


def _keeps_place(old: str, new: str) -> bool | None:
    """How a line edited from `old` to `new` stands with `align`: False when it is in no chain before or
    after, True when it keeps its `=` (same text up to it, one space after it) and has no trailing comment,
    so it is aligned exactly when its chain was; None when it may move."""
    before, after = _plain_shape(old), _plain_shape(new)
    if before.comment is not None or after.comment is not None:
        return None
    if before.assign is None and after.assign is None:
        return False
    eq = before.assign
    if eq is None or after.assign != eq or old[: eq + 1] != new[: eq + 1]:
        return None
    return True if new[eq:] == _assign_tail(new[eq:]) else None


def realigns_plain(
    lines: Sequence[str],
    first: int,
    last: int,
    region: Sequence[str],
    touched: Iterable[int],
    chains: AssignChains | None = None,
) -> bool:
    """Whether `align` would change a text without heredocs or block comments, given as `lines` whose lines
    `first`..`last` became `region` (`touched`: the changed ones, counted within `region`). Only as many
    lines are looked at as the chains around the region reach; with `chains` (of `lines`), an edit that
    keeps every touched line's place is settled by whether those chains were aligned."""
    touched = sorted(touched)
    if chains is not None and len(region) == last - first + 1:
        places = [_keeps_place(lines[first + t], region[t]) for t in touched]
        if None not in places and all(chains.aligned_at(first + t) for t, p in zip(touched, places, strict=True) if p):
            return False
    lo = first
    while lo > 0 and _chained(lines[lo - 1]):
        lo -= 1
    hi = last + 1
    while hi < len(lines) and _chained(lines[hi]):
        hi += 1
    window = [*lines[lo:first], *region, *lines[last + 1 : hi]]
    before = list(window)
    _align_around(window, {first - lo + t for t in touched})
    return window != before


def align(text: str, touched: Iterable[int] | None = None) -> str:
    """`text` with assignments (then trailing comments) aligned in the chains holding a `touched` line
    (0-based line numbers); every chain when `touched` is None."""
    wanted = None if touched is None else set(touched)
    lines = text.split("\n")
    if wanted is not None and "<<" not in text and "/*" not in text:
        _align_around(lines, wanted)
    else:
        _align_scanned(lines, wanted)
    return "\n".join(lines)


def _align_scanned(lines: list[str], wanted: set[int] | None) -> None:
    """`align` scanning every line (a line may carry a heredoc or block comment to the next)."""
    for attr, realign in _ALIGNERS:
        shapes = line_shapes(lines)
        for start, end in _chains(shapes, attr):
            if _touches((start, end), wanted):
                realign(lines, shapes[start:end], start, end)
