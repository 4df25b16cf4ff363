"""Fixes until nothing more is fixable, as ruff does: plan, apply, judge again, repeat (a few passes at most).

A fix can make new findings visible: a new SPF record makes its domain a mail domain, which then needs
MTA-STS and TLS-RPT records. Later passes run on a private copy of the folders the run read (the given paths,
the local modules they call, variable files), with the earlier passes' changes applied there; the user's
files are only written once, at the end, by `--write`. What the copy's passes change is mapped back to the
original files, so the diff and the write hold every pass's changes as one.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from emailiac.baseline import Baseline
from emailiac.fixes.model import Fix
from emailiac.fixes.run import FixRun, fix_pass
from emailiac.lint import LintOptions

__all__ = ["MAX_PASSES", "converge"]

MAX_PASSES = 5
# The rest of a path after the copy's folder: up to a space or punctuation, never ending in a sentence's full stop.
_TAIL = r"""(?:/[^\s,;:'"()\[\]<>]*[^\s,;:'"()\[\]<>.])?"""
_SKIP = {".git", ".hg", ".svn", "node_modules", ".terragrunt-cache"}


class _Scratch:
    """A copy of the folders under one common ancestor (`anchor`), and the mapping between the two."""

    def __init__(self, folders: Sequence[Path], files: Sequence[Path], relative: bool) -> None:
        wanted = [Path(os.path.abspath(f)) for f in folders] + [Path(os.path.abspath(f)).parent for f in files]
        self.anchor = Path(os.path.commonpath([str(p) for p in wanted]))
        self.dir = Path(tempfile.mkdtemp(prefix="emailiac-fix-"))
        self.relative = relative  # the run names files relative to the working directory
        self._relative_spelling = os.path.relpath(self.dir)
        spellings = sorted({str(self.dir), os.path.realpath(self.dir), self._relative_spelling}, key=len, reverse=True)
        self._in_copy = re.compile(f"(?P<base>{'|'.join(map(re.escape, spellings))})(?P<tail>{_TAIL})")
        copied: list[Path] = []
        for folder in sorted({Path(os.path.abspath(f)) for f in folders}, key=lambda p: len(p.parts)):
            if folder.is_dir() and not any(folder.is_relative_to(c) for c in copied):
                copied.append(folder)
                shutil.copytree(folder, self.to_copy(folder), symlinks=True, dirs_exist_ok=True, ignore=_ignore)
        for file in files:
            source, copy = Path(os.path.abspath(file)), self.to_copy(file)
            if source.is_file() and not copy.exists() and not copy.is_symlink():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy, follow_symlinks=False)

    def to_copy(self, path: str | Path) -> Path:
        return self.dir / os.path.relpath(os.path.abspath(path), self.anchor)

    def to_original(self, path: str) -> str:
        real = os.path.normpath(os.path.join(self.anchor, os.path.relpath(path, self.dir)))
        return os.path.relpath(real) if self.relative else real

    def shown(self, text: str) -> str:
        """`text` with every path into the copy (as the run names files, resolved, or relative to the working
        directory as some notes write them) naming the original file instead: the copy is never shown."""
        return self._in_copy.sub(self._original_of, text)

    def _original_of(self, match: re.Match[str]) -> str:
        real = os.path.normpath(os.path.join(self.anchor, match["tail"].lstrip("/")))
        return os.path.relpath(real) if self.relative or match["base"] == self._relative_spelling else real

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _ignore(directory: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n in _SKIP}
    if os.path.basename(directory) == ".terraform":
        skip.add("providers")  # provider binaries: large, and never read by a lint
    return skip


def _mapped(fix: Fix, scratch: _Scratch) -> Fix:
    """A fix planned on the copy, as it reads on the original files: its files, and any path into the copy
    that a note, a written value or an import id holds."""
    back, shown = scratch.to_original, scratch.shown
    return dataclasses.replace(
        fix,
        edits=tuple(dataclasses.replace(e, file=back(e.file), replacement=shown(e.replacement)) for e in fix.edits),
        new_blocks=tuple(dataclasses.replace(b, file=back(b.file), hcl=shown(b.hcl)) for b in fix.new_blocks),
        imports=tuple(dataclasses.replace(i, id=shown(i.id)) for i in fix.imports),
        notes=tuple(shown(n) for n in fix.notes),
    )


def _scratch_for(run: FixRun, paths: Sequence[Path], options: LintOptions, out: Path | None) -> _Scratch:
    folders = [p if p.is_dir() else p.parent for p in paths]
    folders += [Path(m.dir) for m in run.tree.modules]
    files = [*options.var_files, *([out] if out is not None else [])]
    files += [Path(f) for f in run.changes.new]  # new files' folders are among these
    relative = not all(p.is_absolute() for p in paths)
    return _Scratch(folders, files, relative)


def converge(
    first: FixRun,
    paths: Sequence[Path],
    baseline: Baseline,
    options: LintOptions,
    *,
    unsafe: bool,
    out: Path | None,
) -> FixRun:
    """`first` with the changes of further passes added, until a pass finds nothing more to apply."""
    scratch = _scratch_for(first, paths, options, out)
    try:
        return _passes(first, scratch, paths, baseline, options, unsafe=unsafe, out=out)
    finally:
        scratch.close()


def _passes(
    first: FixRun,
    scratch: _Scratch,
    paths: Sequence[Path],
    baseline: Baseline,
    options: LintOptions,
    *,
    unsafe: bool,
    out: Path | None,
) -> FixRun:
    changes = first.changes
    texts = {f: changes.new[f] for f in changes.changed}
    copy_paths = [scratch.to_copy(p) for p in paths]
    copy_options = dataclasses.replace(
        options, var_files=tuple(scratch.to_copy(f) for f in options.var_files), cache=False
    )
    copy_out = scratch.to_copy(out) if out is not None else None
    last = first
    for _ in range(MAX_PASSES - 1):
        for file, text in texts.items():
            target = scratch.to_copy(file)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # a symlink in the copy is replaced, never written through
            target.write_text(text, encoding="utf-8", newline="")
        again = fix_pass(copy_paths, baseline, copy_options, unsafe=unsafe, out=copy_out)
        if again.result.errors:
            break  # the changes so far do not parse again: keep them, do not build on them
        last = again
        if not again.changes.changed:
            break
        for copied in again.changes.changed:
            file = scratch.to_original(copied)
            if file not in changes.old:
                changes.old[file] = first.tree.read(file)
            changes.new[file] = texts[file] = scratch.shown(again.changes.new[copied])
        changes.applied.extend(_mapped(f, scratch) for f in again.changes.applied)
    run = FixRun(first.result, first.fixes, first.tree, changes=changes, texts=texts)
    if last is not first:
        run.pending = [_mapped(f, scratch) for f in last.pending]
        run.advice = [_mapped(f, scratch) for f in last.advice]
        run.changes.conflicts = [(_mapped(f, scratch), scratch.shown(why)) for f, why in last.changes.conflicts]
    else:
        run.pending, run.advice = first.pending, first.advice
    return run
