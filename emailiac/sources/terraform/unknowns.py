"""Unknown values during evaluation: an error Terraform would report, and one Unknown standing for several."""

from __future__ import annotations

from typing import Any

from emailiac.model import Unknown

__all__ = ["EvalError", "merge_unknown", "unknowns_in"]


class EvalError(Unknown):
    """An error Terraform would report for this expression: try() moves on to its next argument."""

    __slots__ = ()


def merge_unknown(*values: Any, reason: str | None = None) -> Unknown:
    """One Unknown standing for several: the first reason, all refs. An error among them wins: Terraform
    reports it whatever else is not known."""
    refs: list[str] = []
    first: Unknown | None = None
    for value in values:
        for u in unknowns_in(value):
            if isinstance(u, EvalError):
                return u
            if first is None:
                first = u
            refs.extend(r for r in u.refs if r not in refs)
    text = reason or (first.reason if first is not None else "value is not known")
    return Unknown(text, tuple(refs))


def unknowns_in(value: Any) -> list[Unknown]:
    """Every Unknown in the value, at any depth, in order."""
    if isinstance(value, Unknown):
        return [value]
    if isinstance(value, (list, tuple)):
        return [u for v in value for u in unknowns_in(v)]
    if isinstance(value, dict):
        return [u for v in value.values() for u in unknowns_in(v)]
    return []
