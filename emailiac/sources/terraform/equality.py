"""`==` and `!=` as cty's `Value.Equals` decides them.

cty asks whether each operand itself is known, not everything inside it: a known list holding an unknown
element is a known list, so `[<unknown>] != null` is true at plan time. Lists, tuples and objects are compared
in order and the first element pair that decides wins: an unknown pair makes the result unknown, an unequal
one makes it false. Values whose types already differ (lengths of tuples, attributes of objects, a number
against a string, a set against a list) are unequal whatever the unknowns hold; two sets with an unknown
element are neither. An unknown alone equals nothing for certain, with one refinement Terraform makes: a
string template with unknown parts is a string that is never null and starts with its known leading text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emailiac.model import Unknown, is_known
from emailiac.sources.terraform.fn_collections import TfSet
from emailiac.sources.terraform.unknowns import merge_unknown

__all__ = ["equals"]

_PREFIX_BYTES = 128  # HCL keeps at most this much of a template's known leading text


def _kind(value: Any) -> str | None:
    """The primitive type a known value has in Terraform; None for null, unknowns and containers."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _types_differ(a: Any, b: Any) -> bool:
    """True when the values' Terraform types certainly differ (an unknown or a null could be any type)."""
    if a is None or b is None or isinstance(a, Unknown) or isinstance(b, Unknown):
        return False
    if isinstance(a, TfSet) or isinstance(b, TfSet):
        if not (isinstance(a, TfSet) and isinstance(b, TfSet)):
            return True  # a set is never equal to a list or tuple
        kinds = [next((_kind(v) for v in s if _kind(v) is not None), None) for s in (a, b)]
        return None not in kinds and kinds[0] != kinds[1]  # set(string) against set(number)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) != len(b) or any(_types_differ(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return set(a) != set(b) or any(_types_differ(a[k], b[k]) for k in a)
    if isinstance(a, (list, Mapping)) or isinstance(b, (list, Mapping)):
        return True
    return _kind(a) != _kind(b)


def _known_prefix(pattern: str) -> str:
    """The leading text Terraform knows of a partly known template: what precedes the first unknown part, at
    most 128 bytes, without its last character (which a following combining mark could still change)."""
    prefix = pattern.split("*", 1)[0].encode("utf-8")[:_PREFIX_BYTES].decode("utf-8", "ignore")
    return prefix[:-1]


def _excludes(unknown: Unknown, known: Any) -> bool:
    """True when the known value is certainly not the value the unknown will have."""
    if unknown.pattern is None:  # not a template: it may be null, and of any type
        return False
    return not isinstance(known, str) or not known.startswith(_known_prefix(unknown.pattern))


def equals(a: Any, b: Any) -> bool | Unknown:
    """Terraform's `a == b`: true, false, or unknown with the reason of the unknown that left it open."""
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        if isinstance(a, Unknown) and isinstance(b, Unknown):
            return merge_unknown(a, b)
        unknown, known = (a, b) if isinstance(a, Unknown) else (b, a)
        return False if _excludes(unknown, known) else merge_unknown(unknown)
    if a is None or b is None:
        return a is None and b is None
    if _types_differ(a, b):
        return False
    if isinstance(a, TfSet) and isinstance(b, TfSet):
        # cty makes any unknown element leave two sets' equality open, whatever the other elements are.
        if not is_known(a) or not is_known(b):
            return merge_unknown(a, b)
        return len(a) == len(b) and all(any(equals(x, y) is True for y in b) for x in a)
    if isinstance(a, list) and isinstance(b, list):
        for x, y in zip(a, b, strict=True):
            same = equals(x, y)
            if isinstance(same, Unknown) or not same:
                return same
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        results = [equals(a[k], b[k]) for k in sorted(a)]
        open_ = [r for r in results if isinstance(r, Unknown)]
        # cty visits attributes in Go's random map order, so with both an unknown and an unequal pair its
        # answer varies between runs: only unknown is always right.
        if open_:
            return merge_unknown(*open_)
        return all(results)
    return bool(a == b)  # two primitives of one type (a sensitive string equals the same plain string)
