"""Fixes as reports show them: the JSON `fix` object (schemas/report.schema.json) with line and column
positions, attached to the findings of a Result so that reporters stay pure functions of it.

An edit whose lines `terraform fmt` would realign is shown as the whole lines it changes (aligned), so that
applying a report's edits gives formatted code too.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import operator
from collections.abc import Callable, Iterable
from typing import Any

from emailiac.fixes.apply import EditConflict, apply_edits
from emailiac.fixes.hcl_align import AssignChains, align, realigns_plain
from emailiac.fixes.model import Edit, Fix
from emailiac.result import Result

__all__ = ["FIX_KEY", "attach", "fix_payload"]

FIX_KEY = "fix"  # where the payload sits in Evaluation.data

Reader = Callable[[str], "str | None"]


class _FileView:
    """A file's text as lines with their offsets, shared by every fix of the file: a fix's payload looks at
    the lines its edits touch (and the `=` chains around them), not the whole file again."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        # Line i starts after the lengths of the lines before it and their i newlines (summed in C).
        lengths = itertools.accumulate(map(len, self.lines[:-1]), initial=0)
        self.starts = list(map(operator.add, lengths, range(len(self.lines))))
        self.plain = "<<" not in text and "/*" not in text  # no heredoc or block comment: lines align alone
        self.chains = AssignChains(self.lines) if self.plain else None

    def line_of(self, offset: int) -> int:
        """The 0-based line of a character offset."""
        return bisect.bisect_right(self.starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line_of(offset)
        return line + 1, offset - self.starts[line] + 1

    def char_edits_if_aligned(self, edits: list[Edit]) -> list[dict[str, Any]] | None:
        """The edits as they are, when `terraform fmt` would realign no line after them (None otherwise, or
        when the lines they touch hold a heredoc or block comment): the lines from the first edit to the
        last are edited, and only the `=` chains around them aligned."""
        if not self.plain:
            return None
        text = self.text
        low, high = min(e.start for e in edits), max(e.end for e in edits)
        first, last = self.line_of(low), self.line_of(high)
        base = self.starts[first]
        end = self.starts[last + 1] - 1 if last + 1 < len(self.starts) else len(text)
        shifted = [Edit(e.file, e.start - base, e.end - base, e.replacement) for e in edits]
        region, touched = apply_edits(text[base:end], shifted)
        if "<<" in region or "/*" in region:
            return None
        if realigns_plain(self.lines, first, last, region.split("\n"), touched, self.chains):
            return None
        return _char_edits(self.position, edits)


def _char_edits(position: Callable[[int], tuple[int, int]], edits: Iterable[Edit]) -> list[dict[str, Any]]:
    out = []
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end)):
        start_line, start_column = position(edit.start)
        end_line, end_column = position(edit.end)
        out.append(
            {
                "file": edit.file,
                "start_line": start_line,
                "start_column": start_column,
                "end_line": end_line,
                "end_column": end_column,
                "text": edit.replacement,
            }
        )
    return out


def _line_edits(file: str, old: str, new: str) -> list[dict[str, Any]]:
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.append(
            {
                "file": file,
                "start_line": i1 + 1,
                "start_column": 1,
                "end_line": i2 + 1,
                "end_column": 1,
                "text": "".join(after[j1:j2]),
            }
        )
    return out


def _edits(fix: Fix, read: Reader, views: dict[str, _FileView]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in sorted({e.file for e in fix.edits}):
        view = views.get(file)
        if view is None:
            text = read(file)
            if text is None:
                continue
            view = views[file] = _FileView(text)
        mine = [e for e in fix.edits if e.file == file]
        try:
            unaligned = view.char_edits_if_aligned(mine)
            if unaligned is not None:
                out.extend(unaligned)
                continue
            raw, touched = apply_edits(view.text, mine)
        except EditConflict:
            continue
        aligned = align(raw, touched)
        out.extend(_char_edits(view.position, mine) if aligned == raw else _line_edits(file, view.text, aligned))
    return out


def fix_payload(fix: Fix, read: Reader, views: dict[str, _FileView] | None = None) -> dict[str, Any]:
    """The JSON `fix` object of a fix; file paths as the fix holds them (reporters shorten them). `views`:
    files already read for other fixes, by path."""
    data: dict[str, Any] = {
        "title": fix.title,
        "applicability": fix.applicability,
        "edits": _edits(fix, read, {} if views is None else views),
        "new_blocks": [{"file": b.file, "hcl": b.hcl} for b in fix.new_blocks],
        "imports": [{"to": i.to, "id": i.id} for i in fix.imports],
    }
    if fix.notes:
        data["notes"] = list(fix.notes)
    return data


def attach(result: Result, fixes: Iterable[Fix], read: Reader) -> None:
    """Put each fix's payload in its finding's `data` (matched by rule, subject and fingerprint)."""
    by_key = {(f.rule_id, f.subject, f.fingerprint): f for f in fixes}
    views: dict[str, _FileView] = {}
    for finding in result.findings:
        ev = finding.evaluation
        fix = by_key.get((ev.rule_id, ev.subject.address, ev.fingerprint))
        if fix is not None:
            ev.data[FIX_KEY] = fix_payload(fix, read, views)
