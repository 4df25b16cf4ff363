"""One root module read, judged and its fixes planned: the unit of work `lint` spreads over processes.

A worker loads its root (from the root cache when its files are unchanged), turns the resources into facts,
runs the rules and, when the report carries fixes, plans them with the syntax trees it has just parsed: no
file is parsed twice and no resource crosses a process boundary. A root judged before, with the same files,
variables, baseline, rules and code, is taken whole from the judged-root cache, read by the parent.

Whether a module folder is shared by several instances (and so must be written for all of them) is known
only once every root is evaluated. A worker plans with an estimate (its own root's instances, plus every other
root whose text calls the folder) and records each answer it used; `judge_roots` checks the answers against
the run's real instances and plans a root again, in process, where one was wrong. Plans are therefore those
one process with the whole run in view would make, however the roots were spread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from emailiac.cachestore import EntryStore, default_cache_dir
from emailiac.detached import later
from emailiac.model import Inventory
from emailiac.result import Result
from emailiac.sources.terraform.loader import ParseStore, TerraformLoad, load_root
from emailiac.sources.terraform.readlog import reads_unchanged
from emailiac.sources.terraform.rootcache import RootCache

if TYPE_CHECKING:
    from emailiac.baseline import Baseline
    from emailiac.fixes.model import Fix
    from emailiac.sources.terraform.files import ParsedFile
    from emailiac.sources.terraform.resource import TfResource

__all__ = ["JudgeSettings", "JudgedRoot", "judge_root", "judge_roots", "judge_salt", "root_key_of"]

_MAGIC = b"emailiac-judged-root-1\n"
ParseMany = Callable[[list[Path]], "list[ParsedFile]"]


@dataclass(frozen=True)
class JudgeSettings:
    """What every root of a run is loaded and judged with."""

    baseline: Baseline
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    fixes: bool = False  # plan a fix for each finding (reports that carry them: JSON, SARIF)
    today: dt.date = field(default_factory=dt.date.today)  # suppressions expire
    var_files: tuple[Path, ...] = ()
    cli_vars: Mapping[str, str] = field(default_factory=dict)
    tf_env: Mapping[str, str] = field(default_factory=dict)  # TF_VAR_* only
    tree: tuple[Path, ...] = ()  # where file functions may read
    use_cache: bool = True
    callers: Mapping[str, frozenset[str]] = field(default_factory=dict)  # module folder -> roots calling it
    name_roots: bool = False  # several roots in the run: every subject names its root
    salt: str = ""  # judge_salt(), computed once per run


@dataclass
class JudgedRoot:
    name: str  # the root as TfResource.root names it
    load: TerraformLoad  # what loading said (its resources are left out: they stay in the worker)
    result: Result  # findings carry their fix payloads when fixes were planned
    fixes: list[Fix] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # per fix: the module instance it fixes (shared.py)
    instances: dict[str, set[str]] = field(default_factory=dict)  # module folder -> this root's instances
    shared_answers: dict[str, bool] = field(default_factory=dict)  # what planning took as shared


def judge_salt(settings: JudgeSettings) -> str:
    """Everything besides a root's own inputs that its verdicts and plans depend on."""
    from emailiac.runcache import code_digest

    what: tuple[object, ...] = (
        code_digest(),
        settings.baseline,
        sorted(settings.only),
        sorted(settings.skip),
        settings.fixes,
        settings.name_roots,
    )
    if settings.fixes:  # where new blocks go (imported only then: the fix planners are large)
        from emailiac.fixes.context import FIXES_FILE

        what = (*what, FIXES_FILE)
    return hashlib.sha256(repr((*what, settings.today.isoformat())).encode()).hexdigest()


class _JudgedCache:
    def __init__(self) -> None:
        self._store = EntryStore(default_cache_dir() / "judged", _MAGIC)

    @staticmethod
    def key(root_key: str, settings: JudgeSettings) -> str:
        return hashlib.sha256(f"{root_key}\0{settings.salt}".encode()).hexdigest()

    def get(self, key: str) -> JudgedRoot | None:
        entry = self._store.read(key)
        # Every module folder the load read, and every file its file functions read, must be unchanged.
        return entry if isinstance(entry, JudgedRoot) and reads_unchanged(entry.load.reads) else None

    def put(self, key: str, judged: JudgedRoot) -> None:
        if not judged.load.secrets:  # sensitive values are never written to a cache
            self._store.write(key, judged)


