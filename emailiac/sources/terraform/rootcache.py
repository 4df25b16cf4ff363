"""A cache of whole root-module loads (evaluated resources, errors, notes, suppressions).

An entry is found by a key over the root's own files, the variable values given, the loader's code and
emailiac's version; it then records the module folders the load read and the files its file functions
read, and is used only if every one of them still holds the same contents. A load holding sensitive values
is not cached. A re-run over an unchanged monorepo so skips parsing and evaluation altogether; a change to
one root reloads that root only.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from emailiac import __version__
from emailiac.cachestore import EntryStore
from emailiac.sources.terraform.readlog import dir_digest, reads_unchanged

if TYPE_CHECKING:
    from emailiac.sources.terraform.loader import TerraformLoad

__all__ = ["RootCache"]

_MAGIC = b"emailiac-root-cache-2\n"


@functools.cache
def _code_digest() -> str:
    """Everything that turns files into evaluated resources: a change to it invalidates every entry."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(here.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for shared in ("model.py", "sensitive.py"):
        digest.update((here.parent.parent / shared).read_bytes())
    return digest.hexdigest()


class RootCache:
    def __init__(self, directory: Path | None = None) -> None:
        from emailiac.cachestore import default_cache_dir

        self._store = EntryStore((directory or default_cache_dir()) / "roots", _MAGIC)
        self._salt = _code_digest()

    def key(self, root: Path, var_files: Sequence[Path], cli_vars: Mapping[str, str], env: Mapping[str, str]) -> str:
        digest = hashlib.sha256(self._salt.encode())
        digest.update(str(root).encode() + b"\0" + dir_digest(root).encode())
        try:  # which modules `terraform init` downloaded, and where: the loader follows them
            digest.update((root / ".terraform" / "modules" / "modules.json").read_bytes())
        except OSError:
            digest.update(b"no module manifest")
        for path in var_files:
            digest.update(str(path).encode() + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"missing")
        for name, value in sorted(cli_vars.items()):
            digest.update(f"var:{name}={value}\0".encode())
        for name, value in sorted(env.items()):
            if name.startswith("TF_VAR_"):
                digest.update(f"env:{name}={value}\0".encode())
        return digest.hexdigest()

    def get(self, key: str) -> TerraformLoad | None:
        entry = self._store.read(key)
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        dirs, payload = entry
        if not all(dir_digest(Path(d)) == h for d, h in dirs):
            return None
        result: TerraformLoad = payload
        # Files read by file functions, and module folders however they were found, must be unchanged too.
        return result if reads_unchanged(result.reads) else None

    def put(self, key: str, dirs: Sequence[Path], payload: TerraformLoad) -> None:
        if payload.secrets:
            return  # sensitive values are never written to a cache
        self._store.write(key, ([(str(d), dir_digest(d)) for d in dict.fromkeys(dirs)], payload))
