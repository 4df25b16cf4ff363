"""Number, bool and primitive-conversion functions."""

from __future__ import annotations

import math
from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.fn_base import (
    BudgetExceeded,
    Function,
    FunctionError,
    as_bool,
    as_int,
    as_list,
    as_number,
    as_str,
)

__all__ = ["NUMBER_FUNCTIONS"]


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


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


NUMBER_FUNCTIONS: dict[str, Function] = {
    "alltrue": Function(_all_or_any(True), True),
    "anytrue": Function(_all_or_any(False), True),
    "range": Function(_range),
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
