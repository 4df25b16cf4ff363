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


def _formatdate(_spec: Any, ts: Any) -> Any:
    _timestamp(ts)
    raise NotEvaluated("formatdate() is not evaluated")


TIME_FUNCTIONS: dict[str, Function] = {
    "timestamp": Function(_clock),
    "plantimestamp": Function(_clock),
    "timeadd": Function(_timeadd),
    "timecmp": Function(_timecmp),
    "formatdate": Function(_formatdate),
}
