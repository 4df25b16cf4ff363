"""Fixes as reports show them: the JSON `fix` object (schemas/report.schema.json) with line and column
positions, attached to the findings of a Result so that reporters stay pure functions of it.

An edit whose lines `terraform fmt` would realign is shown as the whole lines it changes (aligned), so that
applying a report's edits gives formatted code too.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from emailiac.fixes.apply import EditConflict, apply_edits
from emailiac.fixes.hcl_emit import align
from emailiac.fixes.model import Edit, Fix
from emailiac.result import Result

__all__ = ["FIX_KEY", "attach", "fix_payload", "position"]

FIX_KEY = "fix"  # where the payload sits in Evaluation.data

Reader = Callable[[str], "str | None"]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _char_edits(text: str, edits: Iterable[Edit]) -> list[dict[str, Any]]:
    out = []
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end)):
        start_line, start_column = position(text, edit.start)
        end_line, end_column = position(text, edit.end)
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


def _edits(fix: Fix, read: Reader) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in sorted({e.file for e in fix.edits}):
        text = read(file)
        if text is None:
            continue
        mine = [e for e in fix.edits if e.file == file]
        try:
            raw, touched = apply_edits(text, mine)
        except EditConflict:
            continue
        aligned = align(raw, touched)
        out.extend(_char_edits(text, mine) if aligned == raw else _line_edits(file, text, aligned))
    return out


def fix_payload(fix: Fix, read: Reader) -> dict[str, Any]:
    """The JSON `fix` object of a fix; file paths as the fix holds them (reporters shorten them)."""
    data: dict[str, Any] = {
        "title": fix.title,
        "applicability": fix.applicability,
        "edits": _edits(fix, read),
        "new_blocks": [{"file": b.file, "hcl": b.hcl} for b in fix.new_blocks],
        "imports": [{"to": i.to, "id": i.id} for i in fix.imports],
    }
    if fix.notes:
        data["notes"] = list(fix.notes)
    return data


def attach(result: Result, fixes: Iterable[Fix], read: Reader) -> None:
    """Put each fix's payload in its finding's `data` (matched by rule, subject and fingerprint)."""
    by_key = {(f.rule_id, f.subject, f.fingerprint): f for f in fixes}
    for finding in result.findings:
        ev = finding.evaluation
        fix = by_key.get((ev.rule_id, ev.subject.address, ev.fingerprint))
        if fix is not None:
            ev.data[FIX_KEY] = fix_payload(fix, read)
