"""`emailiac lint`: Terraform (HCL, plan JSON) or a saved inventory -> facts -> rules -> Result."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from emailiac.model import Inventory
from emailiac.result import Evaluation, InputError, Result, Suppression

if TYPE_CHECKING:
    # The loader, adapters and rules are imported when a run needs them: a re-run answered from the result
    # cache needs none of them, and start-up time is most of a one-file lint.
    from emailiac.baseline import Baseline
    from emailiac.sources.terraform.loader import TerraformLoad
    from emailiac.sources.terraform.resource import TfResource

__all__ = ["Collected", "LintOptions", "collect", "judge", "lint"]


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


def _is_json_doc(path: Path) -> bool:
    return path.is_file() and path.suffix == ".json" and not path.name.endswith(".tf.json")


def _load_json_input(path: Path, into: Collected) -> TerraformLoad | None:
    from emailiac.sources.terraform.files import is_plan_json, read_text

    text = read_text(path)
    if isinstance(text, InputError):
        into.errors.append(text)
        return None
    from emailiac.inventory_io import InventoryFormatError, is_inventory_json, read_inventory

    if is_inventory_json(text):
        try:
            into.inventory.extend(read_inventory(text))
        except InventoryFormatError as exc:
            into.errors.append(InputError(str(exc), str(path)))
        return None
    if is_plan_json(text):
        from emailiac.sources.terraform.plan import load_plan

        return load_plan(path, text)
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
        if _is_json_doc(path):
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
        collected.errors.extend(load.errors)
        collected.suppressions.extend(load.suppressions)
        collected.warnings.extend(load.warnings)
        collected.inventory.notes.extend(load.notes)
        collected.secrets |= load.secrets
    if loads:
        collected.inventory.facts.extend(facts_from_resources(ResourceIndex(resources)))
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


def judge(collected: Collected, baseline: Baseline, options: LintOptions) -> Result:
    """Run the rules over what `collect` gathered."""
    from emailiac.engine import evaluate
    from emailiac.redact import redact_result

    result = evaluate(
        collected.inventory,
        baseline,
        only=options.only,
        skip=options.skip,
        suppressions=collected.suppressions,
        errors=collected.errors,
    )
    if collected.only_files is not None:
        result.findings = [f for f in result.findings if _keep(f.evaluation, collected.only_files)]
        result.passes = [e for e in result.passes if _keep(e, collected.only_files)]
        result.not_assessed = [e for e in result.not_assessed if _keep(e, collected.only_files)]
    result.warnings[:0] = collected.warnings
    redact_result(result, collected.secrets)
    return result


def lint(paths: Sequence[Path], baseline: Baseline, options: LintOptions) -> Result:
    return judge(collect(paths, options), baseline, options)
