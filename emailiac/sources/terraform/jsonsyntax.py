"""Terraform's JSON syntax (`*.tf.json`) as our syntax tree.

Strings are templates (`"${var.x}"`); nested objects become blocks where Terraform's own JSON rules make them
blocks (the block types below), and attributes elsewhere (adapters read both through Body.blocks_of).
Lines come from a scan of the text, since JSON parsers do not keep them. Terraform's JSON comments are `"//"`
properties; one written on a line of its own is kept as a comment (suppressions live in comments).
"""

from __future__ import annotations

import json
import re
from typing import Any

from emailiac.jsoninput import JsonInputError, json_kind, load_json
from emailiac.sources.terraform.ast import (
    Attribute,
    Block,
    BodyAst,
    Comment,
    Expr,
    HclFile,
    Lit,
    ObjectExpr,
    Pos,
    Template,
    TupleExpr,
)
from emailiac.sources.terraform.hcl import HclSyntaxError, parse_expression
from emailiac.sources.terraform.template import split_template

__all__ = ["parse_tf_json"]

# Top-level block types and how many labels each takes.
_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
}


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text

    def find(self, key: str, after: int) -> tuple[int, int]:
        """Offset and line of `"key"` at or after `after` (best effort)."""
        m = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(self.text, after)
        offset = m.start() if m else after
        return offset, self.text.count("\n", 0, offset) + 1


def _value(value: Any, pos: Pos) -> Expr:
    if isinstance(value, str):
        if "${" not in value:
            return Lit(value, pos)
        parts, directive = split_template(
            value, lambda src, off: parse_expression(src, base=pos.start, base_line=pos.line - 1), quoted=False
        )
        return Template(tuple(parts), pos, directive)  # type: ignore[arg-type]
    if isinstance(value, list):
        return TupleExpr(tuple(_value(v, pos) for v in value), pos)
    if isinstance(value, dict):
        return ObjectExpr(tuple((Lit(k, pos), _value(v, pos)) for k, v in value.items()), pos)
    return Lit(value, pos)


def _body(obj: dict[str, Any], lines: _Lines, after: int) -> BodyAst:
    attributes = []
    for key, value in obj.items():
        offset, line = lines.find(key, after)
        pos = Pos(offset, offset, line, line)
        attributes.append(Attribute(key, _value(value, pos), pos))
    return BodyAst(tuple(attributes), ())


def _blocks(block_type: str, value: Any, labels: tuple[str, ...], lines: _Lines, after: int) -> list[Block]:
    wanted = _LABELS.get(block_type, 0)
    items = value if isinstance(value, list) else [value]
    out: list[Block] = []
    for item in items:
        if not isinstance(item, dict):
            _, line = lines.find(labels[-1] if labels else block_type, after)
            where = " ".join((block_type, *labels))
            raise HclSyntaxError(f"{where}: expected an object, not {json_kind(item)}", line, 1)
        if len(labels) < wanted:
            for label, inner in item.items():
                offset, _ = lines.find(label, after)
                out.extend(_blocks(block_type, inner, (*labels, label), lines, offset))
            continue
        offset, line = lines.find(labels[-1], after) if labels else lines.find(block_type, after)
        body = _body(item, lines, offset)
        end_line = line + json.dumps(item, indent=2).count("\n")
        out.append(Block(block_type, labels, body, Pos(offset, offset, line, end_line)))
    return out


_COMMENT = re.compile(r'^[ \t]*"//"[ \t]*:[ \t]*("(?:[^"\\]|\\.)*")', re.MULTILINE)


def _comments(text: str) -> tuple[Comment, ...]:
    found = []
    for m in _COMMENT.finditer(text):
        try:
            value = json.loads(m.group(1))
        except ValueError:
            continue
        found.append(Comment(f"// {value}", text.count("\n", 0, m.start()) + 1, m.start()))
    return tuple(found)


def parse_tf_json(text: str, path: str) -> HclFile:
    try:
        doc = load_json(text)
    except JsonInputError as exc:
        raise HclSyntaxError(exc.message, exc.line, exc.column) from None
    if not isinstance(doc, dict):
        raise HclSyntaxError("a .tf.json file must hold a JSON object", 1, 1)
    lines = _Lines(text)
    blocks: list[Block] = []
    for block_type, value in doc.items():
        if block_type in _LABELS:
            offset, _ = lines.find(block_type, 0)
            blocks.extend(_blocks(block_type, value, (), lines, offset))
    return HclFile(path, BodyAst((), tuple(blocks)), _comments(text))
