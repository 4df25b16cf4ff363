"""Edits inside a block: add an attribute or a nested block, remove an attribute, a block or a list item.

Added lines take the indentation of the block's own lines; alignment of `=` is left to `apply` (which
realigns the lines an edit touched). Attributes go after the block's leading attributes, before its nested
blocks, as `terraform fmt`-minded code is written.
"""

from __future__ import annotations

from emailiac.fixes.hcl_emit import indent_of
from emailiac.fixes.model import Edit
from emailiac.sources.terraform.ast import Attribute, Block, Expr, TupleExpr

__all__ = [
    "add_attribute",
    "add_block",
    "find_nested",
    "line_end",
    "line_start",
    "remove_attribute",
    "remove_block",
    "remove_item",
    "replace_attribute",
]


def line_start(source: str, pos: int) -> int:
    return source.rfind("\n", 0, pos) + 1


def line_end(source: str, pos: int) -> int:
    """Index of the newline ending the line that holds `pos` (len(source) when there is none)."""
    end = source.find("\n", pos)
    return len(source) if end < 0 else end


def _open_brace(source: str, block: Block) -> int:
    """Index of the `{` that opens the block body (labels are quoted, so skip strings)."""
    i = block.pos.start
    while i < block.pos.end:
        ch = source[i]
        if ch == '"':
            i += 1
            while i < block.pos.end and source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif ch == "{":
            return i
        i += 1
    raise ValueError("block without a body")


def _close_brace(source: str, block: Block) -> int:
    end = block.pos.end - 1
    while end > block.pos.start and source[end] != "}":
        end -= 1
    return end


def _body_indent(source: str, block: Block) -> str:
    return indent_of(source[line_start(source, block.pos.start) : block.pos.start]) + "  "


def find_nested(block: Block, start: int) -> Block | None:
    """The nested block (at any depth) that starts at character `start`."""
    for child in block.body.blocks:
        if child.pos.start == start:
            return child
        found = find_nested(child, start)
        if found is not None:
            return found
    return None


def _single_line(source: str, block: Block) -> bool:
    return "\n" not in source[_open_brace(source, block) : _close_brace(source, block)]


def _indented(lines: str, indent: str) -> str:
    return "\n".join(f"{indent}{ln}" if ln else "" for ln in lines.split("\n"))


def add_attribute(file: str, source: str, block: Block, line: str) -> Edit:
    """Insert attribute lines (`name = value`, no indentation; several separated by newlines) into
    `block`."""
    indent = _body_indent(source, block)
    if _single_line(source, block):
        open_at, close_at = _open_brace(source, block), _close_brace(source, block)
        inner = source[open_at + 1 : close_at].strip()
        body = _indented(line, indent) + "\n" + (f"{indent}{inner}\n" if inner else "")
        return Edit(file, open_at, close_at + 1, f"{{\n{body}{indent[:-2]}}}")
    first_block = min((b.pos.start for b in block.body.blocks), default=None)
    leading = [a for a in block.body.attributes if first_block is None or a.pos.start < first_block]
    if leading:
        anchor = max(leading, key=lambda a: a.pos.end)
        at = line_end(source, anchor.pos.end)
        own = indent_of(source[line_start(source, anchor.pos.start) :])
        return Edit(file, at, at, "\n" + _indented(line, own))
    at = line_end(source, _open_brace(source, block))
    gap = "\n" if block.body.blocks else ""
    return Edit(file, at, at, "\n" + _indented(line, indent) + gap)


def add_block(file: str, source: str, block: Block, text: str) -> Edit:
    """Insert a nested block (`text`, written without indentation) at the end of `block`'s body."""
    indent = _body_indent(source, block)
    inner = _indented(text.rstrip("\n"), indent)
    if _single_line(source, block):
        open_at, close_at = _open_brace(source, block), _close_brace(source, block)
        return Edit(file, open_at, close_at + 1, f"{{\n{inner}\n{indent[:-2]}}}")
    close_line = line_start(source, _close_brace(source, block))
    empty = not block.body.attributes and not block.body.blocks
    return Edit(file, close_line, close_line, f"{inner}\n" if empty else f"\n{inner}\n")


def replace_attribute(file: str, attr: Attribute, line: str) -> Edit:
    """Write `line` (`name = value`) where the attribute is written."""
    return Edit(file, attr.pos.start, attr.pos.end, line)


def remove_attribute(file: str, source: str, attr: Attribute) -> Edit:
    """Delete an attribute with its whole line."""
    start = line_start(source, attr.pos.start)
    end = line_end(source, attr.pos.end)
    return Edit(file, start, min(end + 1, len(source)), "")


def remove_block(file: str, source: str, block: Block) -> Edit:
    """Delete a block with its lines, and one blank line around it so no double gap remains."""
    start = line_start(source, block.pos.start)
    end = min(line_end(source, block.pos.end - 1) + 1, len(source))
    # Comment lines directly above the block describe it: they go too.
    while start > 0:
        prev_start = line_start(source, start - 1)
        prev = source[prev_start : start - 1].strip()
        if prev.startswith(("#", "//")):
            start = prev_start
            continue
        break
    before_blank = start >= 2 and source[start - 2 : start] == "\n\n"
    after_blank = source[end : end + 1] == "\n"
    if before_blank and (after_blank or end >= len(source) or source[end:].strip().startswith("}")):
        start -= 1
    elif after_blank and not before_blank and start > 0:
        end += 1
    return Edit(file, start, end, "")


def remove_item(file: str, source: str, items: TupleExpr, index: int) -> Edit:
    """Delete one element of a list written on one line, with its comma."""
    item: Expr = items.items[index]
    if index + 1 < len(items.items):
        return Edit(file, item.pos.start, items.items[index + 1].pos.start, "")
    if index > 0:
        prev = items.items[index - 1]
        return Edit(file, prev.pos.end, item.pos.end, "")
    return Edit(file, item.pos.start, item.pos.end, "")
