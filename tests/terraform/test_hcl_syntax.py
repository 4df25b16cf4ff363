"""The HCL front end on constructs real repositories use (each case is a small self-written copy of a shape
found by benchmarks/conformance.py) and on inputs that must neither hang nor crash it."""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest

from emailiac.sources.terraform.ast import (
    Attribute,
    BinOp,
    Call,
    Cond,
    Expr,
    GetAttr,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Splat,
    Template,
    TupleExpr,
    UnaryOp,
)
from emailiac.sources.terraform.evaluate import evaluate
from emailiac.sources.terraform.files import parse_text
from emailiac.sources.terraform.hcl import MAX_DEPTH, HclSyntaxError, parse_expression, parse_hcl


class _NoReferences:
    def resolve(self, root: str, path: list[str], expr: Expr) -> tuple[Any, int]:
        raise AssertionError(root)


def _value(expr: Expr) -> Any:
    return evaluate(expr, _NoReferences())


def _attrs(text: str) -> dict[str, Attribute]:
    body = parse_hcl(text).body
    block = body.blocks[0].body if body.blocks else body
    return {a.name: a for a in block.attributes}


def test_crlf_line_endings() -> None:
    text = 'resource "aws_x" "y" {\r\n  a = 1\r\n  b = "two"\r\n\r\n  c {\r\n    d = true\r\n  }\r\n}\r\n'
    block = parse_hcl(text).body.blocks[0]
    assert [(a.name, _value(a.expr), a.pos.line) for a in block.body.attributes] == [("a", 1, 2), ("b", "two", 3)]
    assert block.body.blocks[0].pos.line == 5 and block.pos.end_line == 8


def test_crlf_heredoc_keeps_its_line_endings_as_terraform_does() -> None:
    # terraform console: ["ab\r\ncd\r\n", "x\r\n"] for this file.
    text = "locals {\r\n  h = <<EOT\r\nab\r\ncd\r\nEOT\r\n  i = <<-EOT\r\n    x\r\n    EOT\r\n}\r\n"
    attrs = _attrs(text)
    assert _value(attrs["h"].expr) == "ab\r\ncd\r\n"
    assert _value(attrs["i"].expr) == "x\r\n"


def test_byte_order_mark() -> None:
    parsed = parse_text('\ufefflocals {\n  a = "x"\n}\n', "main.tf")
    assert parsed.error is None and parsed.hcl is not None
    assert parsed.hcl.body.blocks[0].body.attributes[0].pos.line == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("60 * 60", 3600),
        ('"FARGATE" == "FARGATE" ? true : false', True),
        ("2 > 1", True),
        ("!false", True),
        ("-3", -3),
        ("[1, 2][0] + 1", 2),
    ],
)
def test_operators_as_object_values_without_commas(value: str, expected: Any) -> None:
    expr = parse_expression(f'{{\n  a = {value}\n  b = 1\n  "c" = {value}\n}}')
    assert isinstance(expr, ObjectExpr)
    assert [(_value(k), _value(v)) for k, v in expr.items] == [("a", expected), ("b", 1), ("c", expected)]


def test_object_separators_and_keys() -> None:
    expr = parse_expression('{ a = 1, b: 2, "c" = 3, (local.k) = 4\n  for = 5 }')
    assert isinstance(expr, ObjectExpr)
    keys = [k.value if isinstance(k, Lit) else type(k).__name__ for k, _ in expr.items]
    assert keys == ["a", "b", "c", "GetAttr", "for"]


def test_newlines_inside_brackets_are_ignored() -> None:
    # aztfmod: `try` and its `(` on different lines inside an index.
    expr = parse_expression("x[try\n(a.b, c)][d]")
    assert isinstance(expr, Index) and isinstance(expr.obj, Index) and isinstance(expr.obj.key, Call)


