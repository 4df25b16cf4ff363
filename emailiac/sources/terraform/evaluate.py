"""Evaluate HCL expressions to Python values, with `Unknown` wherever Terraform would not know yet.

Values: str, int, float, bool, None, list, dict, or Unknown (also inside lists and dicts). Nothing here
raises for a bad configuration: a type error or an unsupported construct becomes an Unknown that says so.
What Terraform itself would reject is an `EvalError` (an Unknown that try() and can() may catch); what
emailiac cannot know (a file outside the tree, a spent budget) is a plain Unknown, which they never catch.
Strings computed from sensitive values stay marked sensitive (see emailiac.sensitive).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from emailiac.model import Unknown, is_known
from emailiac.sensitive import SecretStr, has_secret, mark, unmark
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
    Splat,
    Template,
    TupleExpr,
    UnaryOp,
)
from emailiac.sources.terraform.equality import equals
from emailiac.sources.terraform.fn_base import BudgetExceeded, EvalContext, NotEvaluated, number_text
from emailiac.sources.terraform.fn_collections import keyed_items
from emailiac.sources.terraform.functions import EVALUATOR_FUNCTIONS, FUNCTIONS, FunctionError, PartialJson
from emailiac.sources.terraform.template_eval import render_directives, template_file_value
from emailiac.sources.terraform.unknowns import EvalError, merge_unknown, unknowns_in

__all__ = ["EvalError", "Resolver", "evaluate", "merge_unknown", "path_value", "to_number", "to_string"]


class Resolver(Protocol):
    """Resolves the root of a reference (`var.x`, `local.y`, `aws_x.y`) in a module instance."""

    def resolve(self, root: str, path: list[str], expr: Expr) -> tuple[Any, int]:
        """Value of `root.path[0].path[1]...`; returns the value and how many path steps it consumed."""
        ...


def to_string(value: Any) -> str | Unknown:
    """Terraform's conversion of a primitive to a string."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return str(value)
    if value is None:
        return EvalError("null value in a string template")
    if isinstance(value, PartialJson):
        return merge_unknown(value)
    return EvalError("cannot use a list or object in a string template")


def to_number(value: Any) -> int | float | Unknown:
    """Terraform's conversion to a number: numeric strings convert, bools and other values do not."""
    if isinstance(value, bool):
        return EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if len(value) > 4000:
            return Unknown("a number of more than 4000 digits is not evaluated")
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return EvalError(f"{value!r} is not a number")
    if isinstance(value, Unknown):
        return value
    return EvalError("value is not a number")


def _bool(value: Any) -> bool | Unknown:
    if isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return EvalError("value is not a bool")


