"""format() and formatlist(): Terraform's printf verbs (cty's stdlib format), with widths bounded."""

from __future__ import annotations

import json
import re
from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.fn_base import (
    MAX_TEXT,
    BudgetExceeded,
    FunctionError,
    NotEvaluated,
    as_int,
    as_list,
    as_number,
    as_str,
)

__all__ = ["format_text", "formatlist"]

_SPEC = re.compile(r"%([-+# 0]*)(?:\[(\d+)\])?(\d*)(?:\.(\d*))?([a-zA-Z%])")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _number_text(value: Any) -> str:
    number = as_number(value)
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def _verb(verb: str, flags: str, precision: str | None, arg: Any) -> str:
    if verb == "v":
        if "#" in flags:
            return _json(arg)
        if isinstance(arg, (list, dict)):
            return _json(arg)
        if isinstance(arg, (int, float)) and not isinstance(arg, bool):
            return _number_text(arg)
        return as_str(arg)
    if verb == "s":
        text = as_str(arg)
        return text[: int(precision)] if precision else text
    if verb == "q":
        return _json(as_str(arg))
    if verb == "t":
        if not isinstance(arg, bool) and arg not in ("true", "false"):
            raise FunctionError("%t needs a bool")
        return "true" if arg in (True, "true") else "false"
    if verb in "dboxX":
        n = as_int(arg)
        body = {"d": str(abs(n)), "b": f"{abs(n):b}", "o": f"{abs(n):o}", "x": f"{abs(n):x}", "X": f"{abs(n):X}"}[verb]
        sign = "-" if n < 0 else "+" if "+" in flags else " " if " " in flags else ""
        return sign + body
    if verb in "eEfFgG":
        x = float(as_number(arg))
        digits = int(precision) if precision not in (None, "") else (None if verb in "gG" else 6)
        if digits is not None and digits > 1000:
            raise BudgetExceeded("a format precision over 1000 exceeds emailiac's budget")
        spec = ("+" if "+" in flags else " " if " " in flags else "") + (f".{digits}" if digits is not None else "")
        if verb in "gG" and digits is None:
            text = repr(x) if not x.is_integer() else str(int(x))
            return (
                ("+" + text if "+" in flags and x >= 0 else text) if abs(x) < 1e21 else format(x, spec + verb.lower())
            )
        return format(x, spec + verb)
    raise FunctionError(f"unsupported format verb %{verb}")


def format_text(fmt: Any, *args: Any) -> str:
    text = as_str(fmt)
    out: list[str] = []
    i = 0
    argi = 0
    while i < len(text):
        if text[i] != "%":
            j = text.find("%", i)
            j = len(text) if j < 0 else j
            out.append(text[i:j])
            i = j
            continue
        m = _SPEC.match(text, i)
        if m is None:
            raise FunctionError(f"invalid format verb at offset {i}")
        flags, index, width, precision, verb = m.groups()
        i = m.end()
        if verb == "%":
            out.append("%")
            continue
        if index:
            argi = int(index) - 1
        if argi >= len(args):
            raise FunctionError("not enough arguments for format")
        arg = args[argi]
        argi += 1
        if isinstance(arg, Unknown):
            raise NotEvaluated(arg.reason)
        piece = _verb(verb, flags, precision, arg)
        if width:
            w = int(width)
            if w > MAX_TEXT:
                raise BudgetExceeded(f"a format width of {w} exceeds emailiac's budget")
            if "-" in flags:
                piece = piece.ljust(w)
            elif "0" in flags and verb not in "sqvt":
                sign = piece[0] if piece[:1] in "+- " else ""
                piece = sign + piece[len(sign) :].rjust(w - len(sign), "0")
            else:
                piece = piece.rjust(w)
        out.append(piece)
    if argi < len(args) and not any(m.group(2) for m in _SPEC.finditer(text)):
        raise FunctionError(f"too many arguments; only {argi} used by format string")
    return "".join(out)


def formatlist(fmt: Any, *args: Any) -> list[str]:
    lists = [a for a in args if isinstance(a, list)]
    if not lists:
        return [format_text(fmt, *args)]
    length = len(lists[0])
    if any(len(a) != length for a in lists):
        raise FunctionError("formatlist() lists must all have the same length")
    rows = [[a[n] if isinstance(a, list) else a for a in args] for n in range(length)]
    return [format_text(fmt, *row) for row in rows] if as_list(lists[0]) is not None else []
