"""Load Terraform from paths: find root modules, parse their files, follow local modules, expand resources."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emailiac.model import Note, Unknown
from emailiac.result import InputError, Suppression
from emailiac.sensitive import secret_strings
from emailiac.sources.terraform.ast import Block, HclFile
from emailiac.sources.terraform.files import ParsedFile, parse_file
from emailiac.sources.terraform.fn_base import EvalContext
from emailiac.sources.terraform.manifest import (
    NOT_DOWNLOADED,
    ModuleManifest,
    call_path,
    is_local_source,
    read_manifest,
)
from emailiac.sources.terraform.module import ModuleInstance, ModuleSource, _key_text, module_inputs
from emailiac.sources.terraform.readlog import dir_digest
from emailiac.sources.terraform.resource import Body, TfResource
from emailiac.sources.terraform.rootcache import RootCache
from emailiac.sources.terraform.roots import discover_roots, is_tf_name, kind_of, listing_errors, tf_files
from emailiac.sources.terraform.variables import bind_variables, collect_root_values, declaration_errors

__all__ = [
    "Loader",
    "TerraformLoad",
    "discover_roots",
    "find_roots",
    "linted_tree",
    "load_root",
    "load_terraform",
    "merge_load",
    "remote_warnings",
]

_MAX_MODULE_DEPTH = 16
_MAX_MODULE_INSTANCES = 5000
_INTO_DOWNLOADED = re.compile(r"^(.*?\.terraform/modules/[^/]+)/.*$")

ParseMany = Callable[[list[Path]], list[ParsedFile]]


def _parse_serial(paths: list[Path]) -> list[ParsedFile]:
    return [parse_file(p) for p in paths]


@dataclass
class TerraformLoad:
    resources: list[TfResource] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file read
    secrets: set[str] = field(default_factory=set)  # values of `sensitive` variables, kept out of reports
    # Module calls whose source is not followed: (source, why, file, line), reported once per source.
    remote: list[tuple[str, str, str, int]] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # the root modules loaded, as TfResource.root names them
    name: str = ""  # the input file, for a load that is not of root modules (plan JSON)
    reads: dict[str, str] = field(default_factory=dict)  # what file functions read, for the caches


class ParseStore:
    """Parsed files shared by every root of a run: each file is parsed once."""

    def __init__(self, parse_many: ParseMany) -> None:
        self.parse_many = parse_many
        self._parsed: dict[Path, ParsedFile] = {}
        self._resolved: dict[Path, Path] = {}  # each path resolved once (a resolve is a stat a component)

    def _resolve(self, path: Path) -> Path:
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = path.resolve()
        return resolved

    def get(self, paths: list[Path]) -> list[ParsedFile]:
        todo = [p for p in dict.fromkeys(paths) if self._resolve(p) not in self._parsed]
        for p, parsed in zip(todo, self.parse_many(todo), strict=True):
            self._parsed[self._resolve(p)] = parsed
        return [self._parsed[self._resolve(p)] for p in paths]

    def known(self, path: Path) -> ParsedFile | None:
        """The file if it was parsed for this store already (else None: nothing is parsed here)."""
        return self._parsed.get(self._resolve(path))

    def forget(self, directory: Path) -> None:
        """Drop the files of one folder (a root judged and done with; its modules stay for the next root)."""
        folder = directory.resolve()
        for path in [p for p in self._parsed if p.parent == folder]:
            del self._parsed[path]


class Loader:
    """Loads one root module; reports what its files say and remembers which files and folders it read."""

    def __init__(self, root_dir: Path, store: ParseStore, result: TerraformLoad, tree: Sequence[Path] = ()) -> None:
        self.root_dir = root_dir
        self.store = store
        self.result = result
        self.dirs: list[Path] = []  # module folders read, in order
        self.secrets = result.secrets
        self.instances = 0  # module instances made, against the budget
        # File functions read relative to the root (where Terraform runs), only inside the linted tree.
        self.context = EvalContext(Path(os.path.abspath(root_dir)), tuple(tree) or (Path(os.path.realpath(root_dir)),))
        self.context.reads = result.reads
        self._sources: dict[Path, ModuleSource] = {}
        self._manifest: ModuleManifest | str | bool | None = False  # False: not read yet

    def downloaded(self, address: str, src: str) -> Path | str:
        """The folder `terraform init` downloaded the remote module of `address` into, or why there is none."""
        if self._manifest is False:
            self._manifest = read_manifest(self.root_dir)
            if isinstance(self._manifest, str):
                self.result.warnings.append(self._manifest)
        if not isinstance(self._manifest, ModuleManifest):
            return NOT_DOWNLOADED
        return self._manifest.folder(call_path(address), src)

    def files_of(self, directory: Path) -> tuple[list[HclFile], tuple[str, ...]]:
        """The folder's parsed files, and those that did not parse."""
        self.dirs.append(directory)
        self.result.errors.extend(listing_errors(directory))
        self.result.reads[f"dir:{directory.resolve()}"] = dir_digest(directory)
        out = []
        unparsed: list[str] = []
        for parsed in self.store.get(tf_files(directory)):
            self.result.files.append(parsed.path)
            if parsed.error:
                self.result.errors.append(parsed.error)
            self.result.suppressions.extend(parsed.suppressions)
            self.result.warnings.extend(parsed.warnings)
            if parsed.hcl is not None:
                out.append(parsed.hcl)
                self.result.errors.extend(declaration_errors(parsed.hcl))
            else:
                unparsed.append(os.path.basename(parsed.path))
        return out, tuple(unparsed)

    def source(self, directory: Path) -> ModuleSource:
        key = directory.resolve()
        if key not in self._sources:
            self._sources[key] = ModuleSource.from_files(directory, *self.files_of(directory))
        return self._sources[key]

    def instantiate_child(self, parent: ModuleInstance, block: Block, file: str) -> Any:
        name = block.labels[0]
        address = parent.prefix(f"module.{name}")
        src_attr = block.body.attribute("source")
        src = parent.eval(src_attr.expr) if src_attr else None
        if not isinstance(src, str):
            reason = f"{address}: module source is not a literal string"
            self.result.notes.append(Note(address, reason, file, block.pos.line))
            return Unknown(reason, (address,))
        if is_local_source(src):
            directory = Path(os.path.normpath(parent.source.dir / src))
        else:
            folder = self.downloaded(address, src)
            if isinstance(folder, str):
                self.result.remote.append((src, folder, file, block.pos.line))
                return Unknown(f"{address} comes from a remote module ({src}) that is not read: {folder}", (address,))
            directory = folder
        if not directory.is_dir() and ".terraform/modules/" in f"{directory.as_posix()}/":
            # A path into a module `terraform init` downloads (`./.terraform/modules/x/sub`): not there yet.
            self.result.remote.append((src, NOT_DOWNLOADED, file, block.pos.line))
            return Unknown(f"{address} comes from a module that is not downloaded ({src})", (address,))
        if not directory.is_dir():
            self.result.errors.append(InputError(f"module source {src!r} does not exist", file, block.pos.line))
            return Unknown(f"{address}: module source {src!r} does not exist")
        if parent.depth >= _MAX_MODULE_DEPTH:
            self.result.errors.append(
                InputError("modules nest too deeply (a module calling itself?)", file, block.pos.line)
            )
            return Unknown(f"{address}: modules nest too deeply")
        child_src = self.source(directory)
        if not tf_files(directory):
            self.result.errors.append(
                InputError(f"module source {src!r} holds no Terraform files", file, block.pos.line)
            )
        expansion = parent.expansion(block, address)
        if isinstance(expansion, Unknown):
            self.result.notes.append(Note(address, f"{expansion.reason}; module not expanded", file, block.pos.line))
            return expansion
        self.instances += 1 if expansion is None else len(expansion)
        if self.instances > _MAX_MODULE_INSTANCES:
            reason = f"more than {_MAX_MODULE_INSTANCES} module instances exceed emailiac's budget (a self-call?)"
            self.result.errors.append(InputError(reason, file, block.pos.line))
            return Unknown(f"{address}: {reason}")
        call = parent.call or f"{file}:{block.pos.line}"
        if expansion is None:
            inputs = module_inputs(parent, block, {}, child_src)
            return ModuleInstance(self, child_src, address, inputs, parent.depth + 1, call)
        instances = [
            (
                key,
                ModuleInstance(
                    self,
                    child_src,
                    f"{address}{_key_text(key)}",
                    module_inputs(parent, block, scope, child_src),
                    parent.depth + 1,
                    call,
                ),
            )
            for key, scope in expansion
        ]
        if block.body.attribute("count") is not None:
            return [inst for _, inst in instances]
        return dict(instances)