def test_newline_ends_an_attribute() -> None:
    with pytest.raises(HclSyntaxError) as err:
        parse_hcl("a = 1 +\n2\n")
    assert (err.value.message, err.value.line) == ("unexpected line break", 1)


def test_interpolation_with_braces_and_quotes_inside() -> None:
    expr = parse_expression('"a-${join("}", ["x", "y"])}-${ {k = "v"}.k }-$${literal}"')
    assert isinstance(expr, Template)
    assert isinstance(expr.parts[1], Call) and expr.parts[2] == "-" and isinstance(expr.parts[3], GetAttr)
    assert expr.parts[4] == "-${literal}"


def test_traversals_and_splats() -> None:
    attrs = _attrs('a = x.0.1\nb = x[*].id\nc = x.*.id\nd = x[*].tags["k"]\ne = values(m)[*].name\n')
    a = attrs["a"].expr
    assert isinstance(a, Index) and isinstance(a.obj, Index) and _value(a.key) == 1 and _value(a.obj.key) == 0
    assert all(isinstance(attrs[n].expr, Splat) for n in "bcde")
    d = attrs["d"].expr
    assert isinstance(d, Splat) and d.ops[0] == ("attr", "tags") and d.ops[1][0] == "index"
    # A splat's span covers its steps (fixes rewrite exactly this text).
    assert attrs["e"].expr.pos.end - attrs["e"].expr.pos.start == len("values(m)[*].name")


def test_calls_and_for_expressions() -> None:
    attrs = _attrs(
        "a = f(1, 2, [3]...)\n"
        'b = provider::aws::arn_parse("x")\n'
        'c = [for k, v in m : v if k != ""]\n'
        "d = {for v in l : v.k => v...}\n"
        "e = f(\n  1,\n  2,\n)\n"
    )
    a = attrs["a"].expr
    assert isinstance(a, Call) and a.expand_last and len(a.args) == 3
    assert isinstance(attrs["b"].expr, Call) and attrs["b"].expr.name == "provider::aws::arn_parse"
    c, d = attrs["c"].expr, attrs["d"].expr
    assert (c.key_var, c.value_var, c.key_expr is None, c.cond is not None) == ("k", "v", True, True)  # type: ignore[union-attr]
    assert (d.key_var, d.value_var, d.grouping) == (None, "v", True)  # type: ignore[union-attr]
    e = attrs["e"].expr
    assert isinstance(e, Call) and not e.expand_last and [_value(x) for x in e.args] == [1, 2]


def test_one_line_and_empty_blocks() -> None:
    body = parse_hcl('a "x" { b = 1 }\nc {}\nd "y" "z" {\n}\n').body
    assert [(b.type, b.labels, len(b.body.attributes)) for b in body.blocks] == [
        ("a", ("x",), 1),
        ("c", (), 0),
        ("d", ("y", "z"), 0),
    ]