def _load(root: Path, settings: JudgeSettings, store: ParseStore, key: str) -> TerraformLoad:
    cache = RootCache() if settings.use_cache else None
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        return hit
    load = TerraformLoad()
    loader = load_root(
        root,
        load,
        store,
        var_files=settings.var_files,
        cli_vars=settings.cli_vars,
        env=settings.tf_env,
        tree=settings.tree,
    )
    load.roots = [str(root)]
    if cache is not None:
        later(functools.partial(cache.put, key, list(loader.dirs), load), len(load.files))
    return load


def _estimate(local: Mapping[str, set[str]], name: str, callers: Mapping[str, frozenset[str]]) -> dict[str, set[str]]:
    """This root's module instances, plus one stand-in for every other root whose text calls the folder."""
    out = {folder: set(members) for folder, members in local.items()}
    for folder, roots in callers.items():
        others = {f"{other}:?" for other in roots if other != name}
        if others:
            out.setdefault(folder, set()).update(others)
    return out


def _plan(
    judged: JudgedRoot,
    resources: list[TfResource],
    inventory: Inventory,
    settings: JudgeSettings,
    store: ParseStore,
    instances: Mapping[str, set[str]],
) -> None:
    if all(f.suppressed_by is not None for f in judged.result.findings):
        return  # nothing to fix: the planners are not even imported (a clean tree in CI)
    from emailiac.fixes.context import FixContext
    from emailiac.fixes.payload import attach
    from emailiac.fixes.planner import plan
    from emailiac.fixes.tree import SourceTree
    from emailiac.report.options import rules_by_id
    from emailiac.rules import ALL_RULES

    tree = SourceTree(
        paths=[Path(judged.name)],
        default_root=Path.cwd(),
        var_files=settings.var_files,
        cli_vars=dict(settings.cli_vars),
        env=dict(settings.tf_env),
        use_cache=settings.use_cache,
        parsed_by=store.known,
    )
    findings = judged.result.findings
    ctx = FixContext(
        tree,
        resources,
        inventory,
        settings.baseline,
        rules_by_id(ALL_RULES),
        findings=[f for f in findings if f.suppressed_by is None],
        secrets=judged.load.secrets,
        instances=instances,
        root_dir=judged.name,
    )
    for fix in plan(ctx, findings):
        res = ctx.resource(fix.subject)
        judged.fixes.append(fix)
        judged.owners.append(f"{judged.name}:{res.module}" if res is not None and res.module else "")
    judged.shared_answers = dict(ctx.shared_answers)
    attach(judged.result, judged.fixes, tree.read)


def judge_root(
    root: Path,
    settings: JudgeSettings,
    store: ParseStore,
    root_key: str | None = None,
    instances: Mapping[str, set[str]] | None = None,
) -> JudgedRoot:
    """Load, judge and (with `settings.fixes`) plan fixes for one root, and keep it in the judged-root cache.
    `root_key`: the root's cache key (`root_key_of`), when the caller computed it to look the root up (this
    function does not look it up). `instances`: the run's real module instances, when known (else planning
    estimates them, and records what it took)."""
    if root_key is None:
        root_key = root_key_of(root, settings)
    load = _load(root, settings, store, root_key)
    # The root's syntax trees and resources live until it is judged: the collector need not walk them again
    # each time it runs (a full collection over a large root costs a tenth of its run). They are still freed
    # by reference counting; what is frozen goes back to the collector once the root is judged.
    gc.freeze()
    try:
        return _judge_loaded(root, settings, store, root_key, load, instances)
    finally:
        gc.unfreeze()


def _judge_loaded(
    root: Path,
    settings: JudgeSettings,
    store: ParseStore,
    root_key: str,
    load: TerraformLoad,
    instances: Mapping[str, set[str]] | None,
) -> JudgedRoot:
    from emailiac.engine import evaluate
    from emailiac.lint import name_root
    from emailiac.sources.terraform.adapters import facts_from_resources
    from emailiac.sources.terraform.resource import ResourceIndex

    resources, name = load.resources, str(root)
    inventory = Inventory(facts=facts_from_resources(ResourceIndex(resources)), sources={"terraform"})
    result = evaluate(
        inventory,
        settings.baseline,
        only=settings.only,
        skip=settings.skip,
        suppressions=load.suppressions,
        today=settings.today,
    )
    if settings.name_roots:
        name_root(result, name)
    judged = JudgedRoot(name, dataclasses.replace(load, resources=[]), result)
    if settings.fixes:
        from emailiac.fixes.shared import module_instances

        local = judged.instances = module_instances({name: resources})
        known = instances if instances is not None else _estimate(local, name, settings.callers)
        _plan(judged, resources, inventory, settings, store, known)
    if settings.use_cache:
        cache = _JudgedCache()
        later(functools.partial(cache.put, cache.key(root_key, settings), judged), len(judged.load.files))
    return judged


