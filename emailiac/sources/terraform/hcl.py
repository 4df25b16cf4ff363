"""HCL text -> our syntax tree. The only module that imports python-hcl2.

We use python-hcl2's lark grammar and parser (pinned, see pyproject.toml) and build our own tree straight
from lark's parse tree: skipping python-hcl2's dict serialisation saves a third of the parse time and keeps
structure (operators, templates, spans) the dict form loses.
"""

from __future__ import annotations

import re
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
from emailiac.sources.terraform.template import TemplateSyntaxError, heredoc_body, split_template

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
_SKIP = frozenset({"new_line_or_comment", "new_line_and_or_comma"})


class HclSyntaxError(Exception):
    """A file that does not parse; carries the 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parser_version() -> str:
    import hcl2.version

    return str(hcl2.version.version)


def _parser() -> Any:
    from hcl2.parser import hcl2

    return hcl2


class _Converter:
    def __init__(self, text: str, base: int = 0, base_line: int = 0) -> None:
        self.text = text
        self.base = base  # offset of `text` inside the file (for re-parsed interpolations)
        self.base_line = base_line

    # -- positions

    def pos(self, node: Any) -> Pos:
        meta = node.meta if hasattr(node, "meta") else None
        if meta is not None and not getattr(meta, "empty", True):
            return Pos(
                meta.start_pos + self.base,
                meta.end_pos + self.base,
                meta.line + self.base_line,
                meta.end_line + self.base_line,
            )
        if hasattr(node, "start_pos") and node.start_pos is not None:  # a Token
            return Pos(
                node.start_pos + self.base,
                node.end_pos + self.base,
                node.line + self.base_line,
                node.end_line + self.base_line,
            )
        return Pos(self.base, self.base, self.base_line + 1, self.base_line + 1)

    # -- structure

    def body(self, tree: Any) -> BodyAst:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        for child in tree.children:
            data = getattr(child, "data", None)
            if data == "attribute":
                name = self.identifier(child.children[0])
                attributes.append(Attribute(name, self.expr(child.children[1]), self.pos(child)))
            elif data == "block":
                blocks.append(self.block(child))
        return BodyAst(tuple(attributes), tuple(blocks))

    def block(self, tree: Any) -> Block:
        children = [c for c in tree.children if getattr(c, "data", None) not in _SKIP]
        block_type = self.identifier(children[0])
        labels: list[str] = []
        for child in children[1:-1]:
            if getattr(child, "data", None) == "identifier":
                labels.append(self.identifier(child))
            else:
                labels.append(str(child)[1:-1])
        return Block(block_type, tuple(labels), self.body(children[-1]), self.pos(tree))

    @staticmethod
    def identifier(tree: Any) -> str:
        return str(tree.children[0]) if hasattr(tree, "children") else str(tree)

    # -- expressions

    def expr(self, node: Any) -> Expr:
        data = getattr(node, "data", None)
        if data is None:  # a bare token: STRING_LIT
            return self.string(node)
        method = getattr(self, f"e_{data}", None)
        if method is None:
            raise HclSyntaxError(f"unsupported syntax ({data})", self.pos(node).line, 1)
        result: Expr = method(node)
        return result

    def _kids(self, node: Any) -> list[Any]:
        return [c for c in node.children if getattr(c, "data", None) not in _SKIP]

    def e_expr_term(self, node: Any) -> Expr:
        kids = self._kids(node)
        return self.expr(kids[0])

    def e_identifier(self, node: Any) -> Expr:
        name = str(node.children[0])
        pos = self.pos(node)
        if name in ("true", "false"):
            return Lit(name == "true", pos)
        if name == "null":
            return Lit(None, pos)
        return Name(name, pos)

    def _number_text(self, node: Any) -> str:
        # python-hcl2 4's grammar lexes each digit alone and skips blanks between tokens, so `22 22`
        # would read as 2222: digits must touch.
        tokens = node.children
        for before, after in zip(tokens, tokens[1:], strict=False):
            if after.start_pos != before.end_pos:
                raise HclSyntaxError(f"unexpected {str(after)!r}", after.line + self.base_line, after.column)
        return "".join(str(t) for t in tokens)

    def e_int_lit(self, node: Any) -> Expr:
        return Lit(int(self._number_text(node)), self.pos(node))

    def e_float_lit(self, node: Any) -> Expr:
        return Lit(float(self._number_text(node)), self.pos(node))

    def string(self, token: Any) -> Expr:
        pos = self.pos(token)
        raw = str(token)[1:-1]
        return self._template(raw, pos, pos.start + 1, quoted=True)

    def _template(self, raw: str, pos: Pos, text_start: int, *, quoted: bool) -> Expr:
        if "${" not in raw and "%{" not in raw:
            try:
                return Lit(_unescape_plain(raw, quoted), pos)
            except TemplateSyntaxError as exc:
                raise HclSyntaxError(str(exc), pos.line, 1) from None
        try:
            parts, directive = split_template(raw, self._interpolation, quoted=quoted, offset=text_start)
        except TemplateSyntaxError as exc:
            raise HclSyntaxError(str(exc), pos.line, 1) from None
        return Template(tuple(parts), pos, directive)  # type: ignore[arg-type]

    def _interpolation(self, source: str, offset: int) -> Expr:
        line = self.text.count("\n", 0, max(0, offset - self.base)) + self.base_line
        simple = _simple_reference(source, offset, line + 1)
        if simple is not None:
            return simple
        return parse_expression(source, base=offset, base_line=line, full_text=self.text)

    def e_heredoc_template(self, node: Any) -> Expr:
        token = node.children[0]
        pos = self.pos(node)
        body, inner = heredoc_body(str(token))
        return self._template(body, pos, pos.start + inner, quoted=False)

    e_heredoc_template_trim = e_heredoc_template

    def e_tuple(self, node: Any) -> Expr:
        return TupleExpr(tuple(self.expr(c) for c in self._kids(node)), self.pos(node))

    def e_object(self, node: Any) -> Expr:
        items = []
        for elem in self._kids(node):
            key_node, value_node = self._kids(elem)[:2]
            if getattr(key_node, "data", None) == "identifier":
                key: Expr = Lit(self.identifier(key_node), self.pos(key_node))
            else:
                key = self.expr(key_node)
                # `{ (var.x) = 1 }` and `{ x = 1 }`: a bare name as key is the literal name.
                if isinstance(key, Name):
                    key = Lit(key.name, key.pos)
            items.append((key, self.expr(value_node)))
        return ObjectExpr(tuple(items), self.pos(node))

    def e_function_call(self, node: Any) -> Expr:
        kids = self._kids(node)
        name = self.identifier(kids[0])
        args: tuple[Expr, ...] = ()
        expand = False
        if len(kids) > 1:
            arg_node = kids[1]
            args = tuple(self.expr(c) for c in self._kids(arg_node))
            # lark drops the anonymous `...` token; look at the source between the last argument and `)`.
            tail_start = arg_node.meta.end_pos
            tail = self.text[tail_start : node.meta.end_pos]
            expand = "..." in tail or self.text[arg_node.meta.start_pos : tail_start].rstrip().endswith("...")
        return Call(name, args, expand, self.pos(node))

    def e_provider_function_call(self, node: Any) -> Expr:
        kids = self._kids(node)
        name = "::".join(self.identifier(k) for k in kids if getattr(k, "data", None) == "identifier")
        args = tuple(self.expr(c) for c in self._kids(kids[-1])) if kids[-1].data == "arguments" else ()
        return Call(f"provider::{name}", args, False, self.pos(node))

    def e_get_attr_expr_term(self, node: Any) -> Expr:
        obj, attr = self._kids(node)
        return GetAttr(self.expr(obj), self.identifier(attr.children[0]), self.pos(node))

    def e_index_expr_term(self, node: Any) -> Expr:
        obj, index = self._kids(node)
        return Index(self.expr(obj), self._index_key(index), self.pos(node))

    def _index_key(self, index: Any) -> Expr:
        kids = self._kids(index)
        if kids and hasattr(kids[0], "data"):
            return self.expr(kids[0])
        return Lit(int("".join(str(t) for t in index.children)), self.pos(index))  # legacy `x.0`

    def _splat_ops(self, node: Any) -> tuple[tuple[str, Any], ...]:
        ops: list[tuple[str, Any]] = []
        for child in self._kids(node):
            if child.data == "get_attr":
                ops.append(("attr", self.identifier(child.children[0])))
            else:
                ops.append(("index", self._index_key(child)))
        return tuple(ops)

    def e_attr_splat_expr_term(self, node: Any) -> Expr:
        obj, splat = self._kids(node)
        return Splat(self.expr(obj), self._splat_ops(splat), self.pos(node))

    e_full_splat_expr_term = e_attr_splat_expr_term

    def e_unary_op(self, node: Any) -> Expr:
        op = str(node.children[0])
        return UnaryOp(op, self.expr(self._kids(node)[1]), self.pos(node))

    def e_conditional(self, node: Any) -> Expr:
        cond, then, other = (self.expr(k) for k in self._kids(node))
        return Cond(cond, then, other, self.pos(node))

    def e_binary_op(self, node: Any) -> Expr:
        # python-hcl2 4's grammar nests every binary chain to the right and lets a trailing
        # conditional swallow the last operand; flatten and rebuild with HCL's precedence.
        operands: list[Any] = []
        operators: list[str] = []
        current = node
        while getattr(current, "data", None) == "binary_op":
            left, term = self._kids(current)[:2]
            self._flatten_left(left, operands, operators)
            op_node, right = self._kids(term)[:2]
            operators.append(str(op_node.children[0]))
            current = right
        tail: Any = current
        trailing: tuple[Any, Any] | None = None
        if getattr(tail, "data", None) == "conditional":
            cond, then, other = self._kids(tail)
            trailing = (then, other)
            tail = cond
        operands.append(tail)
        exprs = [self.expr(o) if not isinstance(o, tuple) else o[1] for o in operands]
        result = _precedence(exprs, operators)
        if trailing is not None:
            return Cond(result, self.expr(trailing[0]), self.expr(trailing[1]), self.pos(node))
        return result

    def _flatten_left(self, left: Any, operands: list[Any], operators: list[str]) -> None:
        if getattr(left, "data", None) == "binary_op":
            operands.append(("expr", self.e_binary_op(left)))
        else:
            operands.append(left)

    def _for_parts(self, node: Any) -> tuple[list[str], Expr, list[Any]]:
        kids = [c for c in self._kids(node) if hasattr(c, "data")]
        intro = kids[0]
        names = [self.identifier(c) for c in intro.children if getattr(c, "data", None) == "identifier"]
        coll = next(c for c in intro.children if getattr(c, "data", None) not in (None, "identifier", *_SKIP))
        return names, self.expr(coll), kids[1:]

    def e_for_tuple_expr(self, node: Any) -> Expr:
        names, coll, rest = self._for_parts(node)
        value = self.expr(rest[0])
        cond = self._for_cond(rest[1:])
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return ForExpr(key_var, value_var, coll, None, value, cond, False, self.pos(node))

    def e_for_object_expr(self, node: Any) -> Expr:
        names, coll, rest = self._for_parts(node)
        key_expr = self.expr(rest[0])
        value = self.expr(rest[1])
        cond = self._for_cond(rest[2:])
        grouping = any(str(t) == "..." for t in node.children if not hasattr(t, "data"))
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return ForExpr(key_var, value_var, coll, key_expr, value, cond, grouping, self.pos(node))

    def _for_cond(self, rest: list[Any]) -> Expr | None:
        for child in rest:
            if child.data == "for_cond":
                return self.expr(next(c for c in child.children if hasattr(c, "data") and c.data not in _SKIP))
        return None


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
    and a full parse of each costs more than the rest of the file's conversion."""
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


