"""What a reporter may be told besides the Result: the tool version, what to show, where paths start."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from emailiac import __version__

if TYPE_CHECKING:
    # Only the type: importing the rule registry here would tie every reporter to every rule module.
    from emailiac.rules.base import Rule

__all__ = ["ReportOptions", "rules_by_id"]


def rules_by_id(rules: Iterable[Rule]) -> Mapping[str, Rule]:
    """A read-only rule lookup in the given (catalogue) order."""
    return MappingProxyType({rule.id: rule for rule in rules})


@dataclass(frozen=True)
class ReportOptions:
    tool_version: str = __version__
    color: bool = False
    show_passes: bool = False
    show_not_assessed: bool = False
    # Absence rules on a Terraform tree that does not speak for the whole account: listed only when asked.
    show_out_of_scope: bool = False
    # File paths are shown relative to this directory when they lie inside it.
    base_dir: Path | None = None
    # Absolute paths outside base_dir are shown with this prefix as `~`, so reports do not carry user names.
    home_dir: Path | None = None
    # Rule metadata (title, severity, summary, controls, fix title...) by rule ID, in catalogue order.
    # Passed in rather than imported so reporters stay pure and can be tested with made-up rules.
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    width: int = 100  # text report line width

    def rule(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)
