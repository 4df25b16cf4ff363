"""`emailiac fix` without the command line: load, judge, plan fixes, and build the changes to apply.

Loading is lint's (same loader, adapters, engine), except that the evaluated resources are kept: fixes need
to know where each attribute is written.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emailiac.atomic import inside, recover
from emailiac.baseline import Baseline
from emailiac.fixes.apply import Changes, build_changes, write_changes
from emailiac.fixes.context import FIXES_FILE, FixContext
from emailiac.fixes.model import DISPLAY_ONLY, Fix, NewBlock, applicable
from emailiac.fixes.planner import plan
from emailiac.fixes.shared import module_instances, unshare
from emailiac.fixes.tree import SourceTree, norm
from emailiac.lint import Collected, LintOptions, collect, is_json_doc, judge
from emailiac.report.options import rules_by_id
from emailiac.result import Result
from emailiac.rules import ALL_RULES
from emailiac.sources.terraform.parallel import keep_parsed

__all__ = ["FixRun", "attach_fixes", "fix_pass", "plan_fixes", "run_fix", "tree_roots"]


@dataclass
class FixRun:
    result: Result
    fixes: list[Fix]
    tree: SourceTree
    changes: Changes = field(default_factory=Changes)
    pending: list[Fix] = field(default_factory=list)  # fixable, not applied (unsafe without --unsafe-fixes)
    advice: list[Fix] = field(default_factory=list)  # display-only
    texts: dict[str, str] = field(default_factory=dict)  # files as the fixes leave them (later passes read these)

    def read(self, file: str) -> str | None:
        """A file's text as the fixes' edits see it: changed by earlier passes, or as it is."""
        return self.texts[file] if file in self.texts else self.tree.read(file)

    @property
    def remaining(self) -> int:
        """Fixable findings left unapplied: unsafe ones not asked for, and ones set aside for a conflict."""
        return len(self.pending) + len(self.changes.conflicts)


def plan_fixes(
    paths: Sequence[Path],
    baseline: Baseline,
    options: LintOptions,
    *,
    file_name: str = FIXES_FILE,
    judged: tuple[Collected, Result] | None = None,
) -> tuple[Result, list[Fix], SourceTree]:
    """Judge `paths` (unless lint already did: `judged`) and plan a fix for every active finding that has one."""
    if judged is None:
        keep_parsed()
        collected = collect(paths, options)
        judged = (collected, judge(collected, baseline, options))
    collected, result = judged
    inventory, resources, secrets = collected.inventory, collected.resources, collected.secrets
    tree = SourceTree(
        paths=[p for p in paths if not is_json_doc(p)],
        default_root=Path.cwd(),
        var_files=options.var_files,
        cli_vars=dict(options.cli_vars),
        env=dict(options.env if options.env is not None else os.environ),
        exclude=options.exclude,
        use_cache=options.cache,
    )
    rules = rules_by_id(ALL_RULES)
    # Several roots judged apart: each root's findings are fixed with what that root declares.
    parts = collected.parts if len(collected.parts) > 1 else [("", inventory)]
    members = collected.resources_of if len(collected.parts) > 1 else {"": resources}
    instances = module_instances(members)
    planned: list[Fix] = []
    owners: list[str] = []
    for name, part in parts:
        findings = [f for f in result.findings if len(parts) == 1 or f.evaluation.subject.root == name]
        ctx = FixContext(
            tree,
            list(members.get(name, [])),
            part,
            baseline,
            rules,
            file_name=file_name,
            findings=[f for f in findings if f.suppressed_by is None],
            secrets=secrets,
            instances=instances,
            root_dir=name or None,
        )
        for fix in plan(ctx, findings):
            planned.append(fix)
            res = ctx.resource(fix.subject)
            owners.append(f"{name}:{res.module}" if res is not None and res.module else "")
    return result, unshare(planned, owners, instances), tree


def tree_roots(paths: Sequence[Path], out: Path | None = None) -> list[Path]:
    """The folders `fix --write` may write in, symlinks resolved: those of the Terraform paths it was given
    (a file's own folder), the folder of `--out`, and the current folder when only an inventory was given
    (new blocks for live objects go there)."""
    roots = [Path(os.path.realpath(p if p.is_dir() else p.parent)) for p in paths if not is_json_doc(p)]
    if not roots:
        roots.append(Path(os.path.realpath(Path.cwd())))
    if out is not None:
        roots.append(Path(os.path.realpath(out.parent if str(out.parent) else Path.cwd())))
    return list(dict.fromkeys(roots))


def recover_writes(paths: Sequence[Path], out: Path | None = None) -> list[Path]:
    """Finish (or undo) a `write_fixes` that a killed run left half done, before the tree is read again;
    returns the files it completed."""
    roots = tree_roots(paths, out)
    return recover(roots[0], roots)


def write_fixes(changes: Changes, paths: Sequence[Path], out: Path | None = None) -> list[str]:
    """Write every changed file, all or nothing, journalled in the first folder `fix` may write in (where
    `recover_writes` looks); returns the files written."""
    return write_changes(changes, tree_roots(paths, out)[0])


def _confined(fix: Fix, roots: Sequence[Path], place: Callable[[NewBlock], str]) -> Fix:
    """The fix, or display-only advice when it would write outside `roots` (a module from `../../x`, a
    symlink to elsewhere)."""
    files = [e.file for e in fix.edits] + [place(b) for b in fix.new_blocks]
    outside = sorted({f for f in files if not inside(f, roots)})
    if not outside:
        return fix
    where = ", ".join(outside)
    note = f"{where} is outside the folders given to emailiac fix; apply this change there by hand"
    return dataclasses.replace(fix, applicability=DISPLAY_ONLY, notes=(*fix.notes, note))


def fix_pass(
    paths: Sequence[Path],
    baseline: Baseline,
    options: LintOptions,
    *,
    unsafe: bool = False,
    out: Path | None = None,
) -> FixRun:
    """One pass: lint, plan fixes and build the file changes `--write` would make (nothing is written)."""
    result, planned, tree = plan_fixes(paths, baseline, options)
    target = norm(out) if out is not None else None

    def place(block: NewBlock) -> str:
        return target if target is not None and block.movable and block.module == "" else block.file

    roots = tree_roots(paths, out)
    fixes = [_confined(f, roots, place) for f in planned]
    chosen = [f for f in fixes if applicable(f, unsafe=unsafe)]
    run = FixRun(result, fixes, tree)
    run.changes = build_changes(chosen, tree.read, place=place)
    run.pending = [f for f in fixes if not f.is_empty and f.applicability != DISPLAY_ONLY and f not in chosen]
    run.advice = [f for f in fixes if f.applicability == DISPLAY_ONLY]
    return run


def run_fix(
    paths: Sequence[Path],
    baseline: Baseline,
    options: LintOptions,
    *,
    unsafe: bool = False,
    out: Path | None = None,
) -> FixRun:
    """Plan fixes and build the file changes `--write` would make (nothing is written here). Fixes can make
    new findings visible (a new SPF record makes its domain a mail domain that needs MTA-STS): passes are
    repeated on a private copy until nothing more is fixable, so the changes hold every pass's fixes."""
    from emailiac.fixes.converge import converge

    run = fix_pass(paths, baseline, options, unsafe=unsafe, out=out)
    if not run.changes.changed or run.result.errors:
        return run
    return converge(run, paths, baseline, options, unsafe=unsafe, out=out)


def attach_fixes(
    result: Result,
    paths: Sequence[Path],
    baseline: Baseline,
    options: LintOptions,
    collected: Collected | None = None,
) -> None:
    """Plan fixes for `paths` and attach them to the matching findings of `result` (for JSON and SARIF);
    `collected` is lint's own load of `paths`, reused when given."""
    from emailiac.fixes.payload import attach

    judged = (collected, result) if collected is not None else None
    _, fixes, tree = plan_fixes(paths, baseline, options, judged=judged)
    attach(result, fixes, tree.read)