def root_key_of(root: Path, settings: JudgeSettings) -> str:
    """The root cache's key for `root` (its files and variable values): also the judged-root cache's base."""
    if not settings.use_cache:
        return ""
    return RootCache().key(root, settings.var_files, settings.cli_vars, settings.tf_env)


# A worker's settings and parsed files: modules called by several roots are parsed once per worker.
_WORKER: tuple[JudgeSettings, ParseStore] | None = None


def _start_worker(settings: JudgeSettings) -> None:
    from emailiac.sources.terraform.parallel import parse_many_for

    global _WORKER
    _WORKER = (settings, ParseStore(parse_many_for(1, settings.use_cache)))


def _judge_in_worker(job: tuple[Path, str]) -> JudgedRoot:
    assert _WORKER is not None
    settings, store = _WORKER
    root, root_key = job
    try:
        return judge_root(root, settings, store, root_key)
    finally:
        store.forget(root)


def _real_answer(folder: str, instances: Mapping[str, set[str]]) -> bool:
    return len(instances.get(folder, ())) > 1


def judge_roots(roots: Sequence[Path], settings: JudgeSettings, jobs: int, parse_many: ParseMany) -> list[JudgedRoot]:
    """Every root judged (in worker processes when `jobs` > 1 and there are several), in `roots` order, with
    plans checked against the run's real module instances and shared-module fixes settled."""
    if settings.use_cache and not settings.salt:
        settings = dataclasses.replace(settings, salt=judge_salt(settings))
    # Roots judged before are read here, once; only the others go to workers (or, alone, stay in process).
    keys = [root_key_of(root, settings) for root in roots]
    judged = [_cached(key, settings) for key in keys]
    todo = [(root, key) for root, key, done in zip(roots, keys, judged, strict=True) if done is None]
    if jobs > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only for a pool

        with ProcessPoolExecutor(
            max_workers=min(jobs, len(todo)), initializer=_start_worker, initargs=(settings,)
        ) as pool:
            fresh = list(pool.map(_judge_in_worker, todo, chunksize=max(1, len(todo) // (jobs * 4))))
    else:
        # One process: a single root's files are parsed across `parse_many`'s pool; modules are parsed once.
        store = ParseStore(parse_many)
        fresh = []
        for root, key in todo:
            fresh.append(judge_root(root, settings, store, key))
            store.forget(root)
    made = iter(fresh)
    done = [one if one is not None else next(made) for one in judged]
    if settings.fixes:
        _settle(done, settings, parse_many)
    return done


def _cached(root_key: str, settings: JudgeSettings) -> JudgedRoot | None:
    if not settings.use_cache:
        return None
    cache = _JudgedCache()
    return cache.get(cache.key(root_key, settings))


def _settle(judged: list[JudgedRoot], settings: JudgeSettings, parse_many: ParseMany) -> None:
    from emailiac.fixes.payload import attach
    from emailiac.fixes.shared import unshare
    from emailiac.sources.terraform.files import read_text

    instances: dict[str, set[str]] = {}
    for one in judged:
        for folder, members in one.instances.items():
            instances.setdefault(folder, set()).update(members)
    for i, one in enumerate(judged):
        if any(answer != _real_answer(folder, instances) for folder, answer in one.shared_answers.items()):
            judged[i] = judge_root(Path(one.name), settings, ParseStore(parse_many), instances=instances)
    planned = [fix for one in judged for fix in one.fixes]
    settled = unshare(planned, [owner for one in judged for owner in one.owners], instances)
    texts: dict[str, str | None] = {}

    def read(file: str) -> str | None:
        if file not in texts:
            text = read_text(Path(file)) if os.path.isfile(file) else None
            texts[file] = text if isinstance(text, str) else None
        return texts[file]

    start = 0
    for one in judged:
        mine = settled[start : start + len(one.fixes)]
        changed = [new for old, new in zip(one.fixes, mine, strict=True) if new != old]
        if changed:
            attach(one.result, changed, read)
        one.fixes = mine
        start += len(one.fixes)
