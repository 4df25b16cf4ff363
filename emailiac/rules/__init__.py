"""The rule registry: one explicit tuple of every rule, in catalogue order."""

from __future__ import annotations

from emailiac.rules import (
    dkim,
    dmarc,
    firewall_descriptions,
    identity,
    logging,
    mtasts,
    mxtls,
    network,
    passwords,
    ses,
    spf,
    spf_limits,
    threat_detection,
    tls,
    tlsrpt,
)
from emailiac.rules.base import Rule

__all__ = ["ALL_RULES", "Rule", "rule_by_id"]

ALL_RULES: tuple[Rule, ...] = (
    *spf.RULES,
    *spf_limits.RULES,
    *dmarc.RULES,
    *dkim.RULES,
    *mtasts.RULES,
    *tlsrpt.RULES,
    *ses.RULES,
    *tls.RULES,
    *mxtls.RULES,
    network.NET001,
    network.NET002,
    network.NET003,
    *firewall_descriptions.RULES,  # NET004
    network.NET005,
    *threat_detection.RULES,
    *identity.RULES,
    *passwords.RULES,
    *logging.RULES,
)

_BY_ID = {rule.id: rule for rule in ALL_RULES}


def rule_by_id(rule_id: str) -> Rule | None:
    return _BY_ID.get(rule_id.upper())
