"""Making an expression evaluate to a wanted value by editing where the value comes from.

`tls_policy = var.require_tls ? "REQUIRE" : "OPTIONAL"` gets the value REQUIRE by making `var.require_tls`
true, and that variable is set where it is set: a tfvars line, the argument of the module call, the
variable's default. A variable or local used in more than one place is left alone (changing it would change
the other places too): the expression is replaced where it is used, and the fix says so. A root variable set
in the environment (TF_VAR_) is overridden in terraform.tfvars; one set on the command line cannot be
overridden, so the use is replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from emailiac.fixes.hcl_emit import hcl_value
from emailiac.fixes.model import Edit, NewBlock
from emailiac.fixes.tree import ModuleDir, SourceTree, expr_text
from emailiac.sources.terraform.ast import Cond, Expr, GetAttr, Lit, Name, Template, UnaryOp

__all__ = ["Changes", "Site", "definition", "reference_of", "set_value"]


@dataclass(frozen=True)
class Site:
    """An expression in a file, in the module whose names it uses."""

    file: str
    expr: Expr
    module: ModuleDir
    what: str = ""  # what the expression is, for notes ("the default of var.require_tls")


@dataclass
class Changes:
    edits: list[Edit] = field(default_factory=list)
    new_blocks: list[NewBlock] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    where: str = ""  # what the edited expression is ("the default of var.x")

    def extend(self, other: Changes) -> None:
        self.edits.extend(other.edits)
        self.new_blocks.extend(other.new_blocks)
        self.notes.extend(other.notes)


def reference_of(expr: Expr) -> tuple[str, str] | None:
    """("var", name) for `var.name`, ("local", name) for `local.name` (also inside a lone "${...}")."""
    if isinstance(expr, Template) and len(expr.parts) == 1 and not isinstance(expr.parts[0], str):
        return reference_of(expr.parts[0])
    if isinstance(expr, GetAttr) and isinstance(expr.obj, Name) and expr.obj.name in ("var", "local"):
        return expr.obj.name, expr.name
    return None


def _origin_file(origin: str) -> tuple[str, int] | None:
    path, sep, line = origin.rpartition(":")
    if sep and line.isdigit() and os.path.isfile(path):
        return path, int(line)
    return None


def definition(tree: SourceTree, site: Site) -> tuple[Site | None, str]:
    """Where the variable or local `site` names is given its value; (None, why) when that is not in a file
    this fix may edit."""
    ref = reference_of(site.expr)
    if ref is None:
        return None, "not a reference"
    kind, name = ref
    module = site.module
    if kind == "local":
        found = tree.local(module, name)
        if found is None:
            return None, f"local.{name} is not defined"
        attr, file = found
        return Site(file, attr.expr, module, f"local.{name}"), ""
    if not module.is_root:
        assert module.parent is not None and module.call is not None and module.call_file is not None
        arg = module.call.body.attribute(name)
        if arg is not None:
            return Site(module.call_file, arg.expr, module.parent, f"the argument {name} of {module.address}"), ""
    else:
        origin = tree.root_values(module).origin.get(name)
        if origin is not None:
            where = _origin_file(origin)
            if where is not None:
                assigned = tree.attribute_in(where[0], name)
                if assigned is not None:
                    label = f"the line setting var.{name} in {os.path.basename(where[0])}"
                    return Site(where[0], assigned.expr, module, label), ""
            return None, f"var.{name} is set by {origin}"
    declared = tree.variable(module, name)
    if declared is None:
        return None, f"var.{name} is not declared"
    block, file = declared
    default = block.body.attribute("default")
    if default is None:
        return None, f"var.{name} has no default and no value is set in a file"
    return Site(file, default.expr, module, f"the default of var.{name}"), ""


def _replace(tree: SourceTree, site: Site, want: Any, note: str = "") -> Changes:
    out = Changes([Edit(site.file, site.expr.pos.start, site.expr.pos.end, hcl_value(want))], where=site.what)
    if note:
        out.notes.append(note)
    return out


def _tfvars_override(tree: SourceTree, site: Site, name: str, want: Any, why: str) -> Changes | None:
    """`name = want` in the root's terraform.tfvars, which outranks TF_VAR_ in the environment."""
    if not why.endswith(f"environment TF_VAR_{name}") or not site.module.is_root:
        return None
    target = os.path.join(site.module.root, "terraform.tfvars")
    note = (
        f"var.{name} is set in the environment (TF_VAR_{name}); terraform.tfvars now overrides it: remove the "
        "environment variable too"
    )
    return Changes(new_blocks=[NewBlock(target, f"{name} = {hcl_value(want)}\n", movable=False)], notes=[note])


def set_value(tree: SourceTree, site: Site, want: Any) -> Changes:
    """Edits that make `site` evaluate to `want`, as close to where the value is set as is safe."""
    found = _set(tree, site, want, depth=0)
    if found.edits and found.where and found.where != site.what:
        found.notes.insert(0, f"the value comes from {found.where}, which the fix changes")
    return found


def _set(tree: SourceTree, site: Site, want: Any, *, depth: int) -> Changes:
    expr = site.expr
    if isinstance(expr, Lit):
        if expr.value == want and type(expr.value) is type(want):
            return Changes()
        return _replace(tree, site, want)
    if depth > 8:
        return _replace(tree, site, want)
    if isinstance(expr, Cond):
        for branch, condition in ((expr.then, True), (expr.other, False)):
            if isinstance(branch, Lit) and branch.value == want:
                inner = Site(site.file, expr.cond, site.module, site.what)
                return _set(tree, inner, condition, depth=depth + 1)
        return _replace(tree, site, want, f"replaced the condition {expr_text(tree, site.file, expr)}")
    if isinstance(expr, UnaryOp) and expr.op == "!" and isinstance(want, bool):
        return _set(tree, Site(site.file, expr.operand, site.module, site.what), not want, depth=depth + 1)
    ref = reference_of(expr)
    if ref is not None:
        written = f"{ref[0]}.{ref[1]}"
        if tree.uses(site.module, written) > 1:
            return _replace(
                tree, site, want, f"{written} is used elsewhere too, so the value is set here instead of in {written}"
            )
        target, why = definition(tree, site)
        if target is None:
            override = _tfvars_override(tree, site, ref[1], want, why)
            if override is not None:
                return override
            return _replace(tree, site, want, f"{why}, which this fix cannot change; the value is set here instead")
        return _set(tree, target, want, depth=depth + 1)
    shown = expr_text(tree, site.file, expr)
    return _replace(tree, site, want, f"replaced the expression {shown}")
