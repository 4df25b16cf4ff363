"""What every built-in function module shares: the function record, argument coercions, the error Terraform
would raise, and the evaluation context (files the run may read, the work budget).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from emailiac.model import Unknown

__all__ = [
    "Budget",
    "BudgetExceeded",
    "EvalContext",
    "Function",
    "FunctionError",
    "NotEvaluated",
    "as_bool",
    "as_int",
    "as_list",
    "as_map",
    "as_number",
    "as_str",
    "check_size",
    "digest_text",
    "grapheme_clusters",
    "jsonencode_text",
    "number_text",
]

# Limits on what one value may hold: far beyond what a configuration needs, far below what exhausts memory.
MAX_ITEMS = 100_000
MAX_TEXT = 1_000_000
MAX_STEPS = 10_000_000


class FunctionError(Exception):
    """A call Terraform would reject (wrong argument type, index out of range): try() and can() catch it."""


class NotEvaluated(Exception):
    """A call whose value emailiac cannot know (a file outside the tree, a budget spent): never caught by
    try() or can(), the value is unknown with this reason."""


class BudgetExceeded(NotEvaluated):
    pass


@dataclass
class Budget:
    """Evaluation steps, counted for one root module: one expression may take `per_expression` of them, all
    expressions together `total`. Past either, the value being computed is unknown with that reason."""

    total: int = MAX_STEPS
    per_expression: int = MAX_STEPS // 10
    used: int = 0

    def spend(self, n: int = 1, since: int = 0) -> None:
        self.used += n
        if self.used > self.total:
            raise BudgetExceeded("evaluation exceeds emailiac's budget of work for one configuration")
        if self.used - since > self.per_expression:
            raise BudgetExceeded("evaluation of this expression exceeds emailiac's budget of work")

    def charge(self, value: Any, since: int = 0) -> None:
        """Large results cost in proportion to their size, so many of them cannot exhaust memory."""
        if isinstance(value, str) and len(value) > 64:
            self.spend(len(value) // 8, since)
        elif isinstance(value, (list, dict)) and len(value) > 64:
            self.spend(len(value), since)


@dataclass
class EvalContext:
    """Where file functions read from, and what they read.

    `cwd` is the root module's folder (Terraform runs there, so relative paths start there); `tree` holds
    the folders the run was asked to lint: files elsewhere, symlinks resolved, are never read. `reads` maps
    every file (or folder listed by fileset) the evaluation looked at to what it saw, for the caches.
    """

    cwd: Path
    tree: tuple[Path, ...] = ()
    reads: dict[str, str] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)

    def locate(self, path: str) -> Path:
        """The real path of `path` (relative to the root module), if it is inside the linted tree."""
        target = Path(path)
        if not target.is_absolute():
            target = self.cwd / target
        real = Path(os.path.realpath(target))
        if not any(real == t or t in real.parents for t in self.tree):
            raise NotEvaluated(f"{path} is outside the linted folder; emailiac does not read it")
        return real


@dataclass(frozen=True)
class Function:
    impl: Callable[..., Any]
    accepts_unknown: bool = False  # True: unknown elements inside containers are fine
    needs_context: bool = False  # True: impl(context, *args)


_GO_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def number_text(number: int | float) -> str:
    """Terraform's number-to-string conversion: every digit, never an exponent (1e21, 1e-07 spelt out)."""
    if isinstance(number, int):
        return str(number)
    # The shortest decimal naming the float: the literal as written (cty keeps 1.5e300 as 15 and zeros), and
    # what Terraform prints for a float64 result (`${pow(2, 60)}` is 1152921504606847000).
    return format(Decimal(repr(number)).normalize(), "f")


def jsonencode_text(value: Any) -> str:
    """Terraform's JSON (cty's, over Go's encoder): object keys sorted, numbers spelt out in full, and the
    characters Go escapes for HTML safety escaped."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False).translate(_GO_JSON_ESCAPES)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(jsonencode_text(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{jsonencode_text(k)}:{jsonencode_text(v)}" for k, v in items) + "}"
    raise FunctionError(f"cannot encode a {type(value).__name__} as JSON")


def grapheme_clusters(text: str) -> list[str]:
    """The text split into user-perceived characters as Terraform counts them; combining marks stay with their
    base character."""
    clusters: list[str] = []
    for ch in text:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def digest_text(algorithm: str, encode: str, data: bytes) -> str:
    """The `algorithm` digest of `data`, as hex (`encode` "hex") or base64: md5(), filesha256(), local_file's
    checksums."""
    raw = hashlib.new(algorithm, data, usedforsecurity=False).digest()
    return raw.hex() if encode == "hex" else base64.b64encode(raw).decode()


def as_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return str(value)
    if value is None:
        raise FunctionError("argument must not be null")
    raise FunctionError(f"expected a string, got {type(value).__name__}")


def as_list(value: Any) -> list[Any]:
    if isinstance(value, Unknown):
        raise NotEvaluated(value.reason)
    if isinstance(value, list):
        return value
    raise FunctionError(f"expected a list, got {type(value).__name__}")


def as_map(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise FunctionError(f"expected a map or object, got {type(value).__name__}")


def as_number(value: Any) -> int | float:
    if isinstance(value, bool) or value is None:
        raise FunctionError("expected a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if len(value) > 4000:
            raise NotEvaluated("a number of more than 4000 digits is not evaluated")
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                raise FunctionError(f"{value!r} is not a number") from None
    raise FunctionError(f"expected a number, got {type(value).__name__}")


def as_int(value: Any) -> int:
    number = as_number(value)
    if isinstance(number, float) and not number.is_integer():
        raise FunctionError(f"expected a whole number, got {value!r}")
    return int(number)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise FunctionError(f"expected a bool, got {value!r}")


_T = TypeVar("_T")


def check_size(value: _T) -> _T:
    """A result too large to hold is a budget overrun, not a MemoryError."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise BudgetExceeded(f"a string of {len(value)} characters exceeds emailiac's budget")
    if isinstance(value, (list, dict)) and len(value) > MAX_ITEMS:
        raise BudgetExceeded(f"a collection of {len(value)} elements exceeds emailiac's budget")
    return value


def s(fn: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A one-string-argument function."""
    return lambda value: fn(as_str(value))