def load_root(
    root: Path,
    result: TerraformLoad,
    store: ParseStore,
    *,
    var_files: Sequence[Path] = (),
    cli_vars: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    tree: Sequence[Path] = (),
) -> Loader:
    loader = Loader(root, store, result, tree)
    source = loader.source(root)
    values = collect_root_values(root, source.variables, var_files=var_files, cli_vars=cli_vars, env=env)
    result.errors.extend(values.errors)
    instance = ModuleInstance(loader, source, "", bind_variables(source.variables, values.values, loader.secrets))
    result.resources.extend(instance.expand(result.notes))
    for resource in result.resources:
        _body_secrets(resource.body, loader.secrets)  # values computed from sensitive ones
    return loader


def _body_secrets(body: Body, into: set[str]) -> None:
    secret_strings(body.attrs, into)
    for blocks in body.blocks.values():
        for block in blocks:
            _body_secrets(block, into)


def merge_load(into: TerraformLoad, part: TerraformLoad) -> None:
    """Add one root's load; files shared by several roots (modules) are reported once."""
    into.resources.extend(part.resources)
    into.notes.extend(part.notes)
    into.secrets |= part.secrets
    into.reads.update(part.reads)
    for name in ("errors", "suppressions", "warnings", "files", "remote"):
        target: list[Any] = getattr(into, name)
        seen = set(target)
        for item in getattr(part, name):
            if item not in seen:
                seen.add(item)
                target.append(item)


