"""A whole `emailiac lint` run, as the command line and the API make it.

Terraform roots are each loaded, judged and (for reports that carry fixes) planned by one worker process
(rootjudge.py); the parent only merges. A run that includes a plan JSON or a saved inventory is collected,
judged and planned in one process, as `emailiac fix` does.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from emailiac.lint import Collected, LintOptions, collect, finish, is_json_doc, judge, take_load
from emailiac.model import Inventory
from emailiac.result import InputError, Result

if TYPE_CHECKING:
    from emailiac.baseline import Baseline

__all__ = ["run_lint"]


def run_lint(
    paths: Sequence[Path], baseline: Baseline, options: LintOptions, *, fixes: bool = False
) -> tuple[Collected, Result | None]:
    """What was read, and the result (None when nothing was found to lint: `collected.errors` say why).
    With `fixes`, each finding that has a fix carries it (the JSON `fix` object)."""
    if any(is_json_doc(p) for p in paths):
        collected = collect(paths, options)
        if collected.nothing:
            return collected, None
        result = judge(collected, baseline, options)
        if fixes:
            from emailiac.fixes.run import attach_fixes

            attach_fixes(result, paths, baseline, options, collected)
        return collected, result
    return _run_roots(paths, baseline, options, fixes)


def _run_roots(
    paths: Sequence[Path], baseline: Baseline, options: LintOptions, fixes: bool
) -> tuple[Collected, Result | None]:
    from emailiac.rootjudge import JudgeSettings, judge_roots
    from emailiac.sources.terraform.loader import TerraformLoad, find_roots, linted_tree, merge_load, remote_warnings
    from emailiac.sources.terraform.parallel import parse_many_for
    from emailiac.sources.terraform.roots import module_callers

    total = TerraformLoad()
    roots = find_roots(paths, options.exclude, total.errors)
    env = options.env if options.env is not None else os.environ
    settings = JudgeSettings(
        baseline,
        only=options.only,
        skip=options.skip,
        fixes=fixes,
        today=dt.date.today(),
        var_files=options.var_files,
        cli_vars=dict(options.cli_vars),
        tf_env={k: v for k, v in env.items() if k.startswith("TF_VAR_")},
        tree=linted_tree(paths),
        use_cache=options.cache,
        callers=module_callers(roots) if fixes and len(roots) > 1 else {},
        name_roots=len(roots) > 1,
    )
    jobs = options.jobs or os.cpu_count() or 1
    judged = judge_roots(roots, settings, jobs, parse_many_for(options.jobs, options.cache))
    for one in judged:
        merge_load(total, one.load)
    total.warnings.extend(remote_warnings(total.remote))
    collected = Collected(Inventory(), [], [], [], None)
    take_load(collected, total)
    collected.roots = [one.name for one in judged]
    named = {os.path.normpath(p) for p in paths if p.is_file()}
    if named and len(named) == len(paths):
        # Files named one by one (pre-commit) are judged in their folder's context; only their subjects count.
        collected.only_files = named
    if collected.nothing:
        if not collected.errors:
            collected.errors.append(InputError("nothing to lint"))
        return collected, None
    return collected, finish([one.result for one in judged], collected.roots, collected)
