"""A content-hash cache of parsed files, in the user cache directory.

Key: the file's bytes, its path (errors and suppressions name it), the parser and emailiac versions. Entries
are written atomically, so concurrent runs never see half an entry; an unreadable or foreign entry is
ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from emailiac import __version__
from emailiac.sources.terraform.files import ParsedFile

__all__ = ["ParseCache"]

_MAGIC = b"emailiac-parse-cache-1\n"


def default_cache_dir() -> Path:
    override = os.environ.get("EMAILIAC_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("emailiac"))


def _front_end_digest() -> str:
    """A digest of the code that turns text into parsed files, so a changed parser never reads entries
    written by the old one (the version number alone does not change between development builds)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("ast.py", "hcl.py", "template.py", "jsonsyntax.py", "suppress.py", "files.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


class ParseCache:
    def __init__(self, directory: Path | None = None) -> None:
        from emailiac.sources.terraform.hcl import parser_version

        self.directory = (directory or default_cache_dir()) / "parse"
        self._salt = f"{__version__}\0{parser_version()}\0{_front_end_digest()}\0".encode()

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.sha256(self._salt)
        digest.update(path.encode())
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> ParsedFile | None:
        try:
            raw = self._file(key).read_bytes()
        except OSError:
            return None
        if not raw.startswith(_MAGIC):
            return None
        try:
            value = pickle.loads(raw[len(_MAGIC) :])
        except Exception:  # a corrupt entry is a miss; it is rewritten below
            return None
        return value if isinstance(value, ParsedFile) else None

    def put(self, key: str, value: ParsedFile) -> None:
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC)
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except OSError:
            pass  # a read-only or full cache directory only costs speed
