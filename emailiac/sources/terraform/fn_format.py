"""format() and formatlist(): Terraform's printf verbs (cty's stdlib format), with widths bounded.

cty pads strings, `%v` and `%q` itself (width in grapheme clusters; the `0` flag pads with zeros, on the right
too under `-`), ignores any width on `%t`, and hands integer and float verbs to Go's math/big formatting, whose
padding rules differ: integers let `-` win over `0` and precision over `0`; floats let `0` win over `-`.
Numbers are cty's 512-bit floats, so decimal literals are rounded as Terraform rounds them (`%.1f` of 0.45
is 0.4)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.fn_base import (
    MAX_TEXT,
    BudgetExceeded,
    FunctionError,
    NotEvaluated,
    as_list,
    as_number,
    as_str,
    grapheme_clusters,
    jsonencode_text,
)

__all__ = ["format_text", "formatlist"]

_SPEC = re.compile(r"%([-+# 0]*)(?:\[(\d+)\])?(\d*)(?:\.(\d*))?(.?)")
_INT_VERBS = "dboxX"
_FLOAT_VERBS = "eEfgG"
_MANTISSA_BITS = 512  # cty parses number literals as big.Float with 512 bits of precision


def _exact(number: int | float) -> Fraction:
    """The value cty holds for a number: integers exactly, a decimal rounded to 512 bits (nearest even)."""
    if isinstance(number, int):
        return Fraction(number)
    if number.is_integer() and abs(number) < 1e21:
        return Fraction(int(number))  # exact, as Go reads a float64 result (%d of pow(2, 60))
    value = Fraction(repr(number))  # the shortest decimal naming the float: the literal as written
    if value == 0:
        return value
    magnitude = abs(value)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    scale = Fraction(2) ** (_MANTISSA_BITS - 1 - exponent)
    return Fraction(round(value * scale)) / scale  # round() on a Fraction is half to even, as big.Float


def _shortest_digits(number: int | float) -> tuple[str, int]:
    """Significant digits and decimal exponent of the shortest decimal for the number (1234.5 -> "12345", 3)."""
    _, digit_tuple, exponent = Decimal(abs(number) if isinstance(number, int) else repr(abs(number))).as_tuple()
    assert isinstance(exponent, int)  # a finite number
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    return (stripped, exponent + len(digits) - 1) if stripped else ("0", 0)


def _exponent_text(mantissa: str, exponent: int, verb: str) -> str:
    return f"{mantissa}{'E' if verb.isupper() else 'e'}{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _shortest_g(number: int | float, verb: str = "g") -> str:
    """Go's big.Float %g with no precision (also what %v prints for a number): %e form when the decimal
    exponent is below -4 or at least 6."""
    digits, exponent = _shortest_digits(number)
    sign = "-" if number < 0 else ""
    if exponent < -4 or exponent >= 6:
        return sign + _exponent_text(digits[0] + ("." + digits[1:] if len(digits) > 1 else ""), exponent, verb)
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    whole = digits[: exponent + 1].ljust(exponent + 1, "0")
    return sign + whole + ("." + digits[exponent + 1 :] if len(digits) > exponent + 1 else "")


def _fixed(value: Fraction, places: int) -> str:
    scaled = round(abs(value) * 10**places)
    text = str(scaled).rjust(places + 1, "0")
    return text[: len(text) - places] + ("." + text[len(text) - places :] if places else "")


def _scientific(value: Fraction, places: int, verb: str) -> str:
    magnitude = abs(value)
    exponent = 0
    if magnitude:
        exponent = len(str(magnitude.numerator)) - len(str(magnitude.denominator))
        exponent += -1 if Fraction(10) ** exponent > magnitude else 0
    digits = round(magnitude / Fraction(10) ** (exponent - places))
    if digits >= 10 ** (places + 1):  # rounding carried into a new digit (9.99 -> 10.0)
        exponent += 1
        digits = round(magnitude / Fraction(10) ** (exponent - places))
    text = str(digits).rjust(places + 1, "0")  # zero has as many digits as any other value
    return _exponent_text(text[0] + ("." + text[1:] if places else ""), exponent, verb)


def _general(value: Fraction, places: int, verb: str) -> str:
    """%g with a precision: that many significant digits, trailing zeros dropped, %e form for exponents
    below -4 or at least the precision."""
    places = max(places, 1)
    mantissa = _scientific(value, places - 1, verb)
    exponent = int(mantissa.split("e" if verb == "g" else "E")[1])
    if exponent < -4 or exponent >= places:
        head, _, tail = mantissa.partition("e" if verb == "g" else "E")
        head = head.rstrip("0").rstrip(".") if "." in head else head
        return f"{head}{'e' if verb == 'g' else 'E'}{tail}"
    text = _fixed(value, places - 1 - exponent)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _float_body(verb: str, precision: str | None, number: int | float) -> str:
    """The digits of a float verb without the sign (the sign is placed with the padding)."""
    if verb in "gG" and precision is None:
        return _shortest_g(abs(number), verb)
    places = int(precision or 0) if precision is not None else 6
    if places > 1000:
        raise BudgetExceeded("a format precision over 1000 exceeds emailiac's budget")
    value = _exact(number)
    if verb == "f":
        return _fixed(value, places)
    if verb in "eE":
        return _scientific(value, places, verb)
    return _general(value, places, verb)


def _integer(flags: str, width: int | None, precision: str | None, verb: str, arg: Any) -> str:
    """Go's big.Int Format: sign, `#` prefix, precision as minimum digits; width pads with spaces on the
    right under `-`, else with zeros under `0` when no precision is given, else with spaces on the left."""
    value = _exact(as_number(arg))
    if value.denominator != 1:
        raise FunctionError("an integer is required")
    n = value.numerator
    digits = {"d": str(abs(n)), "b": f"{abs(n):b}", "o": f"{abs(n):o}", "x": f"{abs(n):x}", "X": f"{abs(n):X}"}[verb]
    if precision is not None and n == 0 and int(precision or 0) == 0:
        return ""  # Go prints nothing at all, not even padding, for zero at precision 0
    sign = "-" if n < 0 else "+" if "+" in flags else " " if " " in flags else ""
    prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(verb, "") if "#" in flags else ""
    zeros = max(0, int(precision or 0) - len(digits)) if precision is not None else 0
    pad = max(0, (width or 0) - len(sign) - len(prefix) - zeros - len(digits))
    if "-" in flags:
        return sign + prefix + "0" * zeros + digits + " " * pad
    if "0" in flags and precision is None:
        return sign + prefix + "0" * (zeros + pad) + digits
    return " " * pad + sign + prefix + "0" * zeros + digits


def _float(flags: str, width: int | None, precision: str | None, verb: str, arg: Any) -> str:
    """Go's big.Float Format: the `0` flag pads with zeros after the sign even under `-`."""
    number = as_number(arg)
    body = _float_body(verb, precision, number)
    sign = "-" if number < 0 else "+" if "+" in flags else " " if " " in flags else ""
    pad = max(0, (width or 0) - len(sign) - len(body))
    if "0" in flags:
        return sign + "0" * pad + body
    if "-" in flags:
        return sign + body + " " * pad
    return " " * pad + sign + body


