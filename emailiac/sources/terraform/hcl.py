"""HCL text -> our syntax tree. The only module that touches python-hcl2.

We load python-hcl2's lark grammar (pinned, see pyproject.toml) into our own LALR parser with an inline
transformer: lark calls us at each reduction and we build our nodes directly, without lark ever building
its parse tree or python-hcl2 its dict form. That is the largest part of the parse time saved, and our
tree keeps what the dict form loses (operators, templates, character spans).
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emailiac.sources.terraform.ast import (
    Attribute,
    BinOp,
    Block,
    BodyAst,
    Call,
    Cond,
    Expr,
    ForExpr,
    GetAttr,
    HclFile,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Pos,
    Splat,
    Template,
    TupleExpr,
    UnaryOp,
)
from emailiac.sources.terraform.template import TemplateSyntaxError, heredoc_body, split_template, unescape

__all__ = ["HclSyntaxError", "parse_expression", "parse_hcl", "parser_version"]

# HCL operator precedence, lowest first (hashicorp/hcl hclsyntax spec).
_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_EXPR_PREFIX = "__x = "


class HclSyntaxError(Exception):
    """A file that does not parse; carries the 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _package_dir() -> Path:
    # Located without importing python-hcl2, whose import builds its own parser (about 0.15 s).
    spec = importlib.util.find_spec("hcl2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("python-hcl2 is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def parser_version() -> str:
    text = (_package_dir() / "version.py").read_text(encoding="utf-8")
    match = re.search(r"""version\s*=\s*['"]([^'"]+)['"]""", text)
    return match.group(1) if match else "unknown"


# ---------------------------------------------------------------- values passed between reductions


class _NL:
    """A newline or comment: layout only."""


NL = _NL()


@dataclass(slots=True)
class _Ident:
    name: str
    pos: Pos


@dataclass(slots=True)
class _Step:
    kind: str  # attr | index
    value: Any  # name or key expression
    pos: Pos


@dataclass(slots=True)
class _Ops:
    ops: tuple[tuple[str, Any], ...]


@dataclass(slots=True)
class _Args:
    items: list[Expr]
    expand: bool  # a trailing `...`


@dataclass(slots=True)
class _Term:
    op: str
    right: Expr


@dataclass(slots=True)
class _Elem:
    key: Expr
    value: Expr


@dataclass(slots=True)
class _ForIntro:
    names: list[str]
    collection: Expr


@dataclass(slots=True)
class _ForCond:
    expr: Expr


@dataclass
class _Frame:
    """Per-parse state: parses nest (an interpolation is parsed while its file is), so it is a stack."""

    text: str
    base: int  # offset of `text` in the file
    base_line: int
    chains: dict[int, tuple[list[Expr], list[str]]]  # id(BinOp) -> the flat chain it was built from
    bare_conds: set[int]  # ids of Cond nodes written without parentheses


def _tokens_touch(tokens: list[Any]) -> None:
    # The grammar lexes each digit alone and skips blanks between tokens, so `22 22` would read as 2222.
    for before, after in itertools.pairwise(tokens):
        if after.start_pos != before.end_pos:
            raise HclSyntaxError(f"unexpected {str(after)!r}", after.line, after.column)


def _precedence(operands: list[Expr], operators: list[str]) -> Expr:
    """Rebuild a flat `a op b op c` chain as a left-associative tree by precedence."""
    out: list[Expr] = []
    ops: list[str] = []

    def reduce() -> None:
        right = out.pop()
        left = out.pop()
        op = ops.pop()
        out.append(BinOp(op, left, right, Pos(left.pos.start, right.pos.end, left.pos.line, right.pos.end_line)))

    for i, operand in enumerate(operands):
        out.append(operand)
        if i < len(operators):
            op = operators[i]
            while ops and _PRECEDENCE[ops[-1]] >= _PRECEDENCE[op]:
                reduce()
            ops.append(op)
    while ops:
        reduce()
    return out[0]


_SIMPLE_REF = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*")
_HEAD = re.compile(r"[A-Za-z_][\w-]*")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


def _simple_reference(source: str, offset: int, line: int) -> Expr | None:
    """`var.x`, `each.value`, `aws_x.y.attr[0]` built directly: most interpolations are such references,
    and a parser run for each costs more than building them."""
    if not _SIMPLE_REF.fullmatch(source):
        return None
    head = _HEAD.match(source).group(0)  # type: ignore[union-attr]
    if head in ("true", "false", "null"):
        return None
    expr: Expr = Name(head, Pos(offset, offset + len(head), line, line))
    for step in _STEP.finditer(source, len(head)):
        pos = Pos(offset, offset + step.end(), line, line)
        if step.group(1) is not None:
            expr = GetAttr(expr, step.group(1), pos)
        else:
            expr = Index(expr, Lit(int(step.group(2)), pos), pos)
    return expr


class _Builder:
    """lark's inline transformer: one method per grammar rule, called as lark reduces it."""

    def __init__(self) -> None:
        self.frames: list[_Frame] = []

    # -- plumbing

    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    def tpos(self, token: Any) -> Pos:
        f = self.frame
        return Pos(
            token.start_pos + f.base, token.end_pos + f.base, token.line + f.base_line, token.end_line + f.base_line
        )

    def span(self, children: list[Any]) -> Pos:
        """From the first to the last positioned child (tokens are kept, so braces and parentheses count)."""
        first = next((p for p in map(self._pos_of, children) if p is not None), None)
        last = next((p for p in map(self._pos_of, reversed(children)) if p is not None), None)
        if first is None or last is None:
            f = self.frame
            return Pos(f.base, f.base, f.base_line + 1, f.base_line + 1)
        return Pos(first.start, last.end, first.line, last.end_line)

    def _pos_of(self, child: Any) -> Pos | None:
        if child is NL:
            return None
        if hasattr(child, "start_pos"):
            return self.tpos(child) if child.start_pos is not None else None
        if isinstance(child, _Term):
            return child.right.pos
        if isinstance(child, _Elem):
            return Pos(child.key.pos.start, child.value.pos.end, child.key.pos.line, child.value.pos.end_line)
        pos: Pos | None = getattr(child, "pos", None)
        return pos

    @staticmethod
    def _real(children: list[Any]) -> list[Any]:
        """Children that carry meaning: no layout, no punctuation (string literals are kept)."""
        return [c for c in children if c is not NL and (not hasattr(c, "type") or c.type == "STRING_LIT")]

    def __default__(self, data: str, children: list[Any], meta: Any) -> Any:
        from lark import Tree

        # lark's own helper rules (__body_star_0...) are spliced into their parents as trees.
        return Tree(data, children)

    # -- structure

    def start(self, children: list[Any]) -> BodyAst:
        body: BodyAst = children[0]
        return body

    def body(self, children: list[Any]) -> BodyAst:
        attributes = tuple(c for c in children if isinstance(c, Attribute))
        blocks = tuple(c for c in children if isinstance(c, Block))
        return BodyAst(attributes, blocks)

    def new_line_or_comment(self, children: list[Any]) -> _NL:
        return NL

    new_line_and_or_comma = new_line_or_comment

    def identifier(self, children: list[Any]) -> _Ident:
        return _Ident(str(children[0]), self.span(children))

    def attribute(self, children: list[Any]) -> Attribute:
        ident, expr = self._real(children)[:2]
        return Attribute(ident.name, self._expr(expr), self.span(children))

    def block(self, children: list[Any]) -> Block:
        parts = self._real(children)
        labels = tuple(p.name if isinstance(p, _Ident) else str(p)[1:-1] for p in parts[1:-1])
        return Block(parts[0].name, labels, parts[-1], self.span(children))

    # -- expressions

    def _expr(self, value: Any) -> Expr:
        """An operand as an expression: identifiers become names, string tokens templates."""
        if isinstance(value, _Ident):
            if value.name in ("true", "false"):
                return Lit(value.name == "true", value.pos)
            if value.name == "null":
                return Lit(None, value.pos)
            return Name(value.name, value.pos)
        if hasattr(value, "type") and hasattr(value, "start_pos"):  # a STRING_LIT token
            return self._string(value)
        expr: Expr = value
        return expr

    def expr_term(self, children: list[Any]) -> Expr:
        parts = self._real(children)
        expr = self._expr(parts[0])
        first = children[0]
        if hasattr(first, "type") and str(first) == "(":
            # Parenthesised: never re-flattened into an enclosing operator chain.
            f = self.frame
            f.chains.pop(id(expr), None)
            f.bare_conds.discard(id(expr))
        return expr

    def int_lit(self, children: list[Any]) -> Lit:
        _tokens_touch(children)
        return Lit(int("".join(map(str, children))), self.span(children))

    def float_lit(self, children: list[Any]) -> Lit:
        _tokens_touch(children)
        return Lit(float("".join(map(str, children))), self.span(children))

    def _string(self, token: Any) -> Expr:
        pos = self.tpos(token)
        return self._template(str(token)[1:-1], pos, pos.start + 1, quoted=True)

    def _template(self, raw: str, pos: Pos, text_start: int, *, quoted: bool) -> Expr:
        try:
            if "${" not in raw and "%{" not in raw:
                return Lit(unescape(raw) if quoted else raw, pos)
            parts, directive = split_template(raw, self._interpolation, quoted=quoted, offset=text_start)
        except TemplateSyntaxError as exc:
            raise HclSyntaxError(str(exc), pos.line, 1) from None
        return Template(tuple(parts), pos, directive)  # type: ignore[arg-type]

    def _interpolation(self, source: str, offset: int) -> Expr:
        f = self.frame
        line = f.text.count("\n", 0, max(0, offset - f.base)) + f.base_line
        simple = _simple_reference(source, offset, line + 1)
        if simple is not None:
            return simple
        return _parse_expression(source, offset, line)

    def heredoc_template(self, children: list[Any]) -> Expr:
        token = children[0]
        pos = self.span(children)
        body, inner = heredoc_body(str(token))
        return self._template(body, pos, pos.start + inner, quoted=False)

    heredoc_template_trim = heredoc_template

    def tuple_expr(self, children: list[Any]) -> TupleExpr:
        return TupleExpr(tuple(self._expr(c) for c in self._real(children)), self.span(children))

    def object_expr(self, children: list[Any]) -> ObjectExpr:
        items = tuple((e.key, e.value) for e in children if isinstance(e, _Elem))
        return ObjectExpr(items, self.span(children))

    def object_elem(self, children: list[Any]) -> _Elem:
        key_part, value_part = self._real(children)[:2]
        if isinstance(key_part, _Ident):
            key: Expr = Lit(key_part.name, key_part.pos)
        else:
            key = self._expr(key_part)
            # `{ (var.x) = 1 }` evaluates the key; `{ x = 1 }` written as an expression is the name.
            if isinstance(key, Name):
                key = Lit(key.name, key.pos)
        return _Elem(key, self._expr(value_part))

    def arguments(self, children: list[Any]) -> _Args:
        items = [self._expr(c) for c in self._real(children)]
        expand = any(hasattr(c, "type") and str(c) == "..." for c in children)
        return _Args(items, expand)

    def function_call(self, children: list[Any]) -> Call:
        parts = self._real(children)
        name = parts[0].name
        args = parts[1] if len(parts) > 1 else _Args([], False)
        return Call(name, tuple(args.items), args.expand and bool(args.items), self.span(children))

    def provider_function_call(self, children: list[Any]) -> Call:
        idents = [c.name for c in children if isinstance(c, _Ident)]
        args = next((c for c in children if isinstance(c, _Args)), _Args([], False))
        return Call("provider::" + "::".join(idents), tuple(args.items), False, self.span(children))

    def colons(self, children: list[Any]) -> _NL:
        return NL

    def get_attr(self, children: list[Any]) -> _Step:
        ident = next(c for c in children if isinstance(c, _Ident))
        return _Step("attr", ident.name, self.span(children))

    def index(self, children: list[Any]) -> _Step:
        parts = self._real(children)
        pos = self.span(children)
        if parts:
            return _Step("index", self._expr(parts[0]), pos)
        digits = [c for c in children if getattr(c, "type", "") == "DECIMAL"]  # legacy `x.0`
        return _Step("index", Lit(int("".join(map(str, digits))), pos), pos)

    def get_attr_expr_term(self, children: list[Any]) -> Expr:
        obj, step = children
        return GetAttr(self._expr(obj), step.value, self.span(children))

    def index_expr_term(self, children: list[Any]) -> Expr:
        obj, step = children
        return Index(self._expr(obj), step.value, self.span(children))

    def attr_splat(self, children: list[Any]) -> _Ops:
        return _Ops(tuple((s.kind, s.value) for s in children if isinstance(s, _Step)))

    full_splat = attr_splat

    def attr_splat_expr_term(self, children: list[Any]) -> Expr:
        obj, ops = children
        return Splat(self._expr(obj), ops.ops, self.span(children))

    full_splat_expr_term = attr_splat_expr_term

    def unary_op(self, children: list[Any]) -> Expr:
        return UnaryOp(str(children[0]), self._expr(children[1]), self.span(children))

    def binary_operator(self, children: list[Any]) -> str:
        return str(children[0])

    def binary_term(self, children: list[Any]) -> _Term:
        op, right = self._real(children)[:2]
        return _Term(op, self._expr(right))

    def _flat(self, expr: Expr) -> tuple[list[Expr], list[str]]:
        chain = self.frame.chains.pop(id(expr), None)
        return (list(chain[0]), list(chain[1])) if chain else ([expr], [])

    def binary_op(self, children: list[Any]) -> Expr:
        # python-hcl2 4's grammar nests every operator chain to the right and lets a trailing conditional
        # swallow the last operand; flatten and rebuild with HCL's precedence.
        left, term = self._real(children)[:2]
        operands, operators = self._flat(self._expr(left))
        right = term.right
        trailing: Cond | None = None
        f = self.frame
        if isinstance(right, Cond) and id(right) in f.bare_conds:
            f.bare_conds.discard(id(right))
            trailing = right
            right = right.cond
        more, more_ops = self._flat(right)
        operands += more
        operators += [term.op, *more_ops]
        result = _precedence(operands, operators)
        if trailing is not None:
            cond = Cond(result, trailing.then, trailing.other, self.span(children))
            f.bare_conds.add(id(cond))
            return cond
        f.chains[id(result)] = (operands, operators)
        return result

    def conditional(self, children: list[Any]) -> Cond:
        cond, then, other = (self._expr(c) for c in self._real(children))
        result = Cond(cond, then, other, self.span(children))
        self.frame.bare_conds.add(id(result))
        return result

    def for_intro(self, children: list[Any]) -> _ForIntro:
        names = [c.name for c in children if isinstance(c, _Ident)]
        exprs = [c for c in self._real(children) if not isinstance(c, _Ident) and not hasattr(c, "start_pos")]
        return _ForIntro(names, self._expr(exprs[0]))

    def for_cond(self, children: list[Any]) -> _ForCond:
        exprs = [
            c for c in self._real(children) if not hasattr(c, "start_pos") or getattr(c, "type", "") == "STRING_LIT"
        ]
        return _ForCond(self._expr(exprs[0]))

    def _for(self, children: list[Any], is_object: bool) -> ForExpr:
        intro = next(c for c in children if isinstance(c, _ForIntro))
        cond = next((c.expr for c in children if isinstance(c, _ForCond)), None)
        body = [
            self._expr(c)
            for c in self._real(children)
            if not isinstance(c, (_ForIntro, _ForCond)) and (not hasattr(c, "start_pos") or c.type == "STRING_LIT")
        ]
        grouping = any(str(c) == "..." for c in children if hasattr(c, "start_pos") and c.type != "STRING_LIT")
        names = intro.names
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        key_expr = body[0] if is_object else None
        value_expr = body[1] if is_object else body[0]
        return ForExpr(key_var, value_var, intro.collection, key_expr, value_expr, cond, grouping, self.span(children))

    def for_tuple_expr(self, children: list[Any]) -> ForExpr:
        return self._for(children, False)

    def for_object_expr(self, children: list[Any]) -> ForExpr:
        return self._for(children, True)


# Grammar rules named like builtins; as class attributes they would shadow `tuple` in annotations.
_Builder.tuple = _Builder.tuple_expr  # type: ignore[attr-defined]
_Builder.object = _Builder.object_expr  # type: ignore[attr-defined]


def _cache_file() -> str | bool:
    from emailiac.sources.terraform.cachestore import default_cache_dir

    directory = default_cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    if not os.access(directory, os.W_OK):
        return False
    return str(directory / f"lark-hcl2-{parser_version()}.cache")


@functools.lru_cache(maxsize=1)
def _parser() -> tuple[Any, _Builder]:
    from lark import Lark

    builder = _Builder()
    parser = Lark.open(
        str(_package_dir() / "hcl2.lark"),
        parser="lalr",
        # Punctuation is kept so spans reach the closing brace; positions come from tokens.
        keep_all_tokens=True,
        transformer=builder,
        cache=_cache_file(),
    )
    return parser, builder


def _syntax_error(exc: Exception) -> HclSyntaxError:
    if isinstance(exc, HclSyntaxError):
        return exc
    inner = getattr(exc, "orig_exc", None)  # errors raised by our callbacks arrive wrapped by lark
    if isinstance(inner, HclSyntaxError):
        return inner
    line = getattr(exc, "line", None) or 1
    column = getattr(exc, "column", None) or 1
    token = getattr(exc, "token", None)
    if token is not None and str(token).strip():
        what = f"unexpected {str(token).strip()[:40]!r}"
    elif getattr(exc, "char", None):
        what = f"unexpected character {exc.char!r}"  # type: ignore[attr-defined]
    elif token is not None:
        what = "unexpected end of input" if token.type == "$END" else "unexpected line break"
    else:
        what = str(exc).splitlines()[0]
    return HclSyntaxError(what, int(line), int(column))


def _run(text: str, base: int, base_line: int) -> Any:
    from lark.exceptions import LarkError

    parser, builder = _parser()
    builder.frames.append(_Frame(text, base, base_line, {}, set()))
    try:
        return parser.parse(text)
    except LarkError as exc:
        raise _syntax_error(exc) from None
    finally:
        builder.frames.pop()


def parse_hcl(text: str, path: str = "<string>") -> HclFile:
    """Parse HCL text into our tree; raises HclSyntaxError with the position of the first error."""
    # The grammar needs a newline at the end of every block, including the last one.
    body: BodyAst = _run(text + "\n", 0, 0)
    return HclFile(path, body)


def _parse_expression(source: str, offset: int, line: int) -> Expr:
    try:
        body: BodyAst = _run(f"{_EXPR_PREFIX}{source}\n", offset - len(_EXPR_PREFIX), line)
    except HclSyntaxError as err:
        raise HclSyntaxError(f"in interpolation: {err.message}", err.line, err.column) from None
    return body.attributes[0].expr


def parse_expression(source: str, *, base: int = 0, base_line: int = 0) -> Expr:
    """Parse one expression (an interpolation's content, a TF_VAR_ value)."""
    return _parse_expression(source, base, base_line)
