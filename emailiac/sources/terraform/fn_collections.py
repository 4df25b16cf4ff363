"""Collection, number and type-conversion functions. Sets are lists here, ordered as Terraform orders them
(strings lexically, the rest in first-seen order)."""

from __future__ import annotations

import itertools
import math
from typing import Any

from emailiac.model import Unknown, is_known
from emailiac.sources.terraform.fn_base import (
    MAX_ITEMS,
    BudgetExceeded,
    Function,
    FunctionError,
    NotEvaluated,
    as_bool,
    as_int,
    as_list,
    as_map,
    as_number,
    as_str,
    check_size,
)

__all__ = ["COLLECTION_FUNCTIONS", "set_of"]


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


def set_of(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, Unknown):
            raise NotEvaluated(f"a set element is not known ({item.reason})")
        if item not in out:
            out.append(item)
    if all(isinstance(i, str) for i in out):
        out.sort()
    return out


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
    if isinstance(value, (Unknown, list)):
        return value
    raise FunctionError("cannot convert to a list")


def _tomap(value: Any) -> Any:
    if isinstance(value, (Unknown, dict)):
        return value
    raise FunctionError("cannot convert to a map")


def _tostring(value: Any) -> Any:
    return None if value is None else as_str(value)


def _tonumber(value: Any) -> Any:
    if value is None:
        return None
    return as_number(value)


def _tobool(value: Any) -> Any:
    return None if value is None else as_bool(value)


def _range(*args: Any) -> list[int | float]:
    if not 1 <= len(args) <= 3:
        raise FunctionError("range() takes one to three arguments")
    nums = [as_number(a) for a in args]
    start, stop, step = (0, nums[0], 1) if len(nums) == 1 else (nums[0], nums[1], nums[2] if len(nums) == 3 else 1)
    if step == 0:
        raise FunctionError("step must not be zero")
    if (stop - start) / step > 1024:
        raise FunctionError("more than 1024 values were generated; either decrease the difference or increase the step")
    out: list[int | float] = []
    value = start
    while (value < stop) if step > 0 else (value > stop):
        out.append(value)
        value += step
    return out


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


def _sum(items: Any) -> int | float:
    values = as_list(items)
    if not values:
        raise FunctionError("cannot sum an empty list")
    numbers = [as_number(v) for v in values]
    total = sum(numbers)
    return _tidy(float(total)) if isinstance(total, float) else total


def _log(x: Any, base: Any) -> int | float:
    try:
        return _tidy(math.log(as_number(x), as_number(base)))
    except (ValueError, ZeroDivisionError) as exc:
        raise FunctionError(str(exc)) from None


def _pow(x: Any, y: Any) -> int | float:
    a, b = as_number(x), as_number(y)
    if isinstance(a, int) and isinstance(b, int) and b >= 0:
        if b * max(1, abs(a).bit_length()) > 100_000:
            raise BudgetExceeded("pow() result exceeds emailiac's budget")
        return int(a**b)
    try:
        return _tidy(float(a) ** float(b))
    except (OverflowError, ZeroDivisionError) as exc:
        raise FunctionError(str(exc)) from None


def _parseint(text: Any, base: Any) -> int:
    b = as_int(base)
    if not 2 <= b <= 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive")
    digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[:b]
    value = as_str(text)
    sign, body = (-1, value[1:]) if value.startswith("-") else (1, value.removeprefix("+"))
    if not body or len(body) > 4000:
        raise FunctionError(f"cannot parse {value!r} as a base {b} integer")
    n = 0
    for ch in body:
        index = digits.find(ch if b > 36 else ch.lower())
        if index < 0:
            raise FunctionError(f"cannot parse {value!r} as a base {b} integer")
        n = n * b + index
    return sign * n


def _all_or_any(want: bool) -> Any:
    def run(items: Any) -> Any:
        if isinstance(items, Unknown):
            return items
        unknown: Unknown | None = None
        for item in as_list(items):
            if isinstance(item, Unknown):
                unknown = unknown or item
                continue
            if item is None:
                if want:
                    return False
                continue
            if as_bool(item) is not want:
                return not want
        return unknown if unknown is not None else want

    return run


def _minmax(pick: Any) -> Any:
    def run(*numbers: Any) -> Any:
        if not numbers:
            raise FunctionError("must pass at least one number")
        return pick(as_number(n) for n in numbers)

    return run


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
    "alltrue": Function(_all_or_any(True), True),
    "anytrue": Function(_all_or_any(False), True),
    "contains": Function(_contains, True),
    "distinct": Function(_distinct, True),
    "compact": Function(_compact, True),
    "slice": Function(_slice, True),
    "chunklist": Function(_chunklist, True),
    "reverse": Function(lambda items: list(reversed(as_list(items))), True),
    "one": Function(_one, True),
    "range": Function(_range),
    "sort": Function(_sort),
    "index": Function(_index),
    "setunion": Function(_setunion),
    "setintersection": Function(_setintersection),
    "setsubtract": Function(_setsubtract),
    "setproduct": Function(_setproduct),
    "matchkeys": Function(_matchkeys),
    "transpose": Function(_transpose),
    "sum": Function(_sum),
    "min": Function(_minmax(min)),
    "max": Function(_minmax(max)),
    "abs": Function(lambda n: abs(as_number(n))),
    "ceil": Function(lambda n: math.ceil(as_number(n))),
    "floor": Function(lambda n: math.floor(as_number(n))),
    "signum": Function(lambda n: (as_number(n) > 0) - (as_number(n) < 0)),
    "log": Function(_log),
    "pow": Function(_pow),
    "parseint": Function(_parseint),
    "tostring": Function(_tostring),
    "tonumber": Function(_tonumber),
    "tobool": Function(_tobool),
}
