"""Keep the values of sensitive variables out of every message a run reports."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from emailiac.result import Evaluation, Result

__all__ = ["redact_result"]

MASK = "(sensitive)"
# Shorter values ("true", "eu") are too common to mask without garbling unrelated text.
_MIN_LENGTH = 5


def _pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    values = sorted({s for s in secrets if len(s) >= _MIN_LENGTH}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, values))) if values else None


def _clean(ev: Evaluation, pattern: re.Pattern[str]) -> Evaluation:
    return dataclasses.replace(
        ev,
        message=pattern.sub(MASK, ev.message),
        evidence=pattern.sub(MASK, ev.evidence),
        fix_hint=pattern.sub(MASK, ev.fix_hint),
    )


def redact_result(result: Result, secrets: Iterable[str]) -> None:
    """Replace every sensitive value in messages, evidence, fix hints and warnings with `(sensitive)`."""
    pattern = _pattern(secrets)
    if pattern is None:
        return
    result.findings = [dataclasses.replace(f, evaluation=_clean(f.evaluation, pattern)) for f in result.findings]
    result.passes = [_clean(e, pattern) for e in result.passes]
    result.not_assessed = [_clean(e, pattern) for e in result.not_assessed]
    result.warnings = [pattern.sub(MASK, w) for w in result.warnings]
    result.errors = [dataclasses.replace(e, message=pattern.sub(MASK, e.message)) for e in result.errors]
