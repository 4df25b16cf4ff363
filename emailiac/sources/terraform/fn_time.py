"""Time functions: the clock is known only at apply time; arithmetic on given timestamps is exact."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from emailiac.sources.terraform.fn_base import Function, FunctionError, NotEvaluated, as_str

__all__ = ["TIME_FUNCTIONS"]

_DURATION = re.compile(r"([-+]?\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _timestamp(text: Any) -> datetime:
    value = as_str(text)
    try:
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[-+]\d\d:\d\d)", value):
            raise ValueError
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FunctionError(f"{value!r} is not a valid RFC 3339 timestamp") from None


def _rfc3339(moment: datetime) -> str:
    text = moment.isoformat()
    if "." in text:
        head, _, rest = text.partition(".")
        frac, zone = rest[:6].rstrip("0"), rest[6:]
        text = f"{head}.{frac}{zone}" if frac else f"{head}{zone}"
    return text.replace("+00:00", "Z")


def _timeadd(ts: Any, duration: Any) -> str:
    text = as_str(duration)
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    parts = _DURATION.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        raise FunctionError(f"invalid duration {text!r}")
    seconds = sign * sum(float(n) * _UNITS[u] for n, u in parts)
    return _rfc3339(_timestamp(ts) + timedelta(seconds=seconds))


def _timecmp(a: Any, b: Any) -> int:
    x, y = _timestamp(a), _timestamp(b)
    return (x > y) - (x < y)


def _clock(*_args: Any) -> Any:
    raise NotEvaluated("the time is known only when Terraform runs")


def _zone(moment: datetime, colon: bool) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}" if colon else f"{sign}{hours:02d}{mins:02d}"


def _verb(token: str, m: datetime) -> str:
    utc = not (m.utcoffset() or timedelta(0))
    hour12 = m.hour % 12 or 12
    table = {
        "YYYY": f"{m.year:04d}",
        "YY": f"{m.year % 100:02d}",
        "MMMM": m.strftime("%B"),
        "MMM": m.strftime("%b"),
        "MM": f"{m.month:02d}",
        "M": str(m.month),
        "DD": f"{m.day:02d}",
        "D": str(m.day),
        "EEEE": m.strftime("%A"),
        "EEE": m.strftime("%a"),
        "hh": f"{m.hour:02d}",
        "h": str(m.hour),
        "HH": f"{hour12:02d}",
        "H": str(hour12),
        "AA": "AM" if m.hour < 12 else "PM",
        "aa": "am" if m.hour < 12 else "pm",
        "mm": f"{m.minute:02d}",
        "m": str(m.minute),
        "ss": f"{m.second:02d}",
        "s": str(m.second),
        "ZZZZZ": _zone(m, True),
        "ZZZZ": _zone(m, False),
        "ZZZ": "UTC" if utc else _zone(m, False),
        "Z": "Z" if utc else _zone(m, True),
    }
    if token not in table:
        raise FunctionError(f"invalid date format verb {token!r}")
    return table[token]


def _formatdate(spec: Any, ts: Any) -> str:
    moment = _timestamp(ts)
    text = as_str(spec)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            end = i + 1
            literal: list[str] = []
            while True:
                if end >= len(text):
                    raise FunctionError("unterminated literal in date format")
                if text[end] == "'":
                    if text[end + 1 : end + 2] == "'":
                        literal.append("'")
                        end += 2
                        continue
                    break
                literal.append(text[end])
                end += 1
            out.append("".join(literal) if literal or end > i + 1 else "'")
            i = end + 1
        elif ch.isalpha():
            end = i
            while end < len(text) and text[end] == ch:
                end += 1
            out.append(_verb(text[i:end], moment))
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


TIME_FUNCTIONS: dict[str, Function] = {
    "timestamp": Function(_clock),
    "plantimestamp": Function(_clock),
    "timeadd": Function(_timeadd),
    "timecmp": Function(_timecmp),
    "formatdate": Function(_formatdate),
}
