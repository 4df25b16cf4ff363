"""Finding what to lint: Terraform files of a folder, the root modules below a folder, and why a path
holds nothing to lint (so nothing is skipped without a word)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path

from emailiac.result import InputError

__all__ = ["discover_roots", "is_tf_name", "kind_of", "listing_errors", "module_callers", "tf_files"]

_LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.\.?/[^"]*)"')
_SKIP_DIRS = {".terraform", ".git", "node_modules", ".terragrunt-cache"}


def is_tf_name(name: str) -> bool:
    return name.endswith((".tf", ".tf.json"))


def tf_files(directory: Path) -> list[Path]:
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.is_file() and is_tf_name(p.name)]


def listing_errors(directory: Path) -> list[InputError]:
    """Why Terraform files of `directory` cannot be read: the folder itself, or broken symbolic links."""
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        return [InputError(f"cannot read directory: {exc.strerror or exc}", str(directory))]
    return [
        InputError("broken symbolic link: the file it points to does not exist", str(p))
        for p in entries
        if is_tf_name(p.name) and p.is_symlink() and not p.exists()
    ]


def kind_of(path: Path) -> str:
    """What a path that is neither a folder nor a regular file is, for the error message."""
    if path.is_symlink() and not path.exists():
        return "broken symbolic link: the file it points to does not exist"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return "no such file or directory" if isinstance(exc, FileNotFoundError) else f"cannot read: {exc.strerror}"
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return f"{name}, not a Terraform file or folder, plan JSON or emailiac inventory: nothing to lint"
    return "not a Terraform file or folder: nothing to lint"


def _excluded(path: Path, exclude: Sequence[str]) -> bool:
    text = path.as_posix()
    return any(fnmatch(text, pat) or fnmatch(path.name, pat) or f"/{pat.strip('/')}/" in f"/{text}/" for pat in exclude)


def discover_roots(directory: Path, exclude: Sequence[str] = (), errors: list[InputError] | None = None) -> list[Path]:
    """Directories under `directory` holding Terraform files that no other found directory calls as a module.

    Folders that cannot be read are added to `errors`: nothing is skipped without a word."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        if errors is not None:
            errors.append(InputError(f"cannot read directory: {exc.strerror or exc}", exc.filename))

    for current, dirs, files in os.walk(directory, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        here = Path(current)
        if _excluded(here, exclude):
            dirs[:] = []
            continue
        if any(f.endswith((".tf", ".tf.json")) for f in files):
            found.append(here)
    called: set[Path] = set()
    for root in found:
        for path in tf_files(root):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for match in _LOCAL_SOURCE.finditer(text):
                called.add((root / match.group(1)).resolve())
    return [r for r in found if r.resolve() not in called]


def module_callers(roots: Sequence[Path]) -> dict[str, frozenset[str]]:
    """Local module folder -> the roots that call it, directly or through other modules, by literal
    `source = "./..."`: read from the text, before anything is evaluated (an estimate the caller checks)."""
    calls: dict[str, list[str]] = {}

    def called_by(folder: str) -> list[str]:
        if folder not in calls:
            found: list[str] = []
            for path in tf_files(Path(folder)):
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                found += [os.path.normpath(os.path.join(folder, m.group(1))) for m in _LOCAL_SOURCE.finditer(text)]
            calls[folder] = found
        return calls[folder]

    out: dict[str, set[str]] = {}
    for root in roots:
        seen: set[str] = set()
        todo = list(called_by(os.path.normpath(root)))
        while todo:
            folder = todo.pop()
            if folder in seen or not os.path.isdir(folder):
                continue
            seen.add(folder)
            out.setdefault(folder, set()).add(str(root))
            todo.extend(called_by(folder))
    return {folder: frozenset(names) for folder, names in out.items()}
