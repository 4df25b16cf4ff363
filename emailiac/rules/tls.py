"""Rules of the tls family."""

from __future__ import annotations

from emailiac.rules.base import Rule

RULES: tuple[Rule, ...] = ()
