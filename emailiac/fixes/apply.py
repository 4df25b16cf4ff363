"""Turning fixes into new file texts, a unified diff, and an all-or-nothing write.

Edits of one file are applied in order of position; two fixes whose edits overlap cannot both be applied, so
the later one (in the order given) is set aside and reported. New blocks are appended to their file (created
when missing) after a blank line, imports first. Lines an edit touched are realigned (`=` and trailing
comments) as `terraform fmt` would.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emailiac.atomic import write_all_atomic
from emailiac.fixes.hcl_align import align
from emailiac.fixes.hcl_emit import hcl_string
from emailiac.fixes.model import Edit, Fix, Import, NewBlock

__all__ = ["Changes", "EditConflict", "apply_edits", "build_changes", "import_block", "unified_diff", "write_changes"]


class EditConflict(ValueError):
    """Two edits overlap."""


def _overlap(a: Edit, b: Edit) -> bool:
    if a == b:
        return False
    if a.is_insertion and b.is_insertion:
        return False  # two insertions at one place both go in, in order
    if a.is_insertion:
        return b.start < a.start < b.end
    if b.is_insertion:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, set[int]]:
    """The text with `edits` applied (identical edits once), and the 0-based lines the result changed."""
    unique = list(dict.fromkeys(edits))
    ordered = sorted(enumerate(unique), key=lambda p: (p[1].start, p[1].end, p[0]))
    for (_, a), (_, b) in itertools.pairwise(ordered):
        if _overlap(a, b):
            raise EditConflict(f"edits overlap at characters {b.start}-{a.end}")
    out: list[str] = []
    touched: set[int] = set()
    cursor = 0
    line = 0
    for _, edit in ordered:
        chunk = text[cursor : edit.start]
        out.append(chunk)
        line += chunk.count("\n")
        first = line
        out.append(edit.replacement)
        line += edit.replacement.count("\n")
        touched.update(range(first, line + 1))
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out), touched


def import_block(item: Import) -> str:
    """The `import {}` block (Terraform >= 1.5) that adopts a live object into `item.to`."""
    return f"import {{\n  to = {item.to}\n  id = {hcl_string(item.id)}\n}}\n"


@dataclass
class Changes:
    """New texts by file (None as old text: a new file), and fixes set aside for a conflict."""

    old: dict[str, str | None] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)
    applied: list[Fix] = field(default_factory=list)
    conflicts: list[tuple[Fix, str]] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return sorted(f for f, text in self.new.items() if text != self.old.get(f))


def _append(existing: str | None, block: str) -> str:
    if existing is None or not existing.strip():
        return block
    return existing.rstrip("\n") + "\n\n" + block


def _conflict(fix: Fix, file: str, text: str, accepted: Sequence[Fix]) -> str:
    try:
        apply_edits(text, [e for e in fix.edits if e.file == file])
    except EditConflict:
        return f"its own edits of {file} overlap"
    for other in accepted:
        mine = [e for e in fix.edits if e.file == file]
        theirs = [e for e in other.edits if e.file == file]
        if any(_overlap(a, b) for a in mine for b in theirs):
            return f"it edits the same text of {file} as the fix for {other.rule_id} {other.subject}"
    return f"its edits of {file} overlap others"


def build_changes(
    fixes: Sequence[Fix],
    read: Callable[[str], str | None],
    *,
    place: Callable[[NewBlock], str] | None = None,
) -> Changes:
    """Apply `fixes` in order to the texts `read` returns (None: no such file).

    `place` maps a new block to the file it goes to (default: its own `file`).
    """
    changes = Changes()
    edits_by_file: dict[str, list[Edit]] = {}
    accepted: list[Fix] = []
    for fix in fixes:
        trial = {f: list(e) for f, e in edits_by_file.items()}
        for edit in fix.edits:
            trial.setdefault(edit.file, []).append(edit)
        problem = None
        for file in {e.file for e in fix.edits}:
            text = read(file)
            if text is None:
                problem = f"{file} cannot be read"
                break
            try:
                apply_edits(text, trial[file])
            except EditConflict:
                problem = _conflict(fix, file, text, accepted)
                break
        if problem is not None:
            changes.conflicts.append((fix, problem))
            continue
        edits_by_file = trial
        accepted.append(fix)
    for file, edits in edits_by_file.items():
        text = read(file)
        assert text is not None
        changes.old[file] = text
        new, touched = apply_edits(text, edits)
        changes.new[file] = align(new, touched)
    blocks: dict[str, list[str]] = {}
    for fix in accepted:
        pieces = [import_block(i) for i in fix.imports]
        for block in fix.new_blocks:
            target = place(block) if place is not None else block.file
            items = blocks.setdefault(target, [])
            for text in (*pieces, block.hcl):
                if text not in items:
                    items.append(text)
            pieces = []
    for target, items in blocks.items():
        if target not in changes.old:
            changes.old[target] = read(target)
        current = changes.new.get(target, changes.old[target])
        for item in items:
            if current is not None and item.strip() in current:
                continue  # already there (a declaration two fixes share, or a second run)
            current = _append(current, item)
        if current is not None:
            changes.new[target] = current
    changes.applied = accepted
    return changes


def _label(file: str, base: Path | None) -> str:
    if base is None:
        return file
    try:
        return os.path.relpath(file, base)
    except ValueError:
        return file


def unified_diff(changes: Changes, base: Path | None = None) -> str:
    out: list[str] = []
    for file in changes.changed:
        old = changes.old.get(file)
        new = changes.new[file]
        label = _label(file, base).replace(os.sep, "/")
        before = f"a/{label}" if old is not None else "/dev/null"
        lines = difflib.unified_diff(
            (old or "").splitlines(keepends=True), new.splitlines(keepends=True), before, f"b/{label}"
        )
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_changes(changes: Changes, journal_dir: Path | None = None) -> list[str]:
    """Write every changed file atomically, all or nothing, even when killed (the journal goes in
    `journal_dir`, by default the folder holding every changed file); returns the files written."""
    targets = {Path(f): changes.new[f] for f in changes.changed}
    if not targets:
        return []
    if journal_dir is None:
        journal_dir = Path(os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in targets]))
    write_all_atomic(targets, journal_dir)
    return changes.changed
