"""Evaluations, findings and the result of a run: what reporters, fixes and drift read."""

from __future__ import annotations

import enum
import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import Provenance

__all__ = [
    "Evaluation",
    "Finding",
    "InputError",
    "Result",
    "Severity",
    "Status",
    "Suppression",
    "exit_code_for",
]


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


class Status(enum.StrEnum):
    FAIL = "fail"
    PASS = "pass"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class Evaluation:
    """One rule's verdict on one subject."""

    rule_id: str
    status: Status
    subject: Provenance
    message: str  # for not_assessed: the reason
    severity: Severity  # the rule's severity, or the escalation a case calls for (SPF +all)
    evidence: str = ""  # normalised observed value; part of the fingerprint, so it must not hold line numbers
    fix_hint: str = ""  # one imperative line ("Set tls_policy = \"REQUIRE\"")
    # not_assessed only because the input does not speak for the whole account/zone (absence rules on a
    # Terraform tree that is not authoritative): reported, but not an incomplete run.
    out_of_scope: bool = False
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # for fixes

    @functools.cached_property  # asked per finding by planning, payloads and every report
    def fingerprint(self) -> str:
        parts = (self.rule_id, self.subject.source, self.subject.address, self.evidence)
        # A run over several roots tells their subjects apart; a single root keeps the plain fingerprint.
        text = "\x1f".join(parts if self.subject.root is None else (*parts, self.subject.root))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.subject.file or "", self.subject.line or 0, self.rule_id, self.subject.address, self.message)


@dataclass(frozen=True)
class Suppression:
    """An inline `emailiac:ignore[...]` comment."""

    file: str
    line: int  # line of the comment
    first_line: int  # span of lines it covers
    last_line: int
    rule_ids: tuple[str, ...]
    reason: str
    until: str | None = None  # ISO date after which it no longer applies


@dataclass(frozen=True)
class Finding:
    """A failing evaluation with the rule's metadata attached."""

    evaluation: Evaluation
    title: str
    controls: tuple[str, ...]
    suppressed_by: Suppression | None = None

    @property
    def rule_id(self) -> str:
        return self.evaluation.rule_id

    @property
    def severity(self) -> Severity:
        return self.evaluation.severity


@dataclass(frozen=True)
class InputError:
    """Input that could not be read: a file that does not parse, a bad value."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Result:
    baseline: str
    findings: list[Finding] = field(default_factory=list)  # suppressed ones included, flagged
    passes: list[Evaluation] = field(default_factory=list)
    not_assessed: list[Evaluation] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rules_run: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is None]

    def counts(self) -> dict[str, int]:
        counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for f in self.active_findings:
            counts[f.severity.label] += 1
        return counts

    @property
    def incomplete(self) -> bool:
        """Something in scope could not be assessed."""
        return any(not e.out_of_scope for e in self.not_assessed)

    @property
    def worst(self) -> Severity | None:
        """The highest severity among active findings."""
        return max((f.severity for f in self.active_findings), default=None)

    def exit_code(self, fail_on: Severity, allow_partial: bool = False) -> int:
        return exit_code_for(bool(self.errors), self.incomplete, self.worst, fail_on, allow_partial)


def exit_code_for(
    errors: bool, incomplete: bool, worst: Severity | None, fail_on: Severity, allow_partial: bool = False
) -> int:
    """2 for input errors or (unless allowed) anything left unassessed, 1 for a finding at `fail_on` or above."""
    if errors or (incomplete and not allow_partial):
        return 2
    return 1 if worst is not None and worst >= fail_on else 0
