"""Collection functions. Sets are lists here, ordered as Terraform orders them (strings lexically, the rest
in first-seen order)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from emailiac.model import Unknown, is_known
from emailiac.sources.terraform.fn_base import (
    MAX_ITEMS,
    BudgetExceeded,
    Function,
    FunctionError,
    NotEvaluated,
    as_int,
    as_list,
    as_map,
    as_str,
    check_size,
)

__all__ = ["COLLECTION_FUNCTIONS", "TfSet", "keyed_items", "set_of"]


class TfSet(list[Any]):
    """A set: a list to everything that reads it, but each element is its own key, as `for k, v in` and dynamic
    blocks see it (a list's key is the index)."""


def keyed_items(collection: Any) -> list[tuple[Any, Any]] | None:
    """(key, element) pairs as `for k, v in` and dynamic blocks see them: a map's or object's in lexical key
    order, a set's elements as their own keys, a list's or tuple's indexes; None for what is no collection."""
    if isinstance(collection, Mapping):
        return sorted(collection.items())
    if isinstance(collection, TfSet):
        return [(value, value) for value in collection]
    if isinstance(collection, list):
        return list(enumerate(collection))
    return None


def set_of(items: list[Any]) -> TfSet:
    out: list[Any] = []
    for item in items:
        if isinstance(item, Unknown):
            raise NotEvaluated(f"a set element is not known ({item.reason})")
        if item not in out:
            out.append(item)
    if all(isinstance(i, str) for i in out):
        out.sort()
    return TfSet(out)


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for item in lists:
        if isinstance(item, Unknown):
            return item
        out.extend(as_list(item))
    return check_size(out)


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if isinstance(item, Unknown):
            return item
        out.update(as_map(item))
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, Unknown):
        return mapping
    if isinstance(key, Unknown):
        return key
    k = as_str(key)
    if k in as_map(mapping):
        return mapping[k]
    if default:
        return default[0]
    raise FunctionError(f"the given key {k!r} does not exist in the map")


def _element(items: Any, index: Any) -> Any:
    if isinstance(items, Unknown):
        # element(aws_ses_domain_dkim.x.dkim_tokens, count.index): keep the reference, note the position.
        if isinstance(index, int) and not isinstance(index, bool):
            return Unknown(items.reason, items.refs, None)
        return items
    values = as_list(items)
    if not values:
        raise FunctionError("cannot use element() with an empty list")
    if isinstance(index, Unknown):
        return index
    n = as_int(index)
    if n < 0:
        raise FunctionError("cannot use element() with a negative index")
    return values[n % len(values)]


