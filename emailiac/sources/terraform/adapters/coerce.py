"""Typed reads of evaluated attribute values for adapters.

Terraform converts between strings, numbers and bools where a provider schema asks for one; these helpers
do the same, and turn a value of the wrong shape into an `Unknown` that says so, never a silent default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from emailiac.model import Unknown

__all__ = ["as_bool", "as_int", "as_json", "as_str", "as_str_list", "ref_target"]


def as_str(value: Any, where: str = "value") -> str | Unknown | None:
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return Unknown(f"{where} is not a string")


def as_int(value: Any, where: str = "value") -> int | Unknown | None:
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return Unknown(f"{where} is a bool, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return Unknown(f"{where} {value!r} is not a whole number")
    return Unknown(f"{where} is not a number")


def as_bool(value: Any, where: str = "value") -> bool | Unknown | None:
    if value is None or isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"{where} {value!r} is not a bool")


def as_str_list(value: Any, where: str = "value") -> tuple[str | Unknown, ...] | Unknown | None:
    """A list/set of strings; unknown elements stay Unknown in place."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return Unknown(f"{where} is a single value, not a list")
    if not isinstance(value, (list, tuple)):
        return Unknown(f"{where} is not a list")
    out: list[str | Unknown] = []
    for item in value:
        s = as_str(item, f"an element of {where}")
        out.append(s if s is not None else Unknown(f"an element of {where} is null"))
    return tuple(out)


def as_json(value: Any, where: str = "value") -> Mapping[str, Any] | Unknown | None:
    """A JSON document given as a string (heredoc, jsonencode) or already an object."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError as exc:
            return Unknown(f"{where} is not valid JSON ({exc})")
        return doc if isinstance(doc, Mapping) else Unknown(f"{where} is not a JSON object")
    return Unknown(f"{where} is not a JSON document")


def ref_target(value: Any) -> str | None:
    """The resource a computed reference points at: Unknown(refs=("aws_route53_zone.main.zone_id",)) ->
    "aws_route53_zone.main". Lets adapters tie a record to its zone before apply."""
    if isinstance(value, Unknown) and len(value.refs) == 1:
        # Drop the attribute name; keep module path, data. prefix, type, name and instance key. A module
        # call, variable or local (`module.app.module.sg`, `module.app.var.id`) names no resource.
        target, _, _attr = value.refs[0].rpartition(".")
        match = _RESOURCE.fullmatch(target)
        return target if match is not None and match.group(1) not in _NOT_RESOURCES else None
    return None


# A resource's address: module path, `data.` for a data source, then `type.name` or `type.name[key]`.
_RESOURCE = re.compile(r"(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*(?:data\.)?([A-Za-z][\w-]*)\.[\w-]+(?:\[[^\]]*\])?")
_NOT_RESOURCES = frozenset({"module", "var", "local", "each", "count", "path", "terraform", "self"})
