"""Operator precedence and associativity as Terraform evaluates them.

Every pair of binary operators, each unary operator and `? :` with each of them, written with operands whose
possible groupings give different results; the expected values are what `terraform console` (Terraform 1.11)
printed for `try(expression, "error")`, recorded here. "error" marks an expression Terraform rejects (a type
error in the grouping HCL's precedence gives): emailiac must give no value for it.

Regenerate with `python tests/terraform/test_hcl_precedence.py` (needs terraform on PATH).
"""

from __future__ import annotations

import itertools
import json
import operator
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emailiac.model import Unknown
from emailiac.sources.terraform.ast import BinOp, Cond, Expr, Name
from emailiac.sources.terraform.evaluate import evaluate
from emailiac.sources.terraform.hcl import PRECEDENCE, parse_expression

TABLE: list[tuple[str, Any]] = [
    ("true || 2 || 3", "error"),
    ("true || true && false", True),
    ("true || 2 == 2", True),
    ("true || 2 != 2", True),
    ("true || 2 < 2", True),
    ("true || 2 > 2", True),
    ("true || 2 <= 2", True),
    ("true || 2 >= 2", True),
    ("true || 2 + 3", "error"),
    ("true || 2 - 3", "error"),
    ("true || 2 * 3", "error"),
    ("true || 2 / 3", "error"),
    ("true || 2 % 3", "error"),
    ("false && true || true", True),
    ("true && 2 && 3", "error"),
    ("true && 2 == 2", True),
    ("true && 2 != 2", False),
    ("true && 2 < 2", False),
    ("true && 2 > 2", False),
    ("true && 2 <= 2", True),
    ("true && 2 >= 2", True),
    ("true && 2 + 3", "error"),
    ("true && 2 - 3", "error"),
    ("true && 2 * 3", "error"),
    ("true && 2 / 3", "error"),
    ("true && 2 % 3", "error"),
    ("2 == 2 || true", True),
    ("2 == 2 && true", True),
    ("2 == 2 == true", True),
    ("2 == 2 != 2", True),
    ("2 == 2 < 2", False),
    ("2 == 2 > 2", False),
    ("2 == 2 <= 2", False),
    ("2 == 2 >= 2", False),
    ("2 == 2 + 2", False),
    ("2 == 2 - 2", False),
    ("2 == 2 * 2", False),
    ("2 == 2 / 2", False),
    ("2 == 2 % 2", False),
    ("2 != 2 || true", True),
    ("2 != 2 && true", False),
    ("2 != 2 == 2", False),
    ("2 != 2 != false", False),
    ("2 != 2 < 2", True),
    ("2 != 2 > 2", True),
    ("2 != 2 <= 2", True),
    ("2 != 2 >= 2", True),
    ("2 != 2 + 2", True),
    ("2 != 2 - 2", True),
    ("2 != 2 * 2", True),
    ("2 != 2 / 2", True),
    ("2 != 2 % 2", True),
    ("2 < 2 || true", True),
    ("2 < 2 && true", False),
    ("2 < 2 == 2", False),
    ("2 < 2 != 2", True),
    ("2 < 3 < 5", "error"),
    ("2 < 3 > 5", "error"),
    ("2 < 3 <= 5", "error"),
    ("2 < 3 >= 5", "error"),
    ("2 < 2 + 2", True),
    ("2 < 2 - 2", False),
    ("2 < 2 * 2", True),
    ("2 < 2 / 2", False),
    ("2 < 2 % 2", False),
    ("2 > 2 || true", True),
    ("2 > 2 && true", False),
    ("2 > 2 == 2", False),
    ("2 > 2 != 2", True),
    ("2 > 3 < 5", "error"),
    ("2 > 3 > 5", "error"),
    ("2 > 3 <= 5", "error"),
    ("2 > 3 >= 5", "error"),
    ("2 > 2 + 2", False),
    ("2 > 2 - 2", True),
    ("2 > 2 * 2", False),
    ("2 > 2 / 2", True),
    ("2 > 2 % 2", True),
    ("2 <= 2 || true", True),
    ("2 <= 2 && true", True),
    ("2 <= 2 == 2", False),
    ("2 <= 2 != 2", True),
    ("2 <= 3 < 5", "error"),
    ("2 <= 3 > 5", "error"),
    ("2 <= 3 <= 5", "error"),
    ("2 <= 3 >= 5", "error"),
    ("2 <= 2 + 2", True),
    ("2 <= 2 - 2", False),
    ("2 <= 2 * 2", True),
    ("2 <= 2 / 2", False),
    ("2 <= 2 % 2", False),
    ("2 >= 2 || true", True),
    ("2 >= 2 && true", True),
    ("2 >= 2 == 2", False),
    ("2 >= 2 != 2", True),
    ("2 >= 3 < 5", "error"),
    ("2 >= 3 > 5", "error"),
    ("2 >= 3 <= 5", "error"),
    ("2 >= 3 >= 5", "error"),
    ("2 >= 2 + 2", False),
    ("2 >= 2 - 2", True),
    ("2 >= 2 * 2", False),
    ("2 >= 2 / 2", True),
    ("2 >= 2 % 2", True),
    ("true + 2 || 3", "error"),
    ("true + 2 && 3", "error"),
    ("2 + 2 == 2", False),
    ("2 + 2 != 2", True),
    ("2 + 2 < 2", False),
    ("2 + 2 > 2", True),
    ("2 + 2 <= 2", False),
    ("2 + 2 >= 2", True),
    ("2 + 3 + 5", 10),
    ("2 + 3 - 5", 0),
    ("2 + 2 * 2", 6),
    ("2 + 2 / 2", 3),
    ("2 + 2 % 2", 2),
    ("true - 2 || 3", "error"),
    ("true - 2 && 3", "error"),
    ("2 - 2 == 2", False),
    ("2 - 2 != 2", True),
    ("2 - 2 < 2", True),
    ("2 - 2 > 2", False),
    ("2 - 2 <= 2", True),
    ("2 - 2 >= 2", False),
    ("2 - 2 + 2", 2),
    ("2 - 2 - 2", -2),
    ("2 - 2 * 2", -2),
    ("2 - 2 / 2", 1),
    ("2 - 2 % 2", 2),
    ("true * 2 || 3", "error"),
    ("true * 2 && 3", "error"),
    ("2 * 2 == 2", False),
    ("2 * 2 != 2", True),
    ("2 * 2 < 2", False),
    ("2 * 2 > 2", True),
    ("2 * 2 <= 2", False),
    ("2 * 2 >= 2", True),
    ("2 * 2 + 2", 6),
    ("2 * 2 - 2", 2),
    ("2 * 3 * 5", 30),
    ("3 * 2 / 5", 1.2),
    ("2 * 2 % 3", 1),
    ("true / 2 || 3", "error"),
    ("true / 2 && 3", "error"),
    ("2 / 2 == 2", False),
    ("2 / 2 != 2", True),
    ("2 / 2 < 2", True),
    ("2 / 2 > 2", False),
    ("2 / 2 <= 2", True),
    ("2 / 2 >= 2", False),
    ("2 / 2 + 2", 3),
    ("2 / 2 - 2", -1),
    ("2 / 2 * 2", 2),
    ("2 / 2 / 2", 0.5),
    ("2 / 2 % 2", 1),
    ("true % 2 || 3", "error"),
    ("true % 2 && 3", "error"),
    ("2 % 2 == 2", False),
    ("2 % 2 != 2", True),
    ("2 % 2 < 2", True),
    ("2 % 2 > 2", False),
    ("2 % 2 <= 2", True),
    ("2 % 2 >= 2", False),
    ("2 % 2 + 3", 3),
    ("2 % 2 - 2", -2),
    ("2 % 2 * 2", 0),
    ("2 % 2 / 3", 0),
    ("2 % 2 % 2", 0),
    ("!true || true", True),
    ("!true && false", False),
    ("-2 == 2", False),
    ("!true == 2", False),
    ("-2 != 2", True),
    ("!true != 2", True),
    ("-2 < 2", True),
    ("-2 > 2", False),
    ("-2 <= 2", True),
    ("-2 >= 2", False),
    ("-2 + 2", 0),
    ("-2 - 2", -4),
    ("-2 % 3", -2),
    ("true || false ? 1 : 0", 1),
    ("false ? true : false || true", True),
    ("true && false ? 1 : 0", 0),
    ("false ? true : false && true", False),
    ("2 == 3 ? 1 : 0", 0),
    ("false ? true : 2 == 3", False),
    ("2 != 3 ? 1 : 0", 1),
    ("false ? true : 2 != 3", True),
    ("2 < 3 ? 1 : 0", 1),
    ("false ? true : 2 < 3", True),
    ("2 > 3 ? 1 : 0", 0),
    ("false ? true : 2 > 3", False),
    ("2 <= 3 ? 1 : 0", 1),
    ("false ? true : 2 <= 3", True),
    ("2 >= 3 ? 1 : 0", 0),
    ("false ? true : 2 >= 3", False),
    ("false ? 1 : 2 + 3", 5),
    ("false ? 1 : 2 - 3", -1),
    ("false ? 1 : 2 * 3", 6),
    ("false ? 1 : 2 / 3", 0.6666666666666666),
    ("false ? 1 : 2 % 3", 2),
    ("false ? 1 : true ? 2 : 3", 2),
    ("true ? false ? 1 : 2 : 3", 2),
    ("2 + 3 == 5 && 7 - 3 != 4 ? 1 : 0", 0),
    ("8 - 4 - 2", 2),
    ("64 / 8 / 2", 4),
    ("7 % 4 % 2", 1),
    ("2 * 3 % 4", 2),
    ("-2 * -3", 6),
    ("!true || true", True),
    ("2 + 3 * 4 - 5 / 5 % 3", 13),
    ("1 + 2 < 4 == true", True),
    ("5 - - 2", 7),
    ("!!true", True),
    ("- - 2", 2),
]


