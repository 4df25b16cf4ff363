"""Atomic file writes: a reader sees the old file or the new one, never half of either.

`write_atomic` writes one report or inventory. What the path names is kept: a device or FIFO is written
through (never replaced by a regular file), a symlink keeps pointing where it did and its target gets the new
text.

`write_all_atomic` writes several files all or nothing, even when the process is killed. A journal beside the
files records the plan: first as `prepare` (temporary files being written), then, once every temporary file
is complete and synced, as `commit`; only then are the temporary files renamed over their targets, and the
journal is removed last. `recover` (run before the next write) finishes a committed journal (renames what is
left) and rolls back a prepared one (removes its temporary files), so a kill at any point leaves every file
either original or fully written, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["JOURNAL", "ReadOnlyFile", "inside", "recover", "write_all_atomic", "write_atomic"]

JOURNAL = ".emailiac-fix.journal"
# Test hook: "rename:SECONDS" or "write:SECONDS" pauses before each rename (or temporary file), so a test can
# kill the process in the middle of a write.
_PAUSE_ENV = "EMAILIAC_TEST_WRITE_PAUSE"


class ReadOnlyFile(PermissionError):
    """A file to change is read-only: nothing is written."""


def _pause(stage: str) -> None:
    hook = os.environ.get(_PAUSE_ENV, "")
    name, _, seconds = hook.partition(":")
    if name == stage and seconds:
        time.sleep(float(seconds))


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_CHUNK = 1 << 20


def _write_text(fh: TextIO, text: str) -> None:
    """In pieces: a report of tens of megabytes is never held a second time, encoded, in memory."""
    for start in range(0, len(text), _CHUNK):
        fh.write(text[start : start + _CHUNK])


def _write_temp(tmp: Path, text: str, like: os.stat_result | None) -> None:
    """A complete, synced temporary file with the mode (and, when allowed, the owner) of the file it replaces;
    a new file gets the usual mode (0666 less the umask)."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            _write_text(fh, text)
            fh.flush()
            if like is not None:
                os.chmod(fh.fileno(), stat.S_IMODE(like.st_mode))
                with contextlib.suppress(OSError):  # not allowed to give the file away: it stays ours
                    os.chown(fh.fileno(), like.st_uid, like.st_gid)
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _temp_name(target: Path, token: str) -> Path:
    return target.parent / f".{target.name}.emailiac-{token}.tmp"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def write_atomic(path: Path, text: str) -> None:
    """Write one file atomically; devices and FIFOs are written through, a symlink's target is replaced."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    st = _stat(target)
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            _write_text(fh, text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_name(target, f"{os.getpid()}-{time.monotonic_ns()}")
    _write_temp(tmp, text, st)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _is_read_only(st: os.stat_result, path: Path) -> bool:
    # root may write anything: a file nobody may write is still not ours to change.
    return not (st.st_mode & 0o222) or not os.access(path, os.W_OK)


def _save_journal(journal: Path, state: str, plan: list[tuple[str, str]]) -> None:
    tmp = journal.with_name(journal.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"state": state, "files": [{"target": t, "temp": p} for t, p in plan]}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    _fsync_dir(journal.parent)


def inside(path: str | Path, roots: Sequence[Path]) -> bool:
    """Whether `path`, symlinks resolved, is in one of the directories `roots` (themselves resolved)."""
    real = os.path.realpath(path)
    return any(real == str(root) or real.startswith(str(root).rstrip(os.sep) + os.sep) for root in roots)


def _valid_entry(entry: object, roots: Sequence[Path]) -> tuple[Path, Path] | None:
    """A journal entry we could have written: a temporary file named after its target, beside it, in the tree.
    Anything else (a journal from elsewhere, edited by hand) is never acted on."""
    if not isinstance(entry, dict):
        return None
    target, temp = entry.get("target"), entry.get("temp")
    if not isinstance(target, str) or not isinstance(temp, str):
        return None
    t, p = Path(target), Path(temp)
    if p.parent != t.parent or not p.name.startswith(f".{t.name}.emailiac-") or not p.name.endswith(".tmp"):
        return None
    if not inside(t.parent, roots):
        return None
    return t, p


def recover(directory: Path, roots: Sequence[Path] = ()) -> list[Path]:
    """Finish (committed) or undo (prepared) an interrupted `write_all_atomic` whose journal is in
    `directory`, touching only files inside `roots` (default: `directory`); returns the files it completed."""
    journal = directory / JOURNAL
    allowed = [Path(os.path.realpath(r)) for r in (roots or [directory])]
    Path(str(journal) + ".tmp").unlink(missing_ok=True)
    try:
        doc = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        doc = {}
    done: list[Path] = []
    state = doc.get("state") if isinstance(doc, dict) else None
    entries: list[object] = []
    if isinstance(doc, dict) and isinstance(doc.get("files"), list):
        entries = doc["files"]
    for entry in entries:
        pair = _valid_entry(entry, allowed)
        if pair is None:
            continue
        target, temp = pair
        if not temp.is_file() or temp.is_symlink():
            continue
        if state == "commit":
            os.replace(temp, target)
            done.append(target)
        else:
            temp.unlink()
    journal.unlink(missing_ok=True)
    return done


def write_all_atomic(contents: Mapping[Path, str], journal_dir: Path) -> None:
    """Write several files all or nothing (see the module's text). Symlinks are written through to their
    targets; a read-only file makes the whole write refused before anything changes."""
    plan: list[tuple[Path, Path, str, os.stat_result | None]] = []
    token = f"{os.getpid()}-{time.monotonic_ns()}"
    for path, text in contents.items():
        target = Path(os.path.realpath(path))
        st = _stat(target)
        if st is not None and (not stat.S_ISREG(st.st_mode) or _is_read_only(st, target)):
            raise ReadOnlyFile(13, "read-only file, nothing was changed", str(path))
        plan.append((target, _temp_name(target, token), text, st))
    journal = journal_dir / JOURNAL
    pairs = [(str(target), str(temp)) for target, temp, _, _ in plan]
    _save_journal(journal, "prepare", pairs)
    try:
        for target, temp, text, st in plan:
            _pause("write")
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_temp(temp, text, st)
        for directory in {target.parent for target, _, _, _ in plan}:
            _fsync_dir(directory)
        _save_journal(journal, "commit", pairs)
    except BaseException:
        for _, temp, _, _ in plan:
            temp.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise
    for target, temp, _, _ in plan:
        _pause("rename")
        os.replace(temp, target)
    for directory in {target.parent for target, _, _, _ in plan}:
        _fsync_dir(directory)
    journal.unlink()
