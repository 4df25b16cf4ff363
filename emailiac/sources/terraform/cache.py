"""A content-hash cache of parsed files, in the user cache directory.

Key: the file's bytes, its path (errors and suppressions name it), the parser and emailiac versions and a
digest of our front-end code. Entries are stored by cachestore.EntryStore (atomic, corruption-tolerant).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from emailiac import __version__
from emailiac.cachestore import EntryStore, default_cache_dir
from emailiac.sources.terraform.files import ParsedFile

__all__ = ["ParseCache"]

_MAGIC = b"emailiac-parse-cache-1\n"


def _front_end_digest() -> str:
    """A digest of the code that turns text into parsed files, so a changed parser never reads entries
    written by the old one (the version number alone does not change between development builds)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    front_end = (
        "ast.py",
        "hcl.py",
        "hclexpr.py",
        "hclscan.py",
        "template.py",
        "jsonsyntax.py",
        "suppress.py",
        "files.py",
    )
    for name in front_end:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


class ParseCache:
    def __init__(self, directory: Path | None = None) -> None:
        from emailiac.sources.terraform.hcl import parser_version

        self._store = EntryStore((directory or default_cache_dir()) / "parse", _MAGIC)
        self._salt = f"{__version__}\0{parser_version()}\0{_front_end_digest()}\0".encode()

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.sha256(self._salt)
        digest.update(path.encode())
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> ParsedFile | None:
        value = self._store.read(key)
        return value if isinstance(value, ParsedFile) else None

    def put(self, key: str, parsed: ParsedFile) -> None:
        self._store.write(key, parsed)

    def put_pickled(self, key: str, blob: bytes) -> None:
        """Store a parsed file its parser pickled already."""
        self._store.write_pickled(key, blob)
