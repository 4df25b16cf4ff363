"""What a rule is: frozen metadata beside one pure check function.

A check reads facts and the baseline and yields `Verdict`s; it never does I/O and never knows its own ID:
the engine stamps the rule's ID and severity on each verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emailiac.model import Inventory, Provenance, Unknown
from emailiac.result import Severity, Status

if TYPE_CHECKING:
    from emailiac.baseline import Baseline

__all__ = [
    "FIX_APPLICABILITY",
    "RULE_ID",
    "Check",
    "Rule",
    "Verdict",
    "fail",
    "not_assessed",
    "out_of_scope",
    "passed",
    "unknown_reason",
]

RULE_ID = re.compile(r"^[A-Z]{3,6}\d{3}$")
SOURCES = ("terraform", "aws", "m365", "dns")
# safe: applied by `fix --write`; unsafe: changes which mail is accepted, applied only when asked;
# display-only: advice that cannot be applied to code; none: no fix.
FIX_APPLICABILITY = ("safe", "unsafe", "display-only", "none")


@dataclass(frozen=True)
class Verdict:
    status: Status
    subject: Provenance
    message: str
    evidence: str = ""
    fix_hint: str = ""
    severity: Severity | None = None  # None: the rule's own
    out_of_scope: bool = False
    data: dict[str, Any] = field(default_factory=dict)


def fail(
    subject: Provenance,
    message: str,
    *,
    evidence: str = "",
    fix_hint: str = "",
    severity: Severity | None = None,
    **data: Any,
) -> Verdict:
    return Verdict(Status.FAIL, subject, message, evidence, fix_hint, severity, data=data)


def passed(subject: Provenance, message: str, *, evidence: str = "") -> Verdict:
    return Verdict(Status.PASS, subject, message, evidence)


def not_assessed(subject: Provenance, reason: str, *, evidence: str = "") -> Verdict:
    return Verdict(Status.NOT_ASSESSED, subject, reason, evidence)


def out_of_scope(subject: Provenance, reason: str) -> Verdict:
    return Verdict(Status.NOT_ASSESSED, subject, reason, out_of_scope=True)


def unknown_reason(*values: object) -> str | None:
    """The reason of the first unresolved value among `values` (searching inside containers), or None."""
    for value in values:
        if isinstance(value, Unknown):
            return value.reason
        if isinstance(value, (list, tuple)):
            inner = unknown_reason(*value)
            if inner:
                return inner
    return None


Check = Callable[[Inventory, "Baseline"], Iterable[Verdict]]


@dataclass(frozen=True)
class Rule:
    """A rule: metadata (what `explain`, docs and reports show) and its check."""

    id: str
    slug: str  # kebab-case name, e.g. ses-configuration-set-tls
    title: str  # static, says what is wrong: "SES configuration set does not require TLS"
    severity: Severity
    family: str  # spf, dmarc, dkim, mtasts, ses, tls, network, identity, passwords, logging
    sources: tuple[str, ...]  # subset of SOURCES
    summary: str  # What it does
    rationale: str  # Why is this bad?
    bad_example: str  # HCL that fails
    good_example: str  # HCL that passes
    check: Check
    controls: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    fix: str = "none"  # one of FIX_APPLICABILITY
    fix_title: str = ""  # imperative: "Require TLS on the configuration set"
    # A pass says that its subject exists (a record is published, a policy is in force), so a subject that
    # may not be created (a count or for_each that is not known) leaves the rule not assessed.
    presence: bool = False

    def run(self, inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
        yield from self.check(inventory, baseline)