def test_comments_are_kept_and_strings_are_not_comments() -> None:
    text = '# one\na = "# not a comment" // two\n/* three\n */\nb = <<EOT\n# text\nEOT\n'
    hcl = parse_hcl(text)
    assert [(c.text, c.line) for c in hcl.comments] == [("# one", 1), ("// two", 2), ("/* three\n */", 3)]


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('a = "abc\nb = 1\n', "unterminated string", 1, 5),
        ("a = 1\nb = 22 22\n", "unexpected '22'", 2, 8),
        ("a = {\n  b = 1\n", "unexpected end of input", 3, 1),
        ("a = <<EOT\nx\n", "unterminated heredoc: no closing EOT line", 1, 5),
        ('a = "${1 +}"\n', "in interpolation: unexpected end of input", 1, 11),
        ("a = x.\ny\n", "unexpected line break", 1, 7),
        ("a = 1 @ 2\n", "unexpected character '@'", 1, 7),
    ],
)
def test_syntax_errors_name_line_and_column(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(HclSyntaxError) as err:
        parse_hcl(text)
    assert (err.value.message, err.value.line, err.value.column) == (message, line, column)


def test_unterminated_string_before_much_text_fails_fast() -> None:
    text = 'locals {\n  a = "abc\n' + '  b = "x${var.y}" \\"${"' * 20_000 + "\n}\n"
    start = time.perf_counter()
    with pytest.raises(HclSyntaxError):
        parse_hcl(text)
    assert time.perf_counter() - start < 1


def test_long_operator_chain_is_linear_and_left_nested() -> None:
    # Timed without the garbage collector: late in a full test run, a collection walking every object the
    # earlier tests keep alive could alone pass the budget, which is about the parser's work.
    gc.disable()
    try:
        start = time.perf_counter()
        expr = parse_expression(" + ".join(["1"] * (MAX_DEPTH - 1)))
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    assert elapsed < 1
    assert _value(expr) == MAX_DEPTH - 1
    assert isinstance(expr, BinOp) and isinstance(expr.left, BinOp) and isinstance(expr.right, Lit)
    with pytest.raises(HclSyntaxError, match="nested deeper than"):
        parse_expression(" + ".join(["1"] * 5000))


@pytest.mark.parametrize(
    ("opening", "inner", "closing"),
    [("(", "1", ")"), ("[", "1", "]"), ("{a = ", "1", "}"), ("-", "1", ""), ('"${', "1", '}"'), ("f(", "1", ")")],
)
def test_400_levels_of_nesting_parse_and_evaluate(opening: str, inner: str, closing: str) -> None:
    expr = parse_expression(opening * 400 + inner + closing * 400)
    value = _value(expr)
    assert value is not None
    with pytest.raises(HclSyntaxError, match="nested deeper than"):
        parse_expression(opening * (MAX_DEPTH + 1) + inner + closing * (MAX_DEPTH + 1))


def test_400_nested_blocks() -> None:
    body = parse_hcl("a {\n" * 400 + "}\n" * 400).body
    depth = 0
    while body.blocks:
        body, depth = body.blocks[0].body, depth + 1
    assert depth == 400


def test_integer_literals_longer_than_pythons_default_limit() -> None:
    digits = "1" + "0" * 5000
    expr = parse_expression(digits)
    assert isinstance(expr, Lit) and expr.value == 10**5000 and str(expr.value) == digits
    with pytest.raises(HclSyntaxError, match="longer than"):
        parse_expression("9" * 20_001)


def test_unary_binds_tighter_than_binary_and_traversal_tighter_than_unary() -> None:
    expr = parse_expression("-a.b * 2")
    assert isinstance(expr, BinOp) and isinstance(expr.left, UnaryOp) and isinstance(expr.left.operand, GetAttr)


def test_conditional_spans_and_nesting() -> None:
    expr = parse_expression("a ? [1] : b ? 2 : 3")
    assert isinstance(expr, Cond) and isinstance(expr.then, TupleExpr) and isinstance(expr.other, Cond)
    assert (expr.pos.start, expr.pos.end) == (0, 19)
    assert isinstance(expr.cond, Name)


def test_every_fixture_file_comes_back_from_a_pickle_as_it_was_parsed() -> None:
    """Parsed files cross processes and the parse cache pickled: each node comes back equal, of its own
    class, with its span."""
    import pickle
    from pathlib import Path

    from emailiac.sources.terraform.ast import Pos

    files = sorted(Path(__file__).parents[2].glob("fixtures/terraform/**/*.tf"))
    assert len(files) > 50
    for path in files:
        parsed = parse_text(path.read_text(encoding="utf-8"), str(path))
        back = pickle.loads(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == parsed
        if parsed.hcl is None:
            continue
        assert back.hcl is not None
        for ours, theirs in zip(parsed.hcl.body.blocks, back.hcl.body.blocks, strict=True):
            assert type(theirs.pos) is Pos and theirs.pos == ours.pos
            assert [type(a.expr) for a in theirs.body.attributes] == [type(a.expr) for a in ours.body.attributes]
