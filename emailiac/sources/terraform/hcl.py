"""HCL native syntax text -> our syntax tree: a scanner and a recursive-descent parser of our own.

It follows hashicorp/hcl's hclsyntax specification: newlines end attributes and separate object items but are
ignored inside parentheses, brackets and interpolations; binary operators bind by precedence and associate to
the left; `? :` binds loosest. Scanning is linear (strings are walked, never matched by backtracking patterns)
and operator chains are folded in a loop, so no input makes parsing slower than linear in its length.
"""

from __future__ import annotations

from emailiac.sources.terraform.ast import Attribute, Block, BodyAst, Expr, HclFile
from emailiac.sources.terraform.hclexpr import MAX_DEPTH, MAX_DIGITS, PRECEDENCE, ExpressionParser, parse_alone, span
from emailiac.sources.terraform.hclscan import HclSyntaxError, Scanner, Token
from emailiac.sources.terraform.template import TemplateSyntaxError, unescape

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "PRECEDENCE", "HclSyntaxError", "parse_expression", "parse_hcl", "parser_version"]

_VERSION = "emailiac-hcl-1"


def parser_version() -> str:
    return _VERSION


class _Parser(ExpressionParser):
    """A file: attributes and blocks, one per line."""

    def body(self, closing: str | None) -> BodyAst:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        while True:
            self.skip_newlines()
            token = self.tokens[self.i]
            if token.kind == "eof" and closing is None:
                break
            if closing is not None and token.kind == "op" and token.text == closing:
                break
            if token.kind != "ident":
                raise self.unexpected(token)
            self.i += 1
            after = self.tokens[self.i]
            if after.kind == "op" and after.text == "=":
                self.i += 1
                expr = self.expression()
                attributes.append(Attribute(token.text, expr, span(token, expr.pos)))
            else:
                blocks.append(self.block(token))
            end = self.tokens[self.i]
            if end.kind == "nl":
                self.i += 1
            elif not (end.kind == "eof" or (closing is not None and end.kind == "op" and end.text == closing)):
                raise self.unexpected(end)
        return BodyAst(tuple(attributes), tuple(blocks))

    def block(self, type_token: Token) -> Block:
        labels: list[str] = []
        while True:
            token = self.tokens[self.i]
            if token.kind == "ident":
                labels.append(token.text)
            elif token.kind == "string":
                try:
                    labels.append(unescape(token.text))
                except TemplateSyntaxError as exc:
                    raise HclSyntaxError(str(exc), token.line, 1) from None
            else:
                break
            self.i += 1
        opening = self.tokens[self.i]
        if not (opening.kind == "op" and opening.text == "{"):
            raise self.unexpected(opening)
        self.enter(opening)
        self.i += 1
        body = self.body("}")
        closing = self.tokens[self.i]
        self.i += 1
        self.depth -= 1
        return Block(type_token.text, tuple(labels), body, span(type_token, closing))


def parse_hcl(text: str, path: str = "<string>") -> HclFile:
    """Parse HCL text into our tree; raises HclSyntaxError with the position of the first error."""
    scanner = Scanner(text, 0, 0)
    parser = _Parser(scanner)
    body = parser.body(None)
    return HclFile(path, body, tuple(scanner.comments))


def parse_expression(source: str, *, base: int = 0, base_line: int = 0) -> Expr:
    """Parse one expression (an interpolation's content, a TF_VAR_ value)."""
    return parse_alone(source, base, base_line)