class _NoReferences:
    def resolve(self, root: str, path: list[str], expr: Expr) -> tuple[Any, int]:
        raise AssertionError(f"the table has no references, got {root}")


@pytest.mark.parametrize(("source", "expected"), TABLE, ids=[s for s, _ in TABLE])
def test_value_is_terraforms(source: str, expected: Any) -> None:
    value = evaluate(parse_expression(source), _NoReferences())
    if expected == "error":
        assert isinstance(value, Unknown), f"{source} = {value!r}; Terraform rejects it"
    else:
        assert (value, isinstance(value, bool)) == (expected, isinstance(expected, bool)), f"{source} = {value!r}"


def _shape(expr: Expr) -> str:
    if isinstance(expr, BinOp):
        return f"({_shape(expr.left)} {expr.op} {_shape(expr.right)})"
    if isinstance(expr, Cond):
        return f"({_shape(expr.cond)} ? {_shape(expr.then)} : {_shape(expr.other)})"
    assert isinstance(expr, Name)
    return expr.name


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("a == b && c != d ? x : y", "(((a == b) && (c != d)) ? x : y)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b * c % d", "(((a / b) * c) % d)"),
        ("a || b && c || d", "((a || (b && c)) || d)"),
        ("a < b == c > d", "((a < b) == (c > d))"),
        ("a + b * c - d", "((a + (b * c)) - d)"),
        ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
        ("a ? b ? c : d : e", "(a ? (b ? c : d) : e)"),
        ("(a ? b : c) + d", "((a ? b : c) + d)"),
        ("a\n+\nb", "(a + b)"),
    ],
)
def test_grouping(source: str, tree: str) -> None:
    assert _shape(parse_expression(source)) == tree


