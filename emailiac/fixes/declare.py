"""Declarations a new block may need: a variable for what only the operator knows (an admin range, a log
bucket), a data source (`aws_region`, `aws_caller_identity`). Declared once, where such things live."""

from __future__ import annotations

import os
from typing import Any

from emailiac.fixes.context import FixContext
from emailiac.fixes.model import NewBlock
from emailiac.fixes.render import render
from emailiac.fixes.tree import ModuleDir, norm

__all__ = ["data_source", "variable"]

_UNSET = object()


def variable(
    ctx: FixContext, module: ModuleDir, name: str, type_: str, description: str, default: Any = _UNSET
) -> list[NewBlock]:
    """`variable "name"` in the module's variables.tf (or its fixes file), unless it is declared."""
    if ctx.tree.variable(module, name) is not None:
        return []
    values: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if default is not _UNSET:
        values["default"] = default
    home = norm(os.path.join(module.dir, "variables.tf"))
    target = home if os.path.isfile(home) else ctx.fixes_file(module)
    return [NewBlock(target, render("variable.tf.j2", **values), module.address)]


def data_source(ctx: FixContext, module: ModuleDir, type_: str, name: str = "current") -> list[NewBlock]:
    if any(b.labels == (type_, name) for b, _ in ctx.tree.blocks(module.dir, "data")):
        return []
    return [NewBlock(ctx.fixes_file(module), render("data_source.tf.j2", type=type_, name=name), module.address)]
