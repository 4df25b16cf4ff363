"""Terraform's built-in functions that configurations use to build mail and network settings.

Each takes evaluated values. Most need fully known arguments (the evaluator checks, unless the function
declares it handles unknowns inside containers itself, like concat or merge).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emailiac.model import Unknown, is_known

__all__ = ["FUNCTIONS", "Function", "FunctionError", "PartialJson"]


class FunctionError(Exception):
    """A call Terraform would reject (wrong argument type, index out of range)."""


@dataclass(frozen=True)
class Function:
    impl: Callable[..., Any]
    accepts_unknown: bool = False  # True: unknown elements inside containers are fine


def _str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    raise FunctionError(f"expected a string, got {type(value).__name__}")


def _list(value: Any) -> list[Any]:
    if isinstance(value, Unknown):
        raise FunctionError("argument is not known")
    if isinstance(value, list):
        return value
    raise FunctionError(f"expected a list, got {type(value).__name__}")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise FunctionError("expected a number, got a bool")
    if isinstance(value, str):
        value = float(value)
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    raise FunctionError(f"expected a whole number, got {value!r}")


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for item in lists:
        if isinstance(item, Unknown):
            return item
        out.extend(_list(item))
    return out


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if isinstance(item, Unknown):
            return item
        if not isinstance(item, dict):
            raise FunctionError("merge() takes maps or objects")
        out.update(item)
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, Unknown):
        return mapping
    if not isinstance(mapping, dict):
        raise FunctionError("lookup() needs a map")
    if isinstance(key, Unknown):
        return key
    k = _str(key)
    if k in mapping:
        return mapping[k]
    if default:
        return default[0]
    raise FunctionError(f"key {k!r} not found")


def _element(items: Any, index: Any) -> Any:
    if isinstance(items, Unknown):
        # element(aws_ses_domain_dkim.x.dkim_tokens, count.index): keep the reference, note the position.
        if isinstance(index, int) and not isinstance(index, bool):
            return Unknown(items.reason, items.refs, None)
        return items
    values = _list(items)
    if not values:
        raise FunctionError("element() of an empty list")
    if isinstance(index, Unknown):
        return index
    return values[_int(index) % len(values)]


def _length(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise FunctionError("length() of a value that has no length")


def _toset(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list[Any] = []
    for item in _list(value):
        if isinstance(item, Unknown):
            return Unknown(f"a set element is not known ({item.reason})", item.refs)
        if item not in out:
            out.append(item)
    # Terraform orders string sets lexically.
    if all(isinstance(i, str) for i in out):
        out.sort()
    return out


def _tolist(value: Any) -> Any:
    if isinstance(value, (Unknown, list)):
        return value
    raise FunctionError("tolist() needs a list or set")


def _tomap(value: Any) -> Any:
    if isinstance(value, (Unknown, dict)):
        return value
    raise FunctionError("tomap() needs an object or map")


def _flatten(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list[Any] = []
    for item in _list(value):
        if isinstance(item, list):
            flat = _flatten(item)
            if isinstance(flat, Unknown):
                return flat
            out.extend(flat)
        else:
            out.append(item)
    return out


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            return value
        if value is not None and value != "":
            return value
    raise FunctionError("no non-null, non-empty argument")


def _coalescelist(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            return value
        if _list(value):
            return value
    raise FunctionError("no non-empty list")


def _format(fmt: Any, *args: Any) -> str:
    text = _str(fmt)
    out: list[str] = []
    i = 0
    argi = 0
    spec = re.compile(r"%(-?\d*)(?:\.(\d+))?([sdfqvt%])")
    while i < len(text):
        m = spec.match(text, i) if text[i] == "%" else None
        if m is None:
            out.append(text[i])
            i += 1
            continue
        verb = m.group(3)
        if verb == "%":
            out.append("%")
        else:
            if argi >= len(args):
                raise FunctionError("not enough arguments for format")
            arg = args[argi]
            argi += 1
            if verb == "d":
                piece = str(_int(arg))
            elif verb == "f":
                piece = f"{float(arg):.{int(m.group(2) or 6)}f}"
            elif verb == "q":
                piece = json.dumps(_str(arg))
            elif verb == "t":
                piece = "true" if arg else "false"
            else:
                piece = _str(arg) if not isinstance(arg, (list, dict)) else json.dumps(arg)
            width = m.group(1)
            if width:
                w = int(width)
                piece = piece.ljust(-w) if w < 0 else piece.rjust(w)
            out.append(piece)
        i = m.end()
    return "".join(out)


def _join(sep: Any, *lists: Any) -> str:
    parts: list[str] = []
    for item in lists:
        parts.extend(_str(x) for x in _list(item))
    return _str(sep).join(parts)


def _split(sep: Any, text: Any) -> list[str]:
    return _str(text).split(_str(sep))


def _replace(text: Any, old: Any, new: Any) -> str:
    s, o, n = _str(text), _str(old), _str(new)
    if len(o) > 1 and o.startswith("/") and o.endswith("/"):
        return re.sub(o[1:-1], re.sub(r"\$(\d+)", r"\\\1", n), s)
    return s.replace(o, n)


def _jsondecode(text: Any) -> Any:
    try:
        return json.loads(_str(text))
    except ValueError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


class PartialJson(dict[str, Any]):
    """jsonencode() of an object with unknown parts: kept as the object, so a policy document whose
    Resource is known only after apply can still be judged on its known Principal and Action."""


def _jsonencode(value: Any) -> Any:
    if is_known(value):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    if isinstance(value, dict):
        return PartialJson(value)
    return Unknown("jsonencode() of a value that is not fully known")


def _keys(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, dict):
        raise FunctionError("keys() needs a map")
    return sorted(value)


def _values(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, dict):
        raise FunctionError("values() needs a map")
    return [value[k] for k in sorted(value)]


def _zipmap(keys: Any, values: Any) -> Any:
    if isinstance(keys, Unknown) or isinstance(values, Unknown):
        return keys if isinstance(keys, Unknown) else values
    return {_str(k): v for k, v in zip(_list(keys), _list(values), strict=False)}


def _contains(items: Any, value: Any) -> bool:
    return value in _list(items)


def _distinct(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(items):
        if item not in out:
            out.append(item)
    return out


def _compact(items: Any) -> list[Any]:
    return [i for i in _list(items) if i is not None and i != ""]


def _slice(items: Any, start: Any, end: Any) -> list[Any]:
    return _list(items)[_int(start) : _int(end)]


def _range(*args: Any) -> list[int]:
    nums = [_int(a) for a in args]
    if len(nums) == 1:
        return list(range(nums[0]))
    return list(range(*nums))


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    net = ipaddress.ip_network(_str(prefix), strict=False)
    subnets = net.subnets(prefixlen_diff=_int(newbits))
    for i, sub in enumerate(subnets):
        if i == _int(netnum):
            return str(sub)
    raise FunctionError("netnum out of range")


def _cidrhost(prefix: Any, hostnum: Any) -> str:
    net = ipaddress.ip_network(_str(prefix), strict=False)
    return str(net[_int(hostnum)])


def _substr(text: Any, offset: Any, length: Any) -> str:
    s = _str(text)
    o, n = _int(offset), _int(length)
    return s[o:] if n == -1 else s[o : o + n]


def _trimsuffix(text: Any, suffix: Any) -> str:
    return _str(text).removesuffix(_str(suffix))


def _trimprefix(text: Any, prefix: Any) -> str:
    return _str(text).removeprefix(_str(prefix))


def _regex(pattern: Any, text: Any) -> Any:
    m = re.search(_str(pattern), _str(text))
    if m is None:
        raise FunctionError("pattern did not match")
    if m.groupdict():
        return m.groupdict()
    return list(m.groups()) if m.groups() else m.group(0)


def _one(items: Any) -> Any:
    values = _list(items)
    if len(values) > 1:
        raise FunctionError("one() of a list with more than one element")
    return values[0] if values else None


def _tostring(value: Any) -> Any:
    return None if value is None else _str(value)


def _tonumber(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return int(_str(value))
    except ValueError:
        return float(_str(value))


def _tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise FunctionError(f"cannot convert {value!r} to bool")


def _setunion(*sets: Any) -> list[Any]:
    out: list[Any] = []
    for s in sets:
        for item in _list(s):
            if item not in out:
                out.append(item)
    return out


def _base64encode(text: Any) -> str:
    return base64.b64encode(_str(text).encode()).decode()


def _base64decode(text: Any) -> str:
    return base64.b64decode(_str(text)).decode()


def _sha256(text: Any) -> str:
    return hashlib.sha256(_str(text).encode()).hexdigest()


def _file(_path: Any) -> Any:
    return Unknown("file() contents are not read")


def _templatefile(_path: Any, _vars: Any) -> Any:
    return Unknown("templatefile() is not evaluated")


def _timestamp() -> Any:
    return Unknown("timestamp() is known only at apply time")


def _s(fn: Callable[[str], str]) -> Callable[[Any], str]:
    return lambda value: fn(_str(value))


FUNCTIONS: dict[str, Function] = {
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
    "format": Function(_format),
    "formatlist": Function(lambda fmt, *lists: [_format(fmt, *row) for row in zip(*map(_list, lists), strict=False)]),
    "join": Function(_join),
    "split": Function(_split),
    "lower": Function(_s(str.lower)),
    "upper": Function(_s(str.upper)),
    "title": Function(_s(str.title)),
    "trimspace": Function(_s(str.strip)),
    "chomp": Function(_s(lambda s: s.rstrip("\r\n"))),
    "trim": Function(lambda s, chars: _str(s).strip(_str(chars))),
    "trimsuffix": Function(_trimsuffix),
    "trimprefix": Function(_trimprefix),
    "replace": Function(_replace),
    "substr": Function(_substr),
    "startswith": Function(lambda s, p: _str(s).startswith(_str(p))),
    "endswith": Function(lambda s, p: _str(s).endswith(_str(p))),
    "strcontains": Function(lambda s, p: _str(p) in _str(s)),
    "regex": Function(_regex),
    "regexall": Function(lambda p, s: [m.group(0) for m in re.finditer(_str(p), _str(s))]),
    "jsonencode": Function(_jsonencode, True),
    "jsondecode": Function(_jsondecode),
    "contains": Function(_contains),
    "distinct": Function(_distinct),
    "compact": Function(_compact),
    "slice": Function(_slice),
    "range": Function(_range),
    "reverse": Function(lambda items: list(reversed(_list(items)))),
    "sort": Function(lambda items: sorted(_str(i) for i in _list(items))),
    "index": Function(lambda items, value: _list(items).index(value)),
    "one": Function(_one),
    "min": Function(lambda *n: min(n)),
    "max": Function(lambda *n: max(n)),
    "abs": Function(abs),
    "ceil": Function(lambda n: -int(-float(n) // 1)),
    "floor": Function(lambda n: int(float(n) // 1)),
    "tostring": Function(_tostring),
    "tonumber": Function(_tonumber),
    "tobool": Function(_tobool),
    "setunion": Function(_setunion),
    "cidrsubnet": Function(_cidrsubnet),
    "cidrhost": Function(_cidrhost),
    "base64encode": Function(_base64encode),
    "base64decode": Function(_base64decode),
    "sha256": Function(_sha256),
    "md5": Function(lambda s: hashlib.md5(_str(s).encode(), usedforsecurity=False).hexdigest()),
    "file": Function(_file, True),
    "templatefile": Function(_templatefile, True),
    "timestamp": Function(_timestamp, True),
    "uuid": Function(lambda: Unknown("uuid() is known only at apply time"), True),
    "nonsensitive": Function(lambda v: v, True),
    "sensitive": Function(lambda v: v, True),
    "type": Function(lambda v: Unknown("type() is not evaluated"), True),
}
