"""Keep sensitive values out of every message a run reports, and out of every fix it writes.

A value is sensitive when Terraform would mark it so: a `sensitive` variable or output, or anything computed
from one (the evaluator marks those, see emailiac.sensitive). Rules quote parts of records (a DKIM `p=`
value, a domain inside an SPF record, one `rua` address), so besides each whole value, the parts of it that
identify something (tokens with a dot, `@`, `/`, `+` or a digit, or long ones) are masked wherever they
appear, in any letter case, and so is any run of 16 characters out of a long token (a key cut short).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from emailiac.result import Evaluation, Result

__all__ = ["MASK", "Redactor", "redact_result"]

MASK = "(sensitive)"
# Shorter values ("true", "eu") are too common to mask without garbling unrelated text.
_MIN_LENGTH = 5
_TOKEN_MIN = 8
_LONG_TOKEN = 24
_FRAGMENT = 16
_SPLIT = re.compile(r"[\s;,=:\"'<>()\[\]{}|]+")


def _tokens(secret: str) -> list[str]:
    return [
        t
        for t in _SPLIT.split(secret)
        if len(t) >= _TOKEN_MIN and (len(t) >= 16 or any(c in t for c in ".@/+0123456789"))
    ]


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        values = {s for s in secrets if len(s) >= _MIN_LENGTH}
        values |= {t for s in values for t in _tokens(s)}
        ordered = sorted(values, key=len, reverse=True)
        self._whole = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE) if ordered else None
        self._long = "\0".join(v.lower() for v in ordered if len(v) >= _LONG_TOKEN)

    def __bool__(self) -> bool:
        return self._whole is not None

    def reveals(self, text: str) -> bool:
        return bool(self) and self(text) != text

    def __call__(self, text: str) -> str:
        if self._whole is None or not text:
            return text
        text = self._whole.sub(MASK, text)
        if not self._long:
            return text
        out: list[str] = []
        lower = text.lower()
        i = 0
        while i < len(text):
            end = i + _FRAGMENT
            if end <= len(text) and lower[i:end] in self._long:
                while end < len(text) and lower[i : end + 1] in self._long:
                    end += 1
                out.append(MASK)
                i = end
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def _clean(ev: Evaluation, redact: Redactor) -> Evaluation:
    return dataclasses.replace(
        ev,
        message=redact(ev.message),
        evidence=redact(ev.evidence),
        fix_hint=redact(ev.fix_hint),
    )


def redact_result(result: Result, secrets: Iterable[str]) -> None:
    """Replace every sensitive value in messages, evidence, fix hints and warnings with `(sensitive)`."""
    redact = Redactor(secrets)
    if not redact:
        return
    result.findings = [dataclasses.replace(f, evaluation=_clean(f.evaluation, redact)) for f in result.findings]
    result.passes = [_clean(e, redact) for e in result.passes]
    result.not_assessed = [_clean(e, redact) for e in result.not_assessed]
    result.warnings = [redact(w) for w in result.warnings]
    result.errors = [dataclasses.replace(e, message=redact(e.message)) for e in result.errors]
