"""HCL expressions: the part of the parser shared by files (hcl.py) and lone expressions (interpolations,
`TF_VAR_` values).

Binary operators bind by hclsyntax's precedence and associate to the left; `? :` binds loosest; newlines are
ignored inside parentheses, brackets and interpolations and separate items inside braces. Operator chains and
traversals are folded in loops, and nesting (which recursion follows) is bounded by MAX_DEPTH.
"""

from __future__ import annotations

import re

from emailiac.limits import MAX_INT_DIGITS, MAX_TREE_DEPTH
from emailiac.sources.terraform.ast import (
    BinOp,
    Call,
    Cond,
    Expr,
    ForExpr,
    GetAttr,
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
from emailiac.sources.terraform.hclscan import HclSyntaxError, Scanner, Token
from emailiac.sources.terraform.template import TemplateSyntaxError, heredoc_body, split_template, unescape

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "PRECEDENCE", "ExpressionParser", "parse_alone", "span"]

# hclsyntax's binary operator precedence, loosest first; all associate to the left.
PRECEDENCE = {
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
# Nesting deeper than this is refused with a syntax error rather than exhausting the interpreter's stack.
MAX_DEPTH = MAX_TREE_DEPTH
# Longer number literals are refused: converting them costs time quadratic in their length.
MAX_DIGITS = MAX_INT_DIGITS


def span(first: Token | Pos, last: Token | Pos) -> Pos:
    return Pos(first.start, last.end, first.line, last.end_line)


def _number(token: Token) -> int | float:
    return int(token.text) if token.text.isdigit() else float(token.text)


class ExpressionParser:
    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self.tokens = scanner.tokens()
        self.i = 0
        self.newlines = [True]  # whether newlines are significant here (a stack: brackets turn them off)
        self.depth = 0

    # -- token access

    def peek(self) -> Token:
        tokens = self.tokens
        if not self.newlines[-1]:
            while tokens[self.i].kind == "nl":
                self.i += 1
        return tokens[self.i]

    def peek_after(self) -> Token:
        """The token after the next one (newlines skipped as the current context skips them)."""
        self.peek()
        j = self.i + 1
        if not self.newlines[-1]:
            while self.tokens[j].kind == "nl":
                j += 1
        return self.tokens[min(j, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        if token.kind != "eof":
            self.i += 1
        return token

    def is_op(self, text: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == text

    def expect(self, text: str) -> Token:
        token = self.peek()
        if token.kind != "op" or token.text != text:
            raise self.unexpected(token)
        return self.take()

    def unexpected(self, token: Token) -> HclSyntaxError:
        if token.kind == "eof":
            what = "unexpected end of input"
        elif token.kind == "nl":
            what = "unexpected line break"
        else:
            shown = token.text if token.kind != "string" else f'"{token.text}"'
            what = f"unexpected {shown[:40]!r}"
        return HclSyntaxError(what, *self.scanner.position(token.start - self.scanner.base))

    def skip_newlines(self) -> None:
        while self.tokens[self.i].kind == "nl":
            self.i += 1

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            message = f"expression nested deeper than {MAX_DEPTH} levels"
            raise HclSyntaxError(message, *self.scanner.position(token.start - self.scanner.base))

    # -- expressions

    def expression(self) -> Expr:
        cond = self.binary(1)
        if not self.is_op("?"):
            return cond
        self.enter(self.take())
        then = self.expression()
        self.expect(":")
        other = self.expression()
        self.depth -= 1
        return Cond(cond, then, other, span(cond.pos, other.pos))

    def binary(self, min_level: int) -> Expr:
        """Operators binding at `min_level` or tighter (precedence climbing): operators of one level fold
        to the left in the loop, so a long chain never recurses."""
        left = self.unary()
        outer = self.depth
        while True:
            token = self.peek()
            level = PRECEDENCE.get(token.text, 0) if token.kind == "op" else 0
            if level < min_level:
                self.depth = outer
                return left
            self.enter(self.take())  # each fold nests the chain so far one level deeper
            right = self.binary(level + 1)
            left = BinOp(token.text, left, right, span(left.pos, right.pos))

    def unary(self) -> Expr:
        token = self.peek()
        if token.kind == "op" and token.text in ("-", "!"):
            self.take()
            self.enter(token)
            operand = self.unary()
            self.depth -= 1
            return UnaryOp(token.text, operand, span(token, operand.pos))
        return self.postfix(self.primary())

    def postfix(self, expr: Expr) -> Expr:
        outer = self.depth
        try:
            return self.traversal(expr)
        finally:
            self.depth = outer

    def traversal(self, expr: Expr) -> Expr:
        while True:
            token = self.peek()
            if token.kind != "op" or token.text not in (".", "["):
                return expr
            self.enter(token)  # each step nests the expression so far one level deeper
            if token.text == ".":
                after = self.peek_after()
                if after.kind == "op" and after.text == "*":
                    self.take()
                    self.take()
                    expr = self.splat(expr, full=False)
                    continue
                self.take()
                step = self.take()
                if step.kind == "ident":
                    expr = GetAttr(expr, step.text, span(expr.pos, step))
                elif step.kind == "number" and re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", step.text):
                    # Legacy index `x.0`; `x.0.1` arrives as one number token.
                    for digits in step.text.split("."):
                        expr = Index(expr, Lit(int(digits), span(step, step)), span(expr.pos, step))
                else:
                    raise self.unexpected(step)
            elif token.text == "[":
                after = self.peek_after()
                if after.kind == "op" and after.text == "*":
                    self.take()
                    self.take()
                    self.expect("]")
                    expr = self.splat(expr, full=True)
                    continue
                self.take()
                self.newlines.append(False)
                key = self.expression()
                closing = self.expect("]")
                self.newlines.pop()
                expr = Index(expr, key, span(expr.pos, closing))
            else:
                return expr

    def splat(self, obj: Expr, *, full: bool) -> Splat:
        ops: list[tuple[str, object]] = []
        last: Pos | Token = self.tokens[self.i - 1]
        while True:
            token = self.peek()
            if token.kind == "op" and token.text == "." and self.peek_after().kind == "ident":
                self.take()
                name = self.take()
                ops.append(("attr", name.text))
                last = name
            elif full and token.kind == "op" and token.text == "[":
                after = self.peek_after()
                if after.kind == "op" and after.text == "*":
                    break
                self.take()
                self.newlines.append(False)
                key = self.expression()
                last = self.expect("]")
                self.newlines.pop()
                ops.append(("index", key))
            else:
                break
        return Splat(obj, tuple(ops), span(obj.pos, last))

    def primary(self) -> Expr:
        token = self.take()
        kind = token.kind
        if kind == "number":
            if len(token.text) > MAX_DIGITS:
                raise HclSyntaxError(f"number literal longer than {MAX_DIGITS} digits", token.line, 1)
            return Lit(_number(token), span(token, token))
        if kind == "ident":
            return self.name_or_call(token)
        if kind == "string":
            return self.template(token.text, token, token.start + 1, quoted=True)
        if kind == "heredoc":
            body, inner = heredoc_body(token.text)
            return self.template(body, token, token.start + inner, quoted=False)
        if kind == "op":
            if token.text == "(":
                self.newlines.append(False)
                self.enter(token)
                expr = self.expression()
                self.expect(")")
                self.depth -= 1
                self.newlines.pop()
                return expr
            if token.text == "[":
                return self.tuple_or_for(token)
            if token.text == "{":
                return self.object_or_for(token)
        raise self.unexpected(token)

    def name_or_call(self, token: Token) -> Expr:
        name = token.text
        nxt = self.peek()
        if nxt.kind == "op" and nxt.text == "::":
            parts = [name]
            while self.is_op("::"):
                self.take()
                part = self.take()
                if part.kind != "ident":
                    raise self.unexpected(part)
                parts.append(part.text)
            name = "::".join(parts)
            nxt = self.peek()
            if not (nxt.kind == "op" and nxt.text == "("):
                raise self.unexpected(nxt)
        if nxt.kind == "op" and nxt.text == "(":
            return self.call(token, name)
        if name in ("true", "false"):
            return Lit(name == "true", span(token, token))
        if name == "null":
            return Lit(None, span(token, token))
        return Name(name, span(token, token))

    def call(self, token: Token, name: str) -> Call:
        opening = self.take()
        self.newlines.append(False)
        self.enter(opening)
        args: list[Expr] = []
        expand = False
        while not self.is_op(")"):
            args.append(self.expression())
            if self.is_op("..."):
                self.take()
                expand = True
                break
            if not self.is_op(","):
                break
            self.take()
        closing = self.expect(")")
        self.depth -= 1
        self.newlines.pop()
        return Call(name, tuple(args), expand, span(token, closing))

    def for_intro(self) -> tuple[str | None, str, Expr]:
        self.take()  # `for`
        first = self.take()
        if first.kind != "ident":
            raise self.unexpected(first)
        key_var: str | None = None
        value_var = first.text
        if self.is_op(","):
            self.take()
            second = self.take()
            if second.kind != "ident":
                raise self.unexpected(second)
            key_var, value_var = first.text, second.text
        keyword = self.take()
        if keyword.kind != "ident" or keyword.text != "in":
            raise self.unexpected(keyword)
        collection = self.expression()
        self.expect(":")
        return key_var, value_var, collection

    def for_cond(self) -> Expr | None:
        token = self.peek()
        if token.kind == "ident" and token.text == "if":
            self.take()
            return self.expression()
        return None

    def starts_for(self) -> bool:
        token = self.peek()
        return token.kind == "ident" and token.text == "for" and self.peek_after().kind == "ident"

    def tuple_or_for(self, opening: Token) -> Expr:
        self.newlines.append(False)
        self.enter(opening)
        if self.starts_for():
            key_var, value_var, collection = self.for_intro()
            value = self.expression()
            cond = self.for_cond()
            closing = self.expect("]")
            result: Expr = ForExpr(key_var, value_var, collection, None, value, cond, False, span(opening, closing))
        else:
            items: list[Expr] = []
            while not self.is_op("]"):
                items.append(self.expression())
                if not self.is_op(","):
                    break
                self.take()
            closing = self.expect("]")
            result = TupleExpr(tuple(items), span(opening, closing))
        self.depth -= 1
        self.newlines.pop()
        return result

    def object_or_for(self, opening: Token) -> Expr:
        self.enter(opening)
        self.newlines.append(False)
        if self.starts_for():
            key_var, value_var, collection = self.for_intro()
            key = self.expression()
            self.expect("=>")
            value = self.expression()
            grouping = self.is_op("...")
            if grouping:
                self.take()
            cond = self.for_cond()
            closing = self.expect("}")
            self.newlines.pop()
            self.depth -= 1
            return ForExpr(key_var, value_var, collection, key, value, cond, grouping, span(opening, closing))
        self.newlines[-1] = True  # an object's items are separated by newlines or commas
        items: list[tuple[Expr, Expr]] = []
        while True:
            self.skip_newlines()
            if self.is_op("}"):
                break
            key = self.object_key()
            token = self.take()
            if token.kind != "op" or token.text not in ("=", ":"):
                raise self.unexpected(token)
            value = self.expression()
            items.append((key, value))
            token = self.peek()
            if (token.kind == "op" and token.text == ",") or token.kind == "nl":
                self.take()
            elif not (token.kind == "op" and token.text == "}"):
                raise self.unexpected(token)
        closing = self.take()
        self.newlines.pop()
        self.depth -= 1
        return ObjectExpr(tuple(items), span(opening, closing))

    def object_key(self) -> Expr:
        token = self.peek()
        after = self.peek_after()
        if token.kind == "ident" and after.kind == "op" and after.text in ("=", ":"):
            self.take()
            return Lit(token.text, span(token, token))  # `{ x = 1 }`: the name, not a reference
        self.newlines.append(False)
        key = self.expression()
        self.newlines.pop()
        return key

    # -- templates

    def interpolation(self, source: str, offset: int) -> Expr:
        """The expression of one `${...}`, parsed from its own text (`offset`: where that is in the file)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.scanner.error(f"expression nested deeper than {MAX_DEPTH} levels", offset - self.scanner.base)
        line, column = self.scanner.position(offset - self.scanner.base)
        try:
            return parse_alone(source, offset, line - 1, column - 1, self.depth)
        except HclSyntaxError as err:
            if err.message.startswith("in interpolation"):
                raise
            raise HclSyntaxError(f"in interpolation: {err.message}", err.line, err.column) from None
        finally:
            self.depth -= 1

    def template(self, raw: str, token: Token, text_start: int, *, quoted: bool) -> Expr:
        pos = span(token, token)
        base = self.scanner.base
        try:
            if "${" not in raw and "%{" not in raw:
                return Lit(unescape(raw) if quoted else raw, pos)
            parts, directive = split_template(raw, self.interpolation, quoted=quoted, offset=text_start)
        except TemplateSyntaxError as exc:
            raise self.scanner.error(str(exc), exc.offset - base) from None
        return Template(tuple(parts), pos, directive)  # type: ignore[arg-type]


def parse_alone(source: str, offset: int, line: int, column: int = 0, depth: int = 0) -> Expr:
    scanner = Scanner(source, offset, line, column)
    parser = ExpressionParser(scanner)
    parser.depth = depth
    parser.newlines = [False]  # an interpolation ignores newlines
    expr = parser.expression()
    rest = parser.peek()
    if rest.kind != "eof":
        raise parser.unexpected(rest)
    return expr