def _console(exprs: list[str], cwd: Path) -> list[Any]:
    line = "jsonencode([" + ", ".join(f'try({e}, "error")' for e in exprs) + "])\n"
    done = subprocess.run(["terraform", "console"], input=line, capture_output=True, text=True, cwd=cwd, check=True)
    values: list[Any] = json.loads(json.loads(done.stdout.strip()))
    return values


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_table_is_what_terraform_prints(tmp_path: Path) -> None:
    assert _console([s for s, _ in TABLE], tmp_path) == [v for _, v in TABLE]


# ---------------------------------------------------------------- regenerating the table

_POOL: list[Any] = [2, 3, 5, 7, True, False]
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod,
}  # fmt: skip


class _TypeError(Exception):
    pass


def _number(x: Any) -> Any:
    if isinstance(x, bool):
        raise _TypeError
    return x


def _boolean(x: Any) -> bool:
    if not isinstance(x, bool):
        raise _TypeError
    return x


def _apply(op: str, a: Any, b: Any) -> Any:
    """HCL's operators on numbers and booleans (no short circuit of type checks, as in HCL)."""
    if op in ("||", "&&"):
        left, right = _boolean(a), _boolean(b)
        return (left or right) if op == "||" else (left and right)
    if op in ("==", "!="):
        same = type(a) is type(b) and a == b
        return same if op == "==" else not same
    return _ARITHMETIC[op](_number(a), _number(b))