class _Evaluator:
    def __init__(
        self, resolver: Resolver, scope: Mapping[str, Any], context: EvalContext | None, since: int | None = None
    ) -> None:
        self.resolver = resolver
        self.scope = scope  # for-expression variables
        self.context = context
        # Steps used when this expression's evaluation began: its own budget counts from there.
        self.since = since if since is not None else (context.budget.used if context is not None else 0)

    def ev(self, expr: Expr) -> Any:
        if self.context is not None:
            self.context.budget.spend(1, self.since)
        method: Callable[[Any], Any] = getattr(self, f"e_{type(expr).__name__}")
        return method(expr)

    def inner(self, extra: Mapping[str, Any]) -> _Evaluator:
        return _Evaluator(self.resolver, {**self.scope, **extra}, self.context, self.since)

    def e_Lit(self, expr: Lit) -> Any:
        return expr.value

    def e_Template(self, expr: Template) -> Any:
        if expr.directive:
            return render_directives(expr.parts, self)
        values = [p if isinstance(p, str) else self.ev(p) for p in expr.parts]
        # "${x}" alone yields x itself, not its string form (Terraform keeps the type).
        if len(values) == 1 and not isinstance(expr.parts[0], str):
            return values[0]
        return self.join(values)

    def join(self, values: list[Any]) -> Any:
        """Literal text and interpolated values as one string; a partly known one keeps what is known as the
        pattern of its Unknown (`*` for each unknown part). Sensitive parts make the whole sensitive."""
        secret = any(has_secret(v) for v in values)
        out: list[str] = []
        pattern: list[str] = []
        unknown: list[Unknown] = []
        for value in values:
            text = to_string(value)
            if isinstance(text, Unknown):
                unknown.append(text)
                pattern.append("*")
            else:
                out.append(text)
                pattern.append(text)
        if unknown:
            merged = merge_unknown(*unknown)
            if isinstance(merged, EvalError):
                return merged
            return Unknown(merged.reason, merged.refs, "".join(pattern))
        return SecretStr("".join(out)) if secret else "".join(out)

    def e_Name(self, expr: Name) -> Any:
        if expr.name in self.scope:
            return self.scope[expr.name]
        value, _ = self.resolver.resolve(expr.name, [], expr)
        return value

    def _traversal(self, expr: Expr) -> tuple[Name, list[Any]] | None:
        """A static reference chain `a.b[0].c` as its root name and steps (attribute names or index exprs)."""
        steps: list[Any] = []
        node = expr
        while True:
            if isinstance(node, GetAttr):
                steps.append(node.name)
                node = node.obj
            elif isinstance(node, Index):
                steps.append(node.key)
                node = node.obj
            else:
                break
        if isinstance(node, Name):
            steps.reverse()
            return node, steps
        return None

    def _reference(self, expr: GetAttr | Index) -> Any:
        chain = self._traversal(expr)
        if chain is None:
            base = self.ev(expr.obj)
            return self._step(base, expr.name if isinstance(expr, GetAttr) else self.ev(expr.key))
        root, steps = chain
        if root.name in self.scope:
            value = self.scope[root.name]
            consumed = 0
        else:
            names = [s for s in _leading_names(steps)]
            value, consumed = self.resolver.resolve(root.name, names, expr)
        for step in steps[consumed:]:
            value = self._step(value, step if isinstance(step, str) else self.ev(step))
        return value

    e_GetAttr = _reference
    e_Index = _reference

    def _step(self, value: Any, key: Any) -> Any:
        if isinstance(value, Unknown):
            return value
        if isinstance(key, Unknown):
            return merge_unknown(key)
        if isinstance(value, Mapping):
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                key = to_string(key)
            if key in value:
                return value[key]
            getter = getattr(value, "missing", None)
            if getter is not None:
                return getter(key)
            return EvalError(f"no attribute or key {key!r}")
        if isinstance(value, list):
            index = to_number(key)
            if isinstance(index, Unknown):
                return index
            if not float(index).is_integer() or not 0 <= int(index) < len(value):
                return EvalError(f"index {key!r} out of range")
            return value[int(index)]
        if value is None:
            return EvalError("attribute of a null value")
        return EvalError(f"cannot index a {type(value).__name__}")

    def e_Splat(self, expr: Splat) -> Any:
        base = self.ev(expr.obj)
        if isinstance(base, Unknown):
            return base
        if base is None:
            return []
        items = base if isinstance(base, list) else list(base.values()) if isinstance(base, Mapping) else [base]
        out = []
        for item in items:
            value = item
            for kind, arg in expr.ops:
                value = self._step(value, arg if kind == "attr" else self.ev(arg))
            out.append(value)
        return out

    def e_Call(self, expr: Call) -> Any:
        name = expr.name.removeprefix("core::")
        if name in EVALUATOR_FUNCTIONS:
            return self._special(name, expr)
        fn = FUNCTIONS.get(name)
        args = [self.ev(a) for a in expr.args]
        if expr.expand_last and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return last
            if not isinstance(last, list):
                return EvalError(f"{name}(...): the expanded argument is not a list")
            args.extend(last)
        if fn is None:
            if name.startswith("provider::"):
                return Unknown(f"provider function {name}() is not evaluated")
            # Terraform rejects the whole configuration for this, so try() cannot catch it.
            return Unknown(f"there is no function named {name!r}")
        error = next((u for a in args for u in unknowns_in(a) if isinstance(u, EvalError)), None)
        if error is not None:
            return error
        if not fn.accepts_unknown and not all(is_known(a) for a in args):
            return merge_unknown(*args)
        secret = any(has_secret(a) for a in args)
        try:
            if fn.needs_context:
                if self.context is None:
                    return Unknown(f"{name}() is not evaluated here")
                value = fn.impl(self.context, *args)
            else:
                value = fn.impl(*args)
        except FunctionError as exc:
            return EvalError(f"{name}(): {exc}")
        except NotEvaluated as exc:
            if isinstance(exc, BudgetExceeded) and self.context is not None:
                raise
            return Unknown(f"{name}(): {exc}")
        except Exception as exc:  # our own shortfall: unknown, never a try() fallback
            return Unknown(f"{name}() could not be evaluated ({type(exc).__name__}: {exc})")
        if self.context is not None:
            self.context.budget.charge(value, self.since)
        return mark(value) if secret else value

    def _special(self, name: str, expr: Call) -> Any:
        if name == "try":
            return self._try(expr)
        args = [self.ev(a) for a in expr.args]
        if name == "can":
            if len(args) != 1:
                return EvalError("can() takes one argument")
            if any(isinstance(u, EvalError) for u in unknowns_in(args[0])):
                return False
            return merge_unknown(args[0]) if not is_known(args[0]) else True
        if len(args) != {"templatefile": 2, "templatestring": 2}.get(name, 1):
            return EvalError(f"{name}(): wrong number of arguments")
        if name == "sensitive":
            return mark(args[0])
        if name == "nonsensitive":
            return unmark(args[0])
        if name == "issensitive":
            return has_secret(args[0])
        return template_file_value(name, args, self)

    def _try(self, expr: Call) -> Any:
        if not expr.args:
            return EvalError("try() needs at least one argument")
        for arg in expr.args:
            value = self.ev(arg)
            if any(isinstance(u, EvalError) for u in unknowns_in(value)):
                continue  # an error Terraform would report: try the next argument
            if not is_known(value):
                return merge_unknown(value)  # whether it will fail is known only later: so is the result
            return value
        return EvalError("try(): no argument could be evaluated without an error")

    def e_TupleExpr(self, expr: TupleExpr) -> Any:
        return [self.ev(item) for item in expr.items]

    def e_ObjectExpr(self, expr: ObjectExpr) -> Any:
        out: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = to_string(self.ev(key_expr))
            if isinstance(key, Unknown):
                return Unknown(f"object key is not known ({key.reason})", key.refs)
            out[key] = self.ev(value_expr)
        return out

    def e_UnaryOp(self, expr: UnaryOp) -> Any:
        value = self.ev(expr.operand)
        if expr.op == "!":
            b = _bool(value)
            return b if isinstance(b, Unknown) else not b
        n = to_number(value)
        return n if isinstance(n, Unknown) else -n

    def e_BinOp(self, expr: BinOp) -> Any:
        op = expr.op
        left = self.ev(expr.left)
        if op in ("&&", "||"):
            lb = _bool(left)
            right = self.ev(expr.right)
            rb = _bool(right)
            # Both operands are type-checked first, as Terraform does (`true || 2` is an error).
            for value, converted in ((left, lb), (right, rb)):
                if isinstance(converted, Unknown) and is_known(value):
                    return converted
            # Short-circuit only on a known deciding value: `false && unknown` is false.
            if not isinstance(lb, Unknown) and ((op == "&&" and not lb) or (op == "||" and lb)):
                return lb
            if isinstance(rb, Unknown):
                return rb
            if isinstance(lb, Unknown):
                return rb if (op == "&&" and not rb) or (op == "||" and rb) else lb
            return rb
        right = self.ev(expr.right)
        if op in ("==", "!="):
            equal = equals(left, right)
            return equal if op == "==" or isinstance(equal, Unknown) else not equal
        a, b = to_number(left), to_number(right)
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return merge_unknown(a, b)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return EvalError("division by zero") if b == 0 else _tidy(a / b)
        if op == "%":
            if b == 0:
                return EvalError("division by zero")
            # Terraform's remainder takes the sign of the dividend (-7 % 3 is -1), unlike Python's.
            remainder = math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else abs(a) % abs(b)
            return -remainder if a < 0 and isinstance(remainder, int) else remainder
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]

    def e_Cond(self, expr: Cond) -> Any:
        cond = _bool(self.ev(expr.cond))
        if isinstance(cond, EvalError):
            return cond
        if isinstance(cond, Unknown):
            then, other = self.ev(expr.then), self.ev(expr.other)
            if is_known(then) and is_known(other) and then == other:
                return then
            return Unknown(f"condition is not known ({cond.reason})", cond.refs)
        return self.ev(expr.then if cond else expr.other)

    def e_ForExpr(self, expr: ForExpr) -> Any:
        coll = self.ev(expr.collection)
        if isinstance(coll, Unknown):
            return coll
        pairs = keyed_items(coll)
        if pairs is None:
            return EvalError("for expression over a value that is not a collection")
        results: list[Any] = []
        obj: dict[str, Any] = {}
        for key, value in pairs:
            scope = {expr.value_var: value}
            if expr.key_var:
                scope[expr.key_var] = key
            inner = self.inner(scope)
            if expr.cond is not None:
                keep = _bool(inner.ev(expr.cond))
                if isinstance(keep, Unknown):
                    return keep
                if not keep:
                    continue
            item = inner.ev(expr.value_expr)
            if expr.key_expr is None:
                results.append(item)
                continue
            k = to_string(inner.ev(expr.key_expr))
            if isinstance(k, Unknown):
                return Unknown(f"for expression key is not known ({k.reason})", k.refs)
            if expr.grouping:
                obj.setdefault(k, []).append(item)
            elif k in obj:
                return EvalError(f"for expression produced duplicate key {k!r}")
            else:
                obj[k] = item
        return results if expr.key_expr is None else obj


