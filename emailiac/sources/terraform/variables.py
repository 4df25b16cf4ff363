"""Root-module variable values with Terraform's precedence.

Lowest to highest: declared default < TF_VAR_* environment < terraform.tfvars < terraform.tfvars.json <
*.auto.tfvars(.json) in name order < --var-file (in order) < --var.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from emailiac.model import Unknown
from emailiac.result import InputError
from emailiac.sensitive import mark
from emailiac.sources.terraform.ast import Block, Expr, HclFile, Lit, Name
from emailiac.sources.terraform.evaluate import evaluate, to_number
from emailiac.sources.terraform.files import parse_file
from emailiac.sources.terraform.hcl import HclSyntaxError, parse_expression
from emailiac.sources.terraform.types import TypeSpec, convert, parse_type

__all__ = [
    "NoReferences",
    "VariableValues",
    "bind_variables",
    "collect_root_values",
    "convert_to_type",
    "declaration_errors",
    "declared_type",
]


class NoReferences:
    """tfvars values are constants: a reference in them is an error, reported as unknown."""

    def resolve(self, root: str, path: list[str], expr: Expr) -> tuple[Any, int]:
        return Unknown(f"{root} cannot be referenced in a variable value"), len(path)


@dataclass
class VariableValues:
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # name -> "terraform.tfvars:3", for fixes and messages
    errors: list[InputError] = field(default_factory=list)


def declared_type(block: Block | None) -> str:
    """The primitive type a `variable` block declares (`string`, `number`, `bool`), or `any`/`complex`."""
    if block is None:
        return "any"
    attr = block.body.attribute("type")
    if attr is None:
        return "any"
    expr = attr.expr
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Lit) and isinstance(expr.value, str):
        return expr.value
    return "complex"


def convert_to_type(value: Any, type_name: str) -> Any:
    """Terraform's automatic conversion of primitives to a declared type."""
    if isinstance(value, Unknown) or value is None:
        return value
    if type_name == "number" and isinstance(value, str):
        return to_number(value)
    if type_name == "bool" and isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if type_name == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if type_name == "string" and isinstance(value, bool):
        return "true" if value else "false"
    return value


def _from_cli_text(text: str, type_name: str) -> Any:
    """A -var or TF_VAR_ value: raw text for strings, an HCL expression for other types."""
    if type_name == "string":
        return text
    try:
        expr = parse_expression(text)
    except HclSyntaxError:
        return text
    # A bare word (`-var region=eu`) is text even where the type is `any`.
    return text if isinstance(expr, Name) else evaluate(expr, NoReferences())


def _apply_json_file(path: Path, into: VariableValues, declared: Mapping[str, Block]) -> None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        into.errors.append(InputError(f"cannot read variable values: {exc}", str(path)))
        return
    if not isinstance(doc, dict):
        into.errors.append(InputError("a .tfvars.json file must hold a JSON object", str(path), 1))
        return
    for name, value in doc.items():
        into.values[name] = convert_to_type(value, declared_type(declared.get(name)))
        into.origin[name] = str(path)


def _apply_file(path: Path, into: VariableValues, declared: Mapping[str, Block]) -> None:
    if path.name.endswith(".json"):
        _apply_json_file(path, into, declared)
        return
    parsed = parse_file(path)
    if parsed.hcl is None:
        if parsed.error:
            into.errors.append(parsed.error)
        return
    for attr in parsed.hcl.body.attributes:
        value = evaluate(attr.expr, NoReferences())
        into.values[attr.name] = convert_to_type(value, declared_type(declared.get(attr.name)))
        into.origin[attr.name] = f"{path}:{attr.pos.line}"


def collect_root_values(
    root: Path,
    declared: Mapping[str, Block],
    *,
    var_files: Sequence[Path] = (),
    cli_vars: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> VariableValues:
    out = VariableValues()
    for name, text in (env or {}).items():
        if name.startswith("TF_VAR_"):
            var = name[len("TF_VAR_") :]
            out.values[var] = convert_to_type(
                _from_cli_text(text, declared_type(declared.get(var))), declared_type(declared.get(var))
            )
            out.origin[var] = f"environment {name}"
    files = [root / "terraform.tfvars", root / "terraform.tfvars.json"]
    files += sorted(p for p in root.glob("*.auto.tfvars*") if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")))
    for path in files:
        if path.is_file():
            _apply_file(path, out, declared)
    for path in var_files:
        if not path.is_file():
            out.errors.append(InputError("--var-file does not exist", str(path)))
            continue
        _apply_file(path, out, declared)
    for name, text in (cli_vars or {}).items():
        type_name = declared_type(declared.get(name))
        out.values[name] = convert_to_type(_from_cli_text(text, type_name), type_name)
        out.origin[name] = "--var"
    return out


def _strings(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, list):
        for item in value:
            _strings(item, into)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)


def declaration_errors(hcl: HclFile) -> list[InputError]:
    """Variable blocks Terraform rejects before it evaluates anything: a null default with `nullable = false`."""
    out = []
    for block in hcl.body.blocks:
        if block.type != "variable":
            continue
        nullable, default = block.body.attribute("nullable"), block.body.attribute("default")
        if (
            nullable is not None
            and isinstance(nullable.expr, Lit)
            and nullable.expr.value is False
            and default is not None
            and isinstance(default.expr, Lit)
            and default.expr.value is None
        ):
            message = "invalid default value for variable: a null default is not valid when nullable = false"
            out.append(InputError(message, hcl.path, default.pos.line))
    return out


def bind_variables(variables: Mapping[str, Block], given: Mapping[str, Any], secrets: set[str]) -> dict[str, Any]:
    """A module's variable values: those given, else the declared defaults, converted to the declared type
    (optional attributes take their defaults, undeclared attributes are dropped). `nullable = false` makes
    a null value take the default.

    The values of variables declared `sensitive = true` are marked sensitive (so is what is computed from
    them) and their strings are added to `secrets`, so that reports keep them out of messages."""
    values: dict[str, Any] = {}
    for name, block in variables.items():
        default = block.body.attribute("default")
        if name in given:
            value = given[name]
        elif default is not None:
            value = evaluate(default.expr, NoReferences())
        else:
            continue
        nullable = block.body.attribute("nullable")
        if value is None and nullable is not None and getattr(nullable.expr, "value", None) is False:
            value = evaluate(default.expr, NoReferences()) if default is not None else None
        type_attr = block.body.attribute("type")
        value = convert(value, _type_of(type_attr.expr if type_attr is not None else None))
        sensitive = block.body.attribute("sensitive")
        if sensitive is not None and isinstance(sensitive.expr, Lit) and sensitive.expr.value is True:
            value = mark(value)  # what is computed from it stays sensitive too
            _strings(value, secrets)
        values[name] = value
    return values


@lru_cache(maxsize=4096)
def _type_of(expr: Expr | None) -> TypeSpec:
    """The parsed type constraint, once per expression (a module called many times reuses it)."""
    return parse_type(expr)
