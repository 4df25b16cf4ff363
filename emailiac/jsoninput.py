"""JSON documents emailiac reads from the tree it lints (Terraform JSON, plans, inventories): parsed with bounds.

They may come from a pull request, so nesting is bounded as HCL's is (limits.MAX_TREE_DEPTH) before anything walks
them recursively, and every way the JSON reader can fail is one error with a line and column.
"""

from __future__ import annotations

import json
from typing import Any

from emailiac.limits import MAX_TREE_DEPTH

__all__ = ["JsonInputError", "json_kind", "load_json"]


class JsonInputError(ValueError):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def json_kind(value: Any) -> str:
    """What a JSON value is, for messages: "an object", "a list", "a string"..."""
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


def _depth(doc: Any) -> int:
    deepest = 0
    todo = [(doc, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            todo.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return deepest


def load_json(text: str) -> Any:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonInputError(f"JSON nested deeper than {MAX_TREE_DEPTH} levels") from None
    except ValueError as exc:  # an integer literal longer than Python converts
        raise JsonInputError(f"invalid JSON: {exc}") from None
    if _depth(doc) > MAX_TREE_DEPTH:
        raise JsonInputError(f"JSON nested deeper than {MAX_TREE_DEPTH} levels")
    return doc
