"""Pickled cache entries on disk: written atomically, read back only if whole and of our format.

Concurrent runs never see half an entry (temporary file + rename); a corrupt or foreign entry reads as a
miss, and the caller's next `put` rewrites it. A read-only or full cache directory only costs speed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["EntryStore", "default_cache_dir"]

T = TypeVar("T")


def default_cache_dir() -> Path:
    override = os.environ.get("EMAILIAC_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("emailiac"))


class EntryStore:
    def __init__(self, directory: Path, magic: bytes) -> None:
        self.directory = directory
        self.magic = magic

    def _file(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def built(self, key: str, kind: type[T], build: Callable[[], T]) -> T:
        """The `kind` object kept under `key`, or `build()` kept there now (a costly build worth a file read)."""
        kept = self.read(key)
        if isinstance(kept, kind):
            return kept
        made = build()
        self.write(key, made)
        return made

    def read(self, key: str) -> Any | None:
        try:
            raw = self._file(key).read_bytes()
        except OSError:
            return None
        if not raw.startswith(self.magic):
            return None
        try:
            return pickle.loads(raw[len(self.magic) :])
        except Exception:  # corrupt or written by other code: a miss
            return None

    def write(self, key: str, value: Any) -> None:
        with contextlib.suppress(pickle.PicklingError):
            self.write_pickled(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def write_pickled(self, key: str, blob: bytes) -> None:
        """Store a value pickled already (by a worker that also sends it to its parent)."""
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(self.magic)
                    fh.write(blob)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass
