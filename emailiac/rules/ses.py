"""Rules of the ses family."""

from __future__ import annotations

from emailiac.rules.base import Rule

RULES: tuple[Rule, ...] = ()
