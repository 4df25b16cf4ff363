"""Type constraints of `variable` blocks, and Terraform's conversion of a value to them.

`string`, `number`, `bool`, `any`, `list(T)`, `set(T)`, `map(T)`, `tuple([...])` and `object({...})` with
`optional(T, default)` attributes. A value converts as Terraform converts it: numbers and bools to strings,
numeric strings to numbers, `"true"`/`"false"` to bools, tuples to lists and sets, objects to maps; an
object keeps only the attributes its type declares, and a missing or null optional attribute takes its
default. What does not convert is an error Terraform would report for the whole configuration: the value
is unknown with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import Unknown
from emailiac.sensitive import SecretStr
from emailiac.sources.terraform.ast import Call, Expr, Lit, Name, ObjectExpr, Template, TupleExpr

__all__ = ["ANY", "TypeSpec", "convert", "parse_type"]


@dataclass(frozen=True)
class TypeSpec:
    kind: str  # string number bool any list set map tuple object
    element: TypeSpec | None = None  # list, set, map
    items: tuple[TypeSpec, ...] = ()  # tuple
    attrs: tuple[tuple[str, TypeSpec], ...] = ()  # object
    optional: frozenset[str] = frozenset()  # object attributes declared optional(...)
    defaults: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # optional defaults


ANY = TypeSpec("any")
_PRIMITIVES = frozenset({"string", "number", "bool", "any"})


def _literal(expr: Expr) -> Any:
    from emailiac.sources.terraform.evaluate import evaluate
    from emailiac.sources.terraform.variables import NoReferences

    return evaluate(expr, NoReferences())


def parse_type(expr: Expr | None) -> TypeSpec:
    """The type an expression in `type = ...` stands for; `any` for what is not a type expression."""
    if expr is None:
        return ANY
    if isinstance(expr, Name):
        if expr.name in _PRIMITIVES:
            return TypeSpec(expr.name)
        if expr.name in ("list", "set", "map"):
            return TypeSpec(expr.name, ANY)
        return ANY
    if isinstance(expr, (Lit, Template)) and isinstance(getattr(expr, "value", None), str):
        name = str(getattr(expr, "value", ""))
        return TypeSpec(name) if name in _PRIMITIVES else TypeSpec(name, ANY) if name in ("list", "map") else ANY
    if not isinstance(expr, Call) or not expr.args:
        return ANY
    arg = expr.args[0]
    if expr.name in ("list", "set", "map"):
        return TypeSpec(expr.name, parse_type(arg))
    if expr.name == "tuple" and isinstance(arg, TupleExpr):
        return TypeSpec("tuple", items=tuple(parse_type(i) for i in arg.items))
    if expr.name == "object" and isinstance(arg, ObjectExpr):
        attrs: list[tuple[str, TypeSpec]] = []
        optional: set[str] = set()
        defaults: dict[str, Any] = {}
        for key_expr, value_expr in arg.items:
            key = key_expr.name if isinstance(key_expr, Name) else _literal(key_expr)
            if not isinstance(key, str):
                return ANY
            if isinstance(value_expr, Call) and value_expr.name == "optional" and value_expr.args:
                optional.add(key)
                spec = parse_type(value_expr.args[0])
                if len(value_expr.args) > 1:
                    defaults[key] = _literal(value_expr.args[1])
            else:
                spec = parse_type(value_expr)
            attrs.append((key, spec))
        return TypeSpec("object", attrs=tuple(attrs), optional=frozenset(optional), defaults=defaults)
    return ANY


def _error(reason: str) -> Unknown:
    # Terraform rejects the whole configuration for a value of the wrong type; try() cannot catch that.
    return Unknown(f"invalid value: {reason}")


def _string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return _error("a string is required")


def _number(value: Any) -> Any:
    from emailiac.sources.terraform.evaluate import to_number

    if isinstance(value, bool):
        return _error("a number is required")
    number = to_number(value) if isinstance(value, (int, float, str)) else None
    return number if isinstance(number, (int, float)) else _error("a number is required")


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    return _error("a bool is required")


def convert(value: Any, spec: TypeSpec) -> Any:
    """`value` converted to `spec`, or an unknown saying why it does not convert."""
    if value is None or isinstance(value, Unknown) or spec.kind == "any":
        return value
    secret = isinstance(value, SecretStr)
    if spec.kind in ("string", "number", "bool"):
        out = {"string": _string, "number": _number, "bool": _bool}[spec.kind](value)
        return SecretStr(out) if secret and isinstance(out, str) else out
    if spec.kind in ("list", "set"):
        if not isinstance(value, list):
            return _error(f"a {spec.kind} is required")
        items = [convert(v, spec.element or ANY) for v in value]
        if spec.kind == "set":
            from emailiac.sources.terraform.fn_base import NotEvaluated
            from emailiac.sources.terraform.fn_collections import set_of

            try:
                return set_of(items)
            except NotEvaluated as exc:
                return Unknown(str(exc))
        return items
    if spec.kind == "map":
        if not isinstance(value, dict):
            return _error("a map is required")
        return {k: convert(v, spec.element or ANY) for k, v in value.items()}
    if spec.kind == "tuple":
        if not isinstance(value, list) or len(value) != len(spec.items):
            return _error(f"a tuple of {len(spec.items)} elements is required")
        return [convert(v, s) for v, s in zip(value, spec.items, strict=True)]
    if spec.kind == "object":
        return _object(value, spec)
    return value


def _object(value: Any, spec: TypeSpec) -> Any:
    if not isinstance(value, Mapping):
        return _error("an object is required")
    # A resource or data source passed whole (`zone = data.cloudflare_zone.main`): its computed attributes
    # are unknown until apply, not missing.
    computed = getattr(value, "missing", None)
    out: dict[str, Any] = {}
    for name, attr_spec in spec.attrs:
        given = value.get(name)
        if given is None and name not in value and computed is not None:
            given = computed(name)
        if given is None:
            if name not in spec.optional and name not in value:
                return _error(f"attribute {name!r} is required")
            given = spec.defaults.get(name)
        out[name] = convert(given, attr_spec)
    return out