def _unescape_plain(raw: str, quoted: bool) -> str:
    from emailiac.sources.terraform.template import unescape

    text = unescape(raw) if quoted else raw
    return text


_LARK_EXPECTED = re.compile(r"Expected one of:.*", re.S)


def _syntax_error(exc: Exception, text: str) -> HclSyntaxError:
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


def parse_hcl(text: str, path: str = "<string>") -> HclFile:
    """Parse HCL text into our tree; raises HclSyntaxError with the position of the first error."""
    from lark.exceptions import LarkError

    try:
        # The grammar needs a newline at the end of every block, including the last one.
        tree = _parser().parse(text + "\n")
    except LarkError as exc:
        raise _syntax_error(exc, text) from None
    return HclFile(path, _Converter(text).body(tree.children[0]))


def parse_expression(source: str, *, base: int = 0, base_line: int = 0, full_text: str | None = None) -> Expr:
    """Parse one expression (an interpolation's content, a TF_VAR_ value)."""
    from lark.exceptions import LarkError

    prefix = "__x = "
    try:
        tree = _parser().parse(f"{prefix}{source}\n")
    except LarkError as exc:
        err = _syntax_error(exc, source)
        raise HclSyntaxError(f"in interpolation: {err.message}", base_line + err.line, err.column) from None
    body = tree.children[0]
    attribute = next(c for c in body.children if getattr(c, "data", None) == "attribute")
    conv = _Converter(f"{' ' * len(prefix)}{source}", base - len(prefix), base_line)
    return conv.expr(attribute.children[1])
