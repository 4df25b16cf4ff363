"""Fixes inside a module that several instances share (`for_each` over 18 zones, or one folder called twice).

A module's text is the same for all its instances, so what a fix writes there must suit every one of them.
New blocks and edits one rule makes in a shared module are kept only when every instance needs them (a value
added to a record set that some instances already hold right would be wrong there) and all instances'
blocks are the same text (the resource names each picked aside): then one block serves all. Edits of the
same text must be the same edit. Otherwise writing them would leave N conflicting copies in the module (or
one instance's value for all), so those fixes become display-only advice that says why.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence

from emailiac.fixes.model import DISPLAY_ONLY, Fix
from emailiac.fixes.tree import norm
from emailiac.sources.terraform.resource import TfResource

__all__ = ["module_instances", "unshare"]

_HEADER = re.compile(r'^(resource|data) "([^"]+)" "([^"]+)"', re.M)


def _shape(fix: Fix) -> tuple[str, ...]:
    """The fix's new blocks with the resource names it picked replaced by their position."""
    texts = [b.hcl for b in fix.new_blocks]
    labels = [(m.group(1), m.group(2), m.group(3)) for t in texts for m in _HEADER.finditer(t)]
    out = []
    for text in texts:
        for i, (kind, rtype, name) in enumerate(labels):
            text = text.replace(f'{kind} "{rtype}" "{name}"', f'{kind} "{rtype}" "#{i}"')
            prefix = "data." if kind == "data" else ""
            text = re.sub(rf"(?<![\w.]){re.escape(f'{prefix}{rtype}.{name}')}(?![\w-])", f"{prefix}{rtype}.#{i}", text)
        out.append(text)
    return tuple(out)


def _advice(fix: Fix, why: str) -> Fix:
    return dataclasses.replace(fix, applicability=DISPLAY_ONLY, notes=(*fix.notes, why))


def _shared_dir(fix: Fix, shared: dict[str, set[str]]) -> str | None:
    dirs = {norm(os.path.dirname(b.file)) for b in fix.new_blocks if b.module}
    dirs |= {norm(os.path.dirname(e.file)) for e in fix.edits}
    return next((d for d in sorted(dirs) if d in shared), None)


def module_instances(parts: Mapping[str, Sequence[TfResource]]) -> dict[str, set[str]]:
    """Module folder -> the module instances written there, over every root of the run (`root:address`):
    roots that call one local module share its text as much as the instances of one root do."""
    out: dict[str, set[str]] = {}
    for root, resources in parts.items():
        for res in resources:
            if res.module:
                out.setdefault(norm(os.path.dirname(res.file)), set()).add(f"{root}:{res.module}")
    return out


def unshare(fixes: Sequence[Fix], owners: Sequence[str], instances: Mapping[str, set[str]]) -> list[Fix]:
    """`fixes`, with those that would write per-instance text into a shared module turned into advice.
    `owners[i]` is the module instance (`root:address`) whose finding `fixes[i]` fixes."""
    shared = {d: inst for d, inst in instances.items() if len(inst) > 1}
    out = list(fixes)
    if not shared:
        return out
    groups: dict[tuple[str, str], list[int]] = {}
    for i, fix in enumerate(out):
        directory = _shared_dir(fix, shared)
        if directory is not None:
            groups.setdefault((fix.rule_id, directory), []).append(i)
    for (rule_id, directory), members in groups.items():
        users = shared[directory]
        needing = {owners[i] for i in members}
        shapes = {_shape(out[i]) for i in members}
        module = f"the module in {os.path.relpath(directory)}"
        if len(shapes) > 1:
            why = (
                f"{module} is shared by {len(users)} instances and this {rule_id} fix differs between them "
                f"({len(shapes)} versions): pass the value in as a module variable, or add it to each caller"
            )
        elif not users <= needing:
            why = (
                f"{module} is shared by {len(users)} instances and only {len(needing & users)} need this "
                f"{rule_id} fix: add it where the instance is called, or behind a module variable"
            )
        else:
            first = out[members[0]].new_blocks
            for i in members:
                out[i] = dataclasses.replace(out[i], new_blocks=first)  # one block serves every instance
            continue
        for i in members:
            out[i] = _advice(out[i], why)
    return _unshare_edits(out, shared)


def _unshare_edits(fixes: list[Fix], shared: dict[str, set[str]]) -> list[Fix]:
    """Fixes whose edits replace the same text of a shared module differently become advice."""
    by_span: dict[tuple[str, int, int], set[str]] = {}
    for fix in fixes:
        for edit in fix.edits:
            if norm(os.path.dirname(edit.file)) in shared:
                by_span.setdefault((edit.file, edit.start, edit.end), set()).add(edit.replacement)
    clashing = {span for span, replacements in by_span.items() if len(replacements) > 1}
    if not clashing:
        return fixes
    out = []
    for fix in fixes:
        spans = {(e.file, e.start, e.end) for e in fix.edits} & clashing
        if spans:
            file = sorted(spans)[0][0]
            why = (
                f"{file} belongs to a module shared by several instances and they need different text here: "
                "pass the value in as a module variable"
            )
            fix = _advice(fix, why)
        out.append(fix)
    return out