def _value(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except (_TypeError, ZeroDivisionError):
        return "error"


def _literal(x: Any) -> str:
    return ("true" if x else "false") if isinstance(x, bool) else str(x)


def _pair(op1: str, op2: str) -> str:
    for a, b, c in itertools.product(_POOL, repeat=3):
        left = _value(lambda: _apply(op2, _apply(op1, a, b), c))  # noqa: B023
        right = _value(lambda: _apply(op1, a, _apply(op2, b, c)))  # noqa: B023
        meant = left if PRECEDENCE[op1] >= PRECEDENCE[op2] else right
        if meant != "error" and (left, type(left)) != (right, type(right)):
            return f"{_literal(a)} {op1} {_literal(b)} {op2} {_literal(c)}"
    return f"2 {op1} 3 {op2} 5" if {op1, op2}.isdisjoint({"||", "&&"}) else f"true {op1} 2 {op2} 3"


def _unary(op: str, prefix: str) -> str | None:
    def apply(x: Any) -> Any:
        return -_number(x) if prefix == "-" else not _boolean(x)

    for a, b in itertools.product(_POOL, repeat=2):
        tight = _value(lambda: _apply(op, apply(a), b))  # noqa: B023
        if tight != "error" and tight != _value(lambda: apply(_apply(op, a, b))):  # noqa: B023
            return f"{prefix}{_literal(a)} {op} {_literal(b)}"
    return None


def candidates() -> list[str]:
    exprs = [_pair(op1, op2) for op1, op2 in itertools.product(PRECEDENCE, repeat=2)]
    exprs += [e for op in PRECEDENCE for prefix in "-!" if (e := _unary(op, prefix))]
    for op in PRECEDENCE:
        if op in ("||", "&&"):
            exprs += [f"true {op} false ? 1 : 0", f"false ? true : false {op} true"]
        elif PRECEDENCE[op] in (3, 4):
            exprs += [f"2 {op} 3 ? 1 : 0", f"false ? true : 2 {op} 3"]
        else:
            exprs += [f"false ? 1 : 2 {op} 3"]
    exprs += [
        "false ? 1 : true ? 2 : 3", "true ? false ? 1 : 2 : 3", "2 + 3 == 5 && 7 - 3 != 4 ? 1 : 0",
        "8 - 4 - 2", "64 / 8 / 2", "7 % 4 % 2", "2 * 3 % 4", "-2 * -3", "!true || true",
        "2 + 3 * 4 - 5 / 5 % 3", "1 + 2 < 4 == true", "5 - - 2", "!!true", "- - 2",
    ]  # fmt: skip
    return exprs


if __name__ == "__main__":
    exprs = candidates()
    with tempfile.TemporaryDirectory() as empty:
        values = _console(exprs, Path(empty))
    for expr, value in zip(exprs, values, strict=True):
        print(f"    ({expr!r}, {value!r}),")
