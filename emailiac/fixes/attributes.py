"""Setting an attribute of a resource (or of one of its nested blocks) to a value.

An attribute that is written is changed where its value comes from (see values.py); one that is missing is
added to the block, and a missing nested block (`delivery_options`) is added with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from emailiac.fixes.blocks import add_attribute, add_block, find_nested
from emailiac.fixes.context import FixContext
from emailiac.fixes.hcl_emit import hcl_value
from emailiac.fixes.values import Changes, Site, set_value
from emailiac.sources.terraform.ast import Block
from emailiac.sources.terraform.resource import Body, TfResource

__all__ = ["nested_body", "set_attribute", "set_attributes"]

_PER_INSTANCE = re.compile(r"\b(?:each|count)\.")


def nested_body(res: TfResource, key: str) -> Body | None:
    """The evaluated nested block `ingress[1]` of a resource (key as FirewallRule.rule_key)."""
    name, _, rest = key.partition("[")
    if not rest.endswith("]") or not rest[:-1].isdigit():
        return None
    blocks = res.body.blocks.get(name, [])
    index = int(rest[:-1])
    return blocks[index] if index < len(blocks) else None


def _target(ctx: FixContext, res: TfResource, path: Sequence[str], at: int | None) -> tuple[Block, list[str]] | None:
    """The block to edit and the nested block types still missing on the way to it."""
    block = ctx.block_of(res)
    if block is None:
        return None
    if at is not None:
        nested = find_nested(block, at)
        if nested is None or nested.type == "content":
            return None  # a dynamic block's content stands for several blocks
        return nested, []
    for i, kind in enumerate(path):
        children = [b for b in block.body.blocks if b.type == kind]
        if not children:
            if any(b.type == "dynamic" and b.labels == (kind,) for b in block.body.blocks):
                return None
            return block, list(path[i:])
        block = children[0]
    return block, []


def set_attribute(
    ctx: FixContext,
    res: TfResource,
    name: str,
    want: Any,
    *,
    path: Sequence[str] = (),
    at: int | None = None,
) -> Changes | None:
    """Changes that make attribute `name` of the resource (inside the nested blocks `path`, or of the
    nested block starting at character `at`) evaluate to `want`; None when the block is not in an editable
    file (plan JSON, a dynamic block)."""
    module = ctx.module_of(res)
    source = ctx.tree.read(res.file)
    found = _target(ctx, res, path, at)
    if module is None or source is None or found is None:
        return None
    block, missing = found
    line = f"{name} = {hcl_value(want)}"
    if missing:
        text = line
        for kind in reversed(missing):
            inner = "\n".join(f"  {ln}" for ln in text.split("\n"))
            text = f"{kind} {{\n{inner}\n}}"
        return Changes([add_block(res.file, source, block, text)])
    attr = block.body.attribute(name)
    if attr is None:
        return Changes([add_attribute(res.file, source, block, line)])
    if _PER_INSTANCE.search(source[attr.expr.pos.start : attr.expr.pos.end]):
        return None  # a value per instance (each.value.x): one literal would overwrite them all
    return set_value(ctx.tree, Site(res.file, attr.expr, module, name), want)


def set_attributes(ctx: FixContext, res: TfResource, values: Sequence[tuple[str, Any]], **where: Any) -> Changes | None:
    """Several attributes of one block: added ones go in one edit, in the order given."""
    out = Changes()
    missing: list[str] = []
    block_found = _target(ctx, res, where.get("path", ()), where.get("at"))
    if block_found is None:
        return None
    block, _ = block_found
    for name, want in values:
        if block.body.attribute(name) is None and not where.get("path"):
            missing.append(f"{name} = {hcl_value(want)}")
            continue
        one = set_attribute(ctx, res, name, want, **where)
        if one is None:
            return None
        out.extend(one)
    if missing:
        source = ctx.tree.read(res.file)
        assert source is not None
        out.edits.append(add_attribute(res.file, source, block, "\n".join(missing)))
    return out
