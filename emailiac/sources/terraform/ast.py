"""Our own syntax tree for HCL: small, picklable (for the parse cache and worker processes), parser-neutral.

Expressions keep their character span so fixes can rewrite exactly the text they came from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "Attribute",
    "BinOp",
    "Block",
    "BodyAst",
    "Call",
    "Comment",
    "Cond",
    "Expr",
    "ForExpr",
    "GetAttr",
    "HclFile",
    "Index",
    "Lit",
    "Name",
    "ObjectExpr",
    "Pos",
    "Splat",
    "Template",
    "TupleExpr",
    "UnaryOp",
]


class Pos(NamedTuple):
    """Character offsets [start, end) and 1-based inclusive lines. A tuple: every node has one, and a tuple
    is made, pickled and loaded at a fraction of a dataclass's cost."""

    start: int
    end: int
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any  # str, int, float, bool or None
    pos: Pos


@dataclass(frozen=True, slots=True)
class Template:
    """A quoted string or heredoc: literal text and interpolated expressions."""

    parts: tuple[str | Expr, ...]
    pos: Pos
    directive: bool = False  # contains %{...} directives, which are not evaluated


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: Expr
    name: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Index:
    obj: Expr
    key: Expr
    pos: Pos


@dataclass(frozen=True, slots=True)
class Splat:
    """`x[*].a.b` or `x.*.a`: apply `ops` (("attr", name) | ("index", expr)) to each element."""

    obj: Expr
    ops: tuple[tuple[str, Any], ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    expand_last: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple[tuple[Expr, Expr], ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Expr
    right: Expr
    pos: Pos


@dataclass(frozen=True, slots=True)
class UnaryOp:
    op: str
    operand: Expr
    pos: Pos


@dataclass(frozen=True, slots=True)
class Cond:
    cond: Expr
    then: Expr
    other: Expr
    pos: Pos


@dataclass(frozen=True, slots=True)
class ForExpr:
    key_var: str | None
    value_var: str
    collection: Expr
    key_expr: Expr | None  # set for object results
    value_expr: Expr
    cond: Expr | None
    grouping: bool
    pos: Pos


Expr = (
    Lit | Template | Name | GetAttr | Index | Splat | Call | TupleExpr | ObjectExpr | BinOp | UnaryOp | Cond | ForExpr
)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    pos: Pos  # the whole `name = expr`


@dataclass(frozen=True, slots=True)
class BodyAst:
    attributes: tuple[Attribute, ...]
    blocks: tuple[Block, ...]

    def attribute(self, name: str) -> Attribute | None:
        for attr in self.attributes:
            if attr.name == name:
                return attr
        return None


@dataclass(frozen=True, slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: BodyAst
    pos: Pos


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment's text (with its `#`, `//` or `/* */`), its first line and offset: suppressions live here."""

    text: str
    line: int
    start: int


@dataclass(frozen=True, slots=True)
class HclFile:
    path: str
    body: BodyAst
    comments: tuple[Comment, ...] = ()


def _fast_pickling(cls: type) -> None:
    """Pickle nodes as (class, field values): the dataclass default rebuilds each node through
    __setstate__ and fields(), which made loading a cached file cost a third of parsing it."""
    names = tuple(f.name for f in dataclasses.fields(cls))

    def reduce(self: object) -> tuple[type, tuple[Any, ...]]:
        return (type(self), tuple(getattr(self, n) for n in names))

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]


for _cls in (
    Lit, Template, Name, GetAttr, Index, Splat, Call, TupleExpr, ObjectExpr, BinOp, UnaryOp, Cond, ForExpr,
    Attribute, BodyAst, Block, Comment, HclFile,
):  # fmt: skip
    _fast_pickling(_cls)