def _load_root_job(
    job: tuple[Path, tuple[Path, ...], dict[str, str], dict[str, str], bool, tuple[Path, ...]],
) -> tuple[TerraformLoad, list[Path]]:
    """Load one root in a worker process (its files parsed there, through the parse cache)."""
    from emailiac.sources.terraform.parallel import parse_many_for

    root, var_files, cli_vars, env, use_cache, tree = job
    part = TerraformLoad()
    loader = load_root(
        root,
        part,
        ParseStore(parse_many_for(1, use_cache)),
        var_files=var_files,
        cli_vars=cli_vars,
        env=env,
        tree=tree,
    )
    return part, loader.dirs


def find_roots(paths: Sequence[Path], exclude: Sequence[str], errors: list[InputError]) -> list[Path]:
    """The root modules named by `paths` (folders, or .tf files whose folder is the module), each once; why a
    path holds none goes to `errors`."""
    roots: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [path] if tf_files(path) else discover_roots(path, exclude, errors)
            if not found and not listing_errors(path):
                errors.append(
                    InputError(
                        "no Terraform files (.tf, .tf.json) in this folder or below it: nothing to lint", str(path)
                    )
                )
            roots.extend(found)
        elif path.is_file() and is_tf_name(path.name):
            roots.append(path.parent)
        elif path.is_file():
            errors.append(
                InputError("not a Terraform file (.tf, .tf.json), plan JSON or emailiac inventory", str(path))
            )
        else:
            errors.append(InputError(kind_of(path), str(path)))
    return list({r.resolve(): r for r in roots}.values())


def linted_tree(paths: Sequence[Path]) -> tuple[Path, ...]:
    """The folders file functions may read in: those given (a file's own folder), symbolic links resolved."""
    return tuple(Path(os.path.realpath(p if p.is_dir() else p.parent)) for p in paths if p.exists())


def load_terraform(
    paths: Sequence[Path],
    *,
    var_files: Sequence[Path] = (),
    cli_vars: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    exclude: Sequence[str] = (),
    parse_many: ParseMany | None = None,
    cache: bool = False,
    jobs: int = 1,
) -> TerraformLoad:
    """Load every root module named by `paths` (directories, or .tf files whose directory is the module).

    With `cache`, a root whose files, variable values and loader code are unchanged since a previous run is
    taken from the root cache instead of being parsed and evaluated again. With `jobs` > 1 and several roots
    to load, whole roots are loaded in worker processes; a single root has its files parsed by `parse_many`."""
    result = TerraformLoad()
    roots = find_roots(paths, exclude, result.errors)
    env = env if env is not None else os.environ
    tree = linted_tree(paths)
    result.roots = [str(r) for r in roots]
    root_cache = RootCache() if cache else None
    parts: list[TerraformLoad | None] = []
    pending: list[tuple[int, Path, str]] = []
    for root in roots:
        key = root_cache.key(root, var_files, cli_vars or {}, env) if root_cache else ""
        hit = root_cache.get(key) if root_cache else None
        if hit is None:
            pending.append((len(parts), root, key))
        parts.append(hit)
    if jobs > 1 and len(pending) > 1:
        tf_env = {k: v for k, v in env.items() if k.startswith("TF_VAR_")}
        work = [(root, tuple(var_files), dict(cli_vars or {}), tf_env, cache, tree) for _, root, _ in pending]
        from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only for a pool

        with ProcessPoolExecutor(max_workers=min(jobs, len(pending))) as pool:
            loaded = list(pool.map(_load_root_job, work, chunksize=max(1, len(work) // (jobs * 4))))
    else:
        store = ParseStore(parse_many or _parse_serial)
        # Parse every file of every root still to load at once, so a worker pool sees the whole batch.
        store.get([p for _, r, _ in pending for p in tf_files(r)])
        loaded = []
        for _, root, _ in pending:
            part = TerraformLoad()
            loader = load_root(root, part, store, var_files=var_files, cli_vars=cli_vars, env=env, tree=tree)
            loaded.append((part, loader.dirs))
    for (index, _, key), (part, dirs) in zip(pending, loaded, strict=True):
        if root_cache is not None:
            root_cache.put(key, dirs, part)
        parts[index] = part
    # Merged in root order, so a run served partly from the cache lists resources as a fresh run does.
    for done in parts:
        assert done is not None
        merge_load(result, done)
    result.warnings.extend(remote_warnings(result.remote))
    return result


def remote_warnings(remote: Sequence[tuple[str, str, str, int]]) -> list[str]:
    """One line per remote module source not followed, however many calls name it."""
    calls: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for src, why, file, line in remote:
        # Paths into one downloaded module (`./.terraform/modules/v4/subnet`, `.../v4/vnet`) are one source.
        calls.setdefault((_INTO_DOWNLOADED.sub(r"\1", src), why), []).append((file, line))
    lines = []
    for (src, why), where in calls.items():
        file, line = where[0]
        more = f" (and {len(where) - 1} more call{'s' if len(where) > 2 else ''})" if len(where) > 1 else ""
        lines.append(f"{file}:{line}: module source {src!r} is not read: {why}; its resources are not assessed{more}")
    return lines
