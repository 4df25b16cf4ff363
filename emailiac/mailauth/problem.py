"""The problem item every mail-authentication parser reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a record.

    ``code`` is a short stable identifier, ``position`` the character offset in the
    record text (None when the problem concerns the record as a whole). ``severity``
    says whether receivers reject or ignore the record ("error") or the record still
    works but is risky, deprecated or partly ignored ("warning").
    """

    code: str
    message: str
    position: int | None = None
    severity: Severity = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def has_errors(problems: tuple[Problem, ...]) -> bool:
    return any(p.severity == ERROR for p in problems)


def codes(problems: tuple[Problem, ...]) -> tuple[str, ...]:
    """The problem codes in report order (handy for tests and rule code)."""
    return tuple(p.code for p in problems)


def multiple_records_problem(kind: str, records: list[str], consequence: str) -> tuple[Problem, ...]:
    """The "multiple" problem when a name publishes more than one record of a kind."""
    if len(records) <= 1:
        return ()
    return (
        Problem(
            "multiple",
            f"{len(records)} {kind} records are published at one name; {consequence}",
        ),
    )


def sorted_problems(problems: list[Problem]) -> tuple[Problem, ...]:
    """Positioned problems in record order, then record-level ones."""
    return tuple(sorted(problems, key=lambda p: (p.position is None, p.position or 0)))


def excerpt(text: str, limit: int = 60) -> str:
    """Shorten a term for a message; keys and long URIs would drown the point."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
