"""IAM policy documents: which statements let a principal send mail through SES from any identity.

Actions are matched the way IAM matches them: `*` and `?` wildcards, case-insensitive, against the SES
sending actions. `NotAction` grants every action it does not list and `NotResource` every resource it does
not list, so both count as broad. A statement with a `Condition` is taken as scoped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from emailiac.model import Unknown

__all__ = ["SEND_ACTIONS", "SendGrant", "SendScan", "action_matches", "broad_send_grants"]

SEND_ACTIONS = (
    "ses:SendEmail",
    "ses:SendRawEmail",
    "ses:SendTemplatedEmail",
    "ses:SendBulkTemplatedEmail",
    "ses:SendBulkEmail",
)


@dataclass(frozen=True)
class SendGrant:
    """One statement that allows sending on every resource without a condition."""

    statement: str  # Sid, or "statement 2"
    actions: tuple[str, ...]  # the patterns (or "NotAction [...]") that grant sending


@dataclass
class SendScan:
    grants: list[SendGrant] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)  # statements that could grant it but are not known


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)
    return re.compile(body, re.IGNORECASE | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    return _pattern(pattern).fullmatch(action) is not None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _may_be_star(value: Any) -> bool | Unknown:
    """Whether a Resource entry is (or could be) `*`. A reference to a resource's ARN never is."""
    if isinstance(value, Unknown):
        if value.pattern is not None and value.pattern.strip("*") != "":
            return False
        if value.refs and all(r.endswith(".arn") and not r.startswith(("var.", "local.")) for r in value.refs):
            return False
        return value
    return isinstance(value, str) and value.strip() == "*"


def _any(values: Iterable[bool | Unknown]) -> bool | Unknown:
    unknown: Unknown | None = None
    for v in values:
        if v is True:
            return True
        if isinstance(v, Unknown) and unknown is None:
            unknown = v
    return unknown if unknown is not None else False


def _grants_send(statement: Mapping[str, Any]) -> tuple[bool | Unknown, tuple[str, ...]]:
    if "NotAction" in statement:
        listed = _as_list(statement["NotAction"])
        known = [p for p in listed if isinstance(p, str)]
        unknown = next((p for p in listed if isinstance(p, Unknown)), None)
        if isinstance(statement["NotAction"], Unknown):
            return statement["NotAction"], ()
        open_actions = [a for a in SEND_ACTIONS if not any(action_matches(p, a) for p in known)]
        if not open_actions:
            return False, ()
        if unknown is not None:
            return unknown, ()
        return True, (f"NotAction [{', '.join(known)}]",)
    raw = statement.get("Action")
    if isinstance(raw, Unknown):
        return raw, ()
    listed = _as_list(raw)
    matching = tuple(p for p in listed if isinstance(p, str) and any(action_matches(p, a) for a in SEND_ACTIONS))
    if matching:
        return True, matching
    unknown = next((p for p in listed if isinstance(p, Unknown)), None)
    return (unknown if unknown is not None else False), ()


def _on_every_resource(statement: Mapping[str, Any]) -> bool | Unknown:
    if "NotResource" in statement:
        return True
    raw = statement.get("Resource")
    if isinstance(raw, Unknown):
        return _may_be_star(raw)
    return _any(_may_be_star(r) for r in _as_list(raw))


def _unconditional(statement: Mapping[str, Any]) -> bool | Unknown:
    condition = statement.get("Condition")
    if isinstance(condition, Unknown):
        return condition
    return not condition


def _statements(document: Mapping[str, Any]) -> list[Any]:
    raw = document.get("Statement")
    if raw is None:
        return []
    return _as_list(raw)


def broad_send_grants(document: Mapping[str, Any] | Unknown) -> SendScan:
    """Statements allowing SES sending on `*` without a condition; unknowns that might."""
    scan = SendScan()
    if isinstance(document, Unknown):
        scan.unknowns.append(document.reason)
        return scan
    statements = document.get("Statement")
    if isinstance(statements, Unknown):
        scan.unknowns.append(statements.reason)
        return scan
    for index, statement in enumerate(_statements(document), start=1):
        if isinstance(statement, Unknown):
            scan.unknowns.append(statement.reason)
            continue
        if not isinstance(statement, Mapping):
            continue
        sid = statement.get("Sid")
        label = f"statement '{sid}'" if isinstance(sid, str) and sid else f"statement {index}"
        effect = statement.get("Effect")
        allow: bool | Unknown = effect if isinstance(effect, Unknown) else str(effect).lower() == "allow"
        sends, actions = _grants_send(statement)
        checks = (allow, sends, _on_every_resource(statement), _unconditional(statement))
        if any(c is False for c in checks):
            continue
        unknown = next((c for c in checks if isinstance(c, Unknown)), None)
        if unknown is not None:
            scan.unknowns.append(f"{label}: {unknown.reason}")
        else:
            scan.grants.append(SendGrant(label, actions))
    return scan