def _text(verb: str, flags: str, precision: str | None, arg: Any) -> str:
    """What %v, %s and %q print before padding."""
    if verb == "v":
        if "#" not in flags and isinstance(arg, str):
            return arg
        if "#" not in flags and isinstance(arg, (int, float)) and not isinstance(arg, bool):
            return _shortest_g(arg)
        return jsonencode_text(arg)
    if arg is None:
        raise FunctionError(f"unsupported value for %{verb}: null value cannot be formatted")
    if isinstance(arg, (list, dict)):
        raise FunctionError(f"unsupported value for %{verb}: string required")
    text = as_str(arg)
    if precision and int(precision) > 0:  # cty keeps that many grapheme clusters; a precision of 0 keeps all
        text = "".join(grapheme_clusters(text)[: int(precision)])
    return jsonencode_text(text) if verb == "q" else text


def _pad_text(flags: str, width: int | None, text: str) -> str:
    """cty's own padding for strings: grapheme clusters counted, zeros under `0`, on the right under `-`."""
    missing = (width or 0) - len(grapheme_clusters(text))
    if missing <= 0:
        return text
    pads = ("0" if "0" in flags else " ") * missing
    return text + pads if "-" in flags else pads + text


def _piece(verb: str, flags: str, width: int | None, precision: str | None, arg: Any) -> str:
    if verb == "t":
        if not isinstance(arg, bool) and arg not in ("true", "false"):
            raise FunctionError("%t needs a bool")
        return "true" if arg in (True, "true") else "false"  # cty ignores any width on %t
    if verb in _INT_VERBS:
        return _integer(flags, width, precision, verb, arg)
    if verb in _FLOAT_VERBS:
        return _float(flags, width, precision, verb, arg)
    return _pad_text(flags, width, _text(verb, flags, precision, arg))


def format_text(fmt: Any, *args: Any) -> str:
    text = as_str(fmt)
    out: list[str] = []
    i = 0
    argi = 0
    highest = 0
    while i < len(text):
        if text[i] != "%":
            j = text.find("%", i)
            j = len(text) if j < 0 else j
            out.append(text[i:j])
            i = j
            continue
        if text.startswith("%%", i):
            out.append("%")
            i += 2
            continue
        m = _SPEC.match(text, i)
        assert m is not None  # every group of the pattern may be empty
        flags, index, width_text, precision, verb = m.groups()
        if not verb or verb not in "vtsq" + _INT_VERBS + _FLOAT_VERBS:
            shown = f"{verb!r}" if verb else "end of string"
            raise FunctionError(f"unrecognized format character {shown} at offset {m.end() - 1}")
        i = m.end()
        if index:
            argi = int(index) - 1
        if argi >= len(args):
            raise FunctionError("not enough arguments for format")
        arg = args[argi]
        argi += 1
        highest = max(highest, argi)
        if isinstance(arg, Unknown):
            raise NotEvaluated(arg.reason)
        if verb != "v" and arg is None:
            raise FunctionError(f"unsupported value for %{verb}: null value cannot be formatted")
        width = int(width_text) if width_text else None
        if width is not None and width > MAX_TEXT:
            raise BudgetExceeded(f"a format width of {width} exceeds emailiac's budget")
        out.append(_piece(verb, flags, width, precision, arg))
    if highest < len(args):
        raise FunctionError(f"too many arguments; only {highest} used by format string")
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