def _leading_names(steps: list[Any]) -> list[str]:
    out = []
    for step in steps:
        if not isinstance(step, str):
            break
        out.append(step)
    return out


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _can(value: Any) -> bool:
    return not isinstance(value, Unknown)


def evaluate(
    expr: Expr, resolver: Resolver, scope: Mapping[str, Any] | None = None, context: EvalContext | None = None
) -> Any:
    """The value of `expr`; file functions and the work budget come from `context` (or the resolver's)."""
    if context is None:
        context = getattr(resolver, "context", None)
    try:
        return _Evaluator(resolver, scope or {}, context).ev(expr)
    except BudgetExceeded as exc:
        return Unknown(str(exc))
    except RecursionError:
        return Unknown("expression nests too deeply to evaluate")


def path_value(name: str, module_dir: Path, root_dir: Path) -> Any:
    """`path.module`, `path.root`, `path.cwd` as Terraform gives them when run in the root module's folder:
    module and root relative to it (`.`, `modules/dns`), cwd absolute."""
    root = os.path.abspath(root_dir)
    if name == "module":
        return Path(os.path.relpath(os.path.abspath(module_dir), root)).as_posix()
    if name == "root":
        return "."
    if name == "cwd":
        return Path(root).as_posix()
    return EvalError(f"path.{name} does not exist (path.module, path.root and path.cwd do)")
