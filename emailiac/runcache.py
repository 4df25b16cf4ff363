"""A cache of whole lint results, for re-runs over inputs that have not changed at all.

The key covers what is known before the run: the contents of every Terraform file under the paths and of
every local module they call (found by their literal `source = "./..."`), plan or inventory files, variable
files and values, the baseline, the rule selection and emailiac's own code. The entry then records what
the run itself read (every module folder, however it was called, and every file read by file functions),
and is used only while all of that is unchanged. Any change misses, and the run is done (and cached)
again; the parse and root caches still make that fast. A run that saw sensitive values is not cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import os
import pickle
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from emailiac.cachestore import EntryStore, default_cache_dir
from emailiac.result import InputError, Result, Severity, exit_code_for

if TYPE_CHECKING:
    from emailiac.baseline import Baseline
    from emailiac.lint import LintOptions

__all__ = ["CachedRun", "ResultCache", "code_digest"]

_MAGIC = b"emailiac-result-cache-3\n"
_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
_SKIP_DIRS = {".terraform", ".git", "node_modules", ".terragrunt-cache"}
_LOCAL_SOURCE = re.compile(rb'\bsource\s*=\s*"(\.\.?/[^"]*)"')


@functools.cache
def code_digest() -> str:
    """emailiac's own code: a change to any module makes every cached result and judged root stale."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(directory: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_SUFFIXES):
                yield Path(current) / name
        yield from _downloaded(Path(current))


def _downloaded(directory: Path) -> Iterator[Path]:
    """The modules `terraform init` downloaded for a root (the loader follows them) and their manifest."""
    modules = directory / ".terraform" / "modules"
    if not modules.is_dir():
        return
    yield modules / "modules.json"
    for current, dirs, files in os.walk(modules):
        dirs.sort()
        yield from (Path(current) / name for name in sorted(files) if name.endswith(_SUFFIXES))


class _Hasher:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.seen_dirs: set[Path] = set()

    def add(self, label: str, data: bytes) -> None:
        self.digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    def add_file(self, path: Path) -> bytes:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"
        self.add(str(path), data)
        return data

    def add_dir(self, directory: Path, recursive: bool) -> None:
        key = directory.resolve()
        if key in self.seen_dirs:
            return
        self.seen_dirs.add(key)
        files = (
            _files(directory)
            if recursive
            else itertools.chain(
                (p for p in sorted(directory.glob("*")) if p.name.endswith(_SUFFIXES)), _downloaded(directory)
            )
        )
        for path in files:
            data = self.add_file(path)
            # Local modules outside the folder are followed, as the loader follows them.
            for match in _LOCAL_SOURCE.finditer(data):
                module = Path(os.path.normpath(path.parent / match.group(1).decode(errors="replace")))
                if module.is_dir():
                    self.add_dir(module, recursive=False)


class ResultCache:
    def __init__(self, directory: Path | None = None) -> None:
        self._store = EntryStore((directory or default_cache_dir()) / "results", _MAGIC)

    def key(self, paths: list[Path], baseline: Baseline, options: LintOptions, env: Mapping[str, str]) -> str:
        h = _Hasher()
        h.add("code", code_digest().encode())
        h.add("baseline", repr(baseline).encode())
        h.add("today", dt.date.today().isoformat().encode())  # suppressions expire
        h.add("rules", repr((sorted(options.only), sorted(options.skip), sorted(options.exclude))).encode())
        h.add("vars", repr(sorted(options.cli_vars.items())).encode())
        h.add("env", repr(sorted((k, v) for k, v in env.items() if k.startswith("TF_VAR_"))).encode())
        for var_file in options.var_files:
            h.add_file(var_file)
        for path in paths:
            h.add("path", str(path).encode())
            if path.is_dir():
                h.add_dir(path, recursive=True)
            elif path.is_file():
                h.add_file(path)
                if path.suffix != ".json" or path.name.endswith(".tf.json"):
                    h.add_dir(path.parent, recursive=False)  # a file is judged in its module's context
            else:
                h.add("missing", str(path).encode())
        return h.digest.hexdigest()

    def get(self, key: str) -> CachedRun | None:
        from emailiac.sources.terraform.readlog import reads_unchanged

        entry = self._store.read(key)
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        reads, run = entry
        if not isinstance(run, CachedRun) or not isinstance(reads, dict) or not reads_unchanged(reads):
            return None
        run.store = self._store
        return run

    def put(self, key: str, result: Result, reads: Mapping[str, str] | None = None) -> CachedRun:
        """Store `result` with what the run read (see readlog.py); the entry, to render reports through."""
        run = CachedRun.of(result)
        self._store.write(key, (dict(reads or {}), run))
        run.store = self._store
        run.blob = b""  # written; the result itself is at hand (a large run's blob is tens of megabytes)
        return run


@dataclass
class CachedRun:
    """A cached result as a re-run uses it: the exit code and warnings at once; the result itself (large) only
    when a report is not cached already. Reports are cached by the result's digest and how they are shown."""

    digest: str
    warnings: list[str]
    errors: list[InputError]
    incomplete: bool
    worst: Severity | None
    blob: bytes  # the pickled Result
    store: EntryStore | None = field(default=None, compare=False)
    _result: Result | None = field(default=None, compare=False)

    @classmethod
    def of(cls, result: Result) -> CachedRun:
        blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(blob).hexdigest()
        run = cls(digest, list(result.warnings), list(result.errors), result.incomplete, result.worst, blob)
        run._result = result
        return run

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "store": None, "_result": None}

    def result(self) -> Result:
        if self._result is None:
            self._result = pickle.loads(self.blob)
        return self._result

    def exit_code(self, fail_on: Severity, allow_partial: bool = False) -> int:
        return exit_code_for(bool(self.errors), self.incomplete, self.worst, fail_on, allow_partial)

    def report(self, how: str, render: Callable[[Result], str]) -> str:
        """The report `how` names (format and display options), from the cache or rendered now and kept."""
        key = hashlib.sha256(f"{self.digest}\0{how}".encode()).hexdigest()
        text = self.store.read(key) if self.store is not None else None
        if isinstance(text, str):
            return text
        text = render(self.result())
        if self.store is not None:
            self.store.write(key, text)
        return text
