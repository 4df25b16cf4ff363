"""`emailiac lint`: Terraform (HCL, plan JSON) or a saved inventory -> facts -> rules -> Result."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from emailiac.model import Inventory, Note, Provenance
from emailiac.result import Evaluation, Finding, InputError, Result, Suppression

if TYPE_CHECKING:
    # The loader, adapters and rules are imported when a run needs them: a re-run answered from the result
    # cache needs none of them, and start-up time is most of a one-file lint.
    from emailiac.baseline import Baseline
    from emailiac.sources.terraform.loader import TerraformLoad
    from emailiac.sources.terraform.resource import TfResource

__all__ = [
    "Collected",
    "LintOptions",
    "collect",
    "finish",
    "is_json_doc",
    "judge",
    "lint",
    "matters",
    "name_root",
    "take_load",
]

_Copied = TypeVar("_Copied", Evaluation, Finding)


@dataclass(frozen=True)
class LintOptions:
    var_files: tuple[Path, ...] = ()
    cli_vars: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    jobs: int | None = None  # None: as many as there are cores
    cache: bool = True
    env: Mapping[str, str] | None = None


@dataclass
class Collected:
    inventory: Inventory
    suppressions: list[Suppression]
    errors: list[InputError]
    warnings: list[str]
    only_files: set[str] | None  # report only subjects in these files (files named on the command line)
    resources: list[TfResource] = field(default_factory=list)  # kept for fixes: where each value is written
    secrets: set[str] = field(default_factory=set)
    # One inventory per root module, plan or inventory file: each is judged on its own (its own zones, its
    # own unknowns), as if linted alone. `inventory` is their union, for fixes.
    parts: list[tuple[str, Inventory]] = field(default_factory=list)
    resources_of: dict[str, list[TfResource]] = field(default_factory=dict)  # part name -> its resources
    reads: dict[str, str] = field(default_factory=dict)  # what evaluation read, for the result cache
    roots: list[str] = field(default_factory=list)  # root modules judged each in a worker (lintrun.py)

    @property
    def nothing(self) -> bool:
        """No root module, plan or inventory was found to lint: an error, never "no findings"."""
        return not self.parts and not self.roots


def is_json_doc(path: Path) -> bool:
    """A plan JSON or saved inventory (not a `.tf.json` Terraform file)."""
    return path.is_file() and path.suffix == ".json" and not path.name.endswith(".tf.json")


_INSTANCE_KEYS = re.compile(r"\[[^\]]*\]")


def matters(note: Note) -> bool:
    """A note about a resource no adapter reads (a Kubernetes secret's unknown for_each) is left out: it
    cannot change a verdict, and a long list of them would hide the warnings that can."""
    from emailiac.sources.terraform.adapters import is_read

    parts = _INSTANCE_KEYS.sub("", note.address).split(".")
    if len(parts) < 2 or parts[-2] == "module":
        return True
    return is_read(parts[-2])


def take_load(collected: Collected, load: TerraformLoad) -> None:
    """What a load said, into `collected`: errors, suppressions, warnings, the notes that matter, sensitive
    values and what evaluation read."""
    collected.errors.extend(load.errors)
    collected.suppressions.extend(load.suppressions)
    collected.warnings.extend(load.warnings)
    collected.inventory.notes.extend(n for n in load.notes if matters(n))
    collected.secrets |= load.secrets
    collected.reads.update(load.reads)


def _by_root(loads: Sequence[TerraformLoad]) -> list[tuple[str, list[TfResource]]]:
    """Resources grouped by the root module (or plan file) they were loaded from, in load order."""
    groups: dict[str, list[TfResource]] = {}
    for load in loads:
        for res in load.resources:
            groups.setdefault(res.root or load.name, []).append(res)
        for root in load.roots:
            groups.setdefault(root, [])
    return list(groups.items())


def _load_json_input(path: Path, into: Collected) -> TerraformLoad | None:
    from emailiac.sources.terraform.files import is_plan_json, read_text

    text = read_text(path)
    if isinstance(text, InputError):
        into.errors.append(text)
        return None
    from emailiac.inventory_io import InventoryFormatError, is_inventory_json, read_inventory

    if is_inventory_json(text):
        try:
            inventory = read_inventory(text)
        except InventoryFormatError as exc:
            into.errors.append(InputError(str(exc), str(path)))
            return None
        into.inventory.extend(inventory)
        into.parts.append((str(path), inventory))
        return None
    if is_plan_json(text):
        from emailiac.sources.terraform.plan import load_plan

        load = load_plan(path, text)
        load.name = str(path)
        return load
    into.errors.append(
        InputError("not a Terraform plan (terraform show -json) nor an emailiac inventory", str(path), 1)
    )
    return None


def collect(paths: Sequence[Path], options: LintOptions) -> Collected:
    from emailiac.sources.terraform.adapters import facts_from_resources
    from emailiac.sources.terraform.loader import load_terraform
    from emailiac.sources.terraform.resource import ResourceIndex

    collected = Collected(Inventory(), [], [], [], None)
    loads: list[TerraformLoad] = []
    tf_paths: list[Path] = []
    named_files: set[str] = set()
    for path in paths:
        if is_json_doc(path):
            load = _load_json_input(path, collected)
            if load is not None:
                loads.append(load)
        else:
            if path.is_file():
                named_files.add(os.path.normpath(path))
            tf_paths.append(path)
    if tf_paths:
        from emailiac.sources.terraform.parallel import parse_many_for

        loads.append(
            load_terraform(
                tf_paths,
                var_files=options.var_files,
                cli_vars=options.cli_vars,
                env=options.env if options.env is not None else os.environ,
                exclude=options.exclude,
                parse_many=parse_many_for(options.jobs, options.cache),
                cache=options.cache,
                jobs=options.jobs or os.cpu_count() or 1,
            )
        )
    resources = [r for load in loads for r in load.resources]
    for load in loads:
        take_load(collected, load)
    for name, members in _by_root(loads):
        part = Inventory(facts=facts_from_resources(ResourceIndex(members)), sources={"terraform"})
        collected.parts.append((name, part))
        collected.resources_of[name] = members
        collected.inventory.facts.extend(part.facts)
    if loads:
        collected.inventory.sources.add("terraform")
    collected.resources = resources
    # Files named one by one (pre-commit) are judged in their directory's context, but only their own
    # subjects are reported.
    if named_files and len(named_files) == len(tf_paths):
        collected.only_files = named_files
    return collected


def _keep(ev: Evaluation, only_files: set[str] | None) -> bool:
    if only_files is None:
        return True
    return ev.subject.file is not None and os.path.normpath(ev.subject.file) in only_files


def _copy_with(obj: _Copied, name: str, value: object) -> _Copied:
    """A copy of a frozen dataclass instance with one field changed: `dataclasses.replace` without running
    `__init__` again (every evaluation of every root is renamed: about a second of a 2,000-file run)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__[name] = value
    return new


class _InRoot:
    """Evaluations and findings moved into one root; a subject shared by several evaluations is renamed once."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._subjects: dict[int, Provenance] = {}  # by id: the evaluations being renamed keep them alive

    def evaluation(self, ev: Evaluation) -> Evaluation:
        subject = ev.subject
        if subject.root == self.root:
            return ev
        renamed = self._subjects.get(id(subject))
        if renamed is None:
            renamed = self._subjects[id(subject)] = replace(subject, root=self.root)
        return _copy_with(ev, "subject", renamed)

    def finding(self, finding: Finding) -> Finding:
        ev = finding.evaluation
        return finding if ev.subject.root == self.root else _copy_with(finding, "evaluation", self.evaluation(ev))


def name_root(result: Result, root: str) -> None:
    """Every subject of `result` names `root`, as in a run of several roots (done where the root is judged,
    so that merging copies nothing)."""
    into = _InRoot(root)
    result.findings = [into.finding(f) for f in result.findings]
    result.passes = [into.evaluation(e) for e in result.passes]
    result.not_assessed = [into.evaluation(e) for e in result.not_assessed]


def _merge_results(results: list[Result], roots: list[str]) -> Result:
    """One result from the results of several roots judged apart; every subject names its root."""
    merged = Result(baseline=results[0].baseline, errors=results[0].errors, rules_run=results[0].rules_run)
    sources: set[str] = set()
    for result, root in zip(results, roots, strict=True):
        into = _InRoot(root)
        merged.findings += [into.finding(f) for f in result.findings]
        merged.passes += [into.evaluation(e) for e in result.passes]
        merged.not_assessed += [into.evaluation(e) for e in result.not_assessed]
        merged.warnings += result.warnings
        sources |= set(result.sources)
    merged.sources = tuple(sorted(sources))
    merged.warnings = list(dict.fromkeys(merged.warnings))
    merged.findings.sort(key=lambda f: (*f.evaluation.sort_key, f.evaluation.subject.root or ""))
    merged.passes.sort(key=lambda e: (*e.sort_key, e.subject.root or ""))
    merged.not_assessed.sort(key=lambda e: (*e.sort_key, e.subject.root or ""))
    return merged


def judge(collected: Collected, baseline: Baseline, options: LintOptions) -> Result:
    """Run the rules over what `collect` gathered: each root on its own."""
    from emailiac.engine import evaluate

    parts = collected.parts or [("", collected.inventory)]
    results = [
        evaluate(part, baseline, only=options.only, skip=options.skip, suppressions=collected.suppressions)
        for _, part in parts
    ]
    return finish(results, [name for name, _ in parts], collected)


def finish(results: list[Result], names: list[str], collected: Collected) -> Result:
    """One result from the results of each root (or input file): warnings once each, only the subjects of the
    files named one by one, sensitive values masked."""
    from emailiac.engine import note_warnings
    from emailiac.redact import redact_result

    result = results[0] if len(results) == 1 else _merge_results(results, names)
    result.errors = sorted(collected.errors, key=lambda e: (e.file or "", e.line or 0, e.message))
    # Warnings once each: what the parser and the loader noted, then what the rules' run added.
    result.warnings = list(
        dict.fromkeys([*collected.warnings, *note_warnings(collected.inventory.notes), *result.warnings])
    )
    if collected.only_files is not None:
        result.findings = [f for f in result.findings if _keep(f.evaluation, collected.only_files)]
        result.passes = [e for e in result.passes if _keep(e, collected.only_files)]
        result.not_assessed = [e for e in result.not_assessed if _keep(e, collected.only_files)]
    redact_result(result, collected.secrets)
    return result


def lint(paths: Sequence[Path], baseline: Baseline, options: LintOptions) -> Result:
    return judge(collect(paths, options), baseline, options)
