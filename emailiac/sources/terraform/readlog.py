"""What an evaluation read, so that a cached result is used only while all of it is unchanged.

Entries map a kind and a path to a digest of what was seen: `file:` contents read by file functions (or
`missing`), `exists:` a fileexists() answer, `fileset:` a folder listing for a pattern, `dir:` the Terraform
files of a module folder (names and contents).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["content_digest", "dir_digest", "listing_digest", "reads_unchanged"]

_TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def listing_digest(names: Iterable[str]) -> str:
    return content_digest("\0".join(names).encode())


def dir_digest(directory: Path) -> str:
    """The Terraform files of one folder: names and contents."""
    digest = hashlib.sha256()
    try:
        names = sorted(p.name for p in directory.iterdir() if p.name.endswith(_TERRAFORM_SUFFIXES) and p.is_file())
    except OSError:
        return "missing"
    for name in names:
        digest.update(name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256((directory / name).read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def _now(kind: str, rest: str) -> str | None:
    if kind == "file":
        try:
            return content_digest(Path(rest).read_bytes())
        except OSError:
            return "missing"
    if kind == "exists":
        return str(Path(rest).is_file())
    if kind == "dir":
        return dir_digest(Path(rest))
    if kind == "fileset":
        from emailiac.sources.terraform.fn_base import EvalContext, FunctionError, NotEvaluated
        from emailiac.sources.terraform.fn_files import fileset_of

        base, _, pattern = rest.partition("\0")
        try:
            return listing_digest(fileset_of(EvalContext(Path(base), (Path(base),)), Path(base), pattern))
        except (FunctionError, NotEvaluated, OSError):
            return "error"
    return None


def reads_unchanged(reads: Mapping[str, str]) -> bool:
    """True while every file read, existence checked, folder listed and module folder still gives what it
    gave."""
    for key, seen in reads.items():
        kind, _, rest = key.partition(":")
        if _now(kind, rest) != seen:
            return False
    return True