def _length(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise FunctionError("argument must be a string, a collection type, or a structural type")


def _toset(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return set_of(as_list(value))


def _flatten(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list[Any] = []
    for item in as_list(value):
        if isinstance(item, Unknown):
            return Unknown(f"flatten(): an element is not known ({item.reason})", item.refs)
        if isinstance(item, list):
            flat = _flatten(item)
            if isinstance(flat, Unknown):
                return flat
            out.extend(flat)
        else:
            out.append(item)
    return check_size(out)


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            return value
        if value is not None and value != "":
            return value
    raise FunctionError("no non-null, non-empty-string arguments")


def _coalescelist(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            return value
        if as_list(value):
            return value
    raise FunctionError("no non-empty list arguments")


def _keys(value: Any) -> Any:
    return value if isinstance(value, Unknown) else sorted(as_map(value))


def _values(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    mapping = as_map(value)
    return [mapping[k] for k in sorted(mapping)]


def _zipmap(keys: Any, values: Any) -> Any:
    if isinstance(keys, Unknown) or isinstance(values, Unknown):
        return keys if isinstance(keys, Unknown) else values
    ks, vs = as_list(keys), as_list(values)
    if len(ks) != len(vs):
        raise FunctionError("number of keys and values must match")
    if not is_known(ks):
        raise NotEvaluated("zipmap(): a key is not known")
    return {as_str(k): v for k, v in zip(ks, vs, strict=True)}


def _tolist(value: Any) -> Any:
    if isinstance(value, TfSet):
        return list(value)  # a list again: its keys are indexes
    if isinstance(value, (Unknown, list)):
        return value
    raise FunctionError("cannot convert to a list")


def _tomap(value: Any) -> Any:
    if isinstance(value, (Unknown, dict)):
        return value
    raise FunctionError("cannot convert to a map")


def _sort(items: Any) -> list[str]:
    values = as_list(items)
    if any(v is None for v in values):
        raise FunctionError("given list element must not be null")
    return sorted(as_str(v) for v in values)


def _index(items: Any, value: Any) -> int:
    for i, item in enumerate(as_list(items)):
        if item == value and type(item) is type(value):
            return i
    raise FunctionError("item not found")


def _contains(items: Any, value: Any) -> bool:
    values = as_list(items)
    if not is_known(values) or not is_known(value):
        raise NotEvaluated("contains(): an element is not known")
    return any(item == value and type(item) is type(value) for item in values)


def _one(items: Any) -> Any:
    values = as_list(items)
    if len(values) > 1:
        raise FunctionError("must be a list, set, or tuple value with either zero or one elements")
    return values[0] if values else None


def _slice(items: Any, start: Any, end: Any) -> list[Any]:
    values = as_list(items)
    a, b = as_int(start), as_int(end)
    if a < 0 or b > len(values) or a > b:
        raise FunctionError("slice() indices out of range")
    return values[a:b]


def _chunklist(items: Any, size: Any) -> list[list[Any]]:
    values, n = as_list(items), as_int(size)
    if n < 0:
        raise FunctionError("the size argument must be positive")
    if n == 0:
        return [values]
    return [values[i : i + n] for i in range(0, len(values), n)]


def _setproduct(*sets: Any) -> list[list[Any]]:
    lists = [as_list(x) for x in sets]
    total = math.prod(len(x) for x in lists)
    if total > MAX_ITEMS:
        raise BudgetExceeded(f"setproduct() of {total} elements exceeds emailiac's budget")
    return [list(row) for row in itertools.product(*lists)]


def _setunion(*sets: Any) -> list[Any]:
    return set_of([item for x in sets for item in as_list(x)])


def _setintersection(first: Any, *rest: Any) -> list[Any]:
    others = [as_list(x) for x in rest]
    return set_of([i for i in as_list(first) if all(i in o for o in others)])


def _setsubtract(a: Any, b: Any) -> list[Any]:
    remove = as_list(b)
    return set_of([i for i in as_list(a) if i not in remove])


def _matchkeys(values: Any, keys: Any, searchset: Any) -> list[Any]:
    vs, ks, wanted = as_list(values), as_list(keys), as_list(searchset)
    if len(vs) != len(ks):
        raise FunctionError("length of keys and values should be equal")
    return [v for v, k in zip(vs, ks, strict=True) if k in wanted]


def _transpose(value: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in sorted(as_map(value)):
        for item in as_list(value[key]):
            out.setdefault(as_str(item), []).append(key)
    return out


def _compact(items: Any) -> list[Any]:
    values = as_list(items)
    if not is_known(values):
        raise NotEvaluated("compact(): an element is not known")
    return [i for i in values if i is not None and i != ""]


def _distinct(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in as_list(items):
        if isinstance(item, Unknown):
            raise NotEvaluated(item.reason)
        if item not in out:
            out.append(item)
    return out


COLLECTION_FUNCTIONS: dict[str, Function] = {
    "concat": Function(_concat, True),
    "merge": Function(_merge, True),
    "lookup": Function(_lookup, True),
    "element": Function(_element, True),
    "length": Function(_length, True),
    "toset": Function(_toset, True),
    "tolist": Function(_tolist, True),
    "tomap": Function(_tomap, True),
    "flatten": Function(_flatten, True),
    "coalesce": Function(_coalesce, True),
    "coalescelist": Function(_coalescelist, True),
    "keys": Function(_keys, True),
    "values": Function(_values, True),
    "zipmap": Function(_zipmap, True),
    "contains": Function(_contains, True),
    "distinct": Function(_distinct, True),
    "compact": Function(_compact, True),
    "slice": Function(_slice, True),
    "chunklist": Function(_chunklist, True),
    "reverse": Function(lambda items: list(reversed(as_list(items))), True),
    "one": Function(_one, True),
    "sort": Function(_sort),
    "index": Function(_index),
    "setunion": Function(_setunion),
    "setintersection": Function(_setintersection),
    "setsubtract": Function(_setsubtract),
    "setproduct": Function(_setproduct),
    "matchkeys": Function(_matchkeys),
    "transpose": Function(_transpose),
}
