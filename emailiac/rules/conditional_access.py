"""What a conditional access policy enforces, judged the way CISA SCuBA judges it (MS.AAD.1 and 3).

A policy counts when it is enabled, covers the users in question and all applications, excludes no one but
the baseline's break-glass accounts (and no roles), and grants access only through the required control.
A policy narrowed by locations, platforms, risk levels or device filters does not count either (each of
those conditions leaves sign-ins the policy never sees; SCuBA's own text says all users): only a baseline that
sets `identity.strict_scope: false` accepts them.

Every judgement lists what is wrong with the policy (known problems decide: one is enough to disqualify)
and what could not be read (unknowns make the outcome unknown only when nothing known disqualifies it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from emailiac.baseline import Baseline
from emailiac.model import ConditionalAccessPolicy, Unknown
from emailiac.rules.directory_roles import role_label
from emailiac.rules.strengths import Strength, strength_of

__all__ = [
    "Grant",
    "Judgement",
    "break_glass_listed",
    "covers_role",
    "is_object_id",
    "judge_all_users",
    "judge_exclusions",
    "judge_state",
    "policy_label",
]

Grant = Literal["mfa", "phishing_resistant", "block"]

ENABLED = "enabled"
REPORT_ONLY = "enabledForReportingButNotEnforced"
_LEGACY_CLIENTS = ("exchangeactivesync", "other")
_GUESTS = "GuestsOrExternalUsers"
_KEYWORDS = frozenset({"all", "none", _GUESTS.lower()})
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass
class Judgement:
    """Problems (each disqualifies) and unknowns (each leaves the outcome open) found in one policy."""

    problems: list[str] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)

    def unknown(self, value: Unknown) -> None:
        if value.reason not in self.unknowns:
            self.unknowns.append(value.reason)

    def extend(self, other: Judgement) -> None:
        self.problems.extend(p for p in other.problems if p not in self.problems)
        for reason in other.unknowns:
            if reason not in self.unknowns:
                self.unknowns.append(reason)

    @property
    def outcome(self) -> bool | Unknown:
        if self.problems:
            return False
        if self.unknowns:
            return Unknown(self.unknowns[0])
        return True


def policy_label(policy: ConditionalAccessPolicy) -> str:
    name = policy.display_name
    return f"'{name}'" if isinstance(name, str) else policy.prov.address


def _items(value: tuple[str, ...] | Unknown, j: Judgement) -> tuple[str, ...] | None:
    if isinstance(value, Unknown):
        j.unknown(value)
        return None
    return value


def _known_members(value: tuple[str | Unknown, ...] | Unknown, j: Judgement) -> list[str]:
    """The known members of a list; each unknown member (or the whole list) is noted in `j`."""
    if isinstance(value, Unknown):
        j.unknown(value)
        return []
    for member in value:
        if isinstance(member, Unknown):
            j.unknown(member)
    return [m for m in value if isinstance(m, str)]


def _shown(name: str) -> str:
    """A directory object as messages show it: IDs and UPNs bare, display names quoted."""
    return f"'{name}'" if " " in name else name


def _listed(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def _has(values: Sequence[str], wanted: str) -> bool:
    return any(v.lower() == wanted.lower() for v in values)


def judge_state(policy: ConditionalAccessPolicy) -> Judgement:
    j = Judgement()
    state = policy.state
    if isinstance(state, Unknown):
        j.unknown(state)
    elif state == REPORT_ONLY:
        j.problems.append("is report-only")
    elif state != ENABLED:
        j.problems.append(f"is {state}")
    return j


def is_object_id(name: str) -> bool:
    return _OBJECT_ID.fullmatch(name) is not None


def break_glass_listed(member: str, allowed: Sequence[str]) -> bool | None:
    """Whether an excluded account is on a break-glass list of object IDs and names (UPNs, display names):
    True or False when that can be told, None when the member is written in a form (object ID or name) that
    the list does not use throughout, so the account may be a listed one under its other name."""
    if any(member.lower() == a.lower() for a in allowed):
        return True
    if member.lower() in _KEYWORDS or all(is_object_id(a) == is_object_id(member) for a in allowed):
        return False
    return None


def _judge_members(j: Judgement, kind: str, members: Sequence[str], allowed: Sequence[str]) -> None:
    setting = f"identity.break_glass_{kind}s"
    for member in members:
        listed = break_glass_listed(member, allowed)
        if listed is None:
            form = "an object ID" if is_object_id(member) else "a name"
            j.unknowns.append(
                f"excluded {kind} {_shown(member)} is {form}, and the break-glass list ({setting}) names its "
                f"accounts otherwise: they cannot be compared"
            )
        elif not listed and not allowed:
            j.problems.append(f"excludes {kind} {_shown(member)} while the baseline lists no break-glass {kind}s")
        elif not listed:
            j.problems.append(f"excludes {kind} {_shown(member)} which is not on the break-glass list")


def _note_unknown_members(j: Judgement, kind: str, value: tuple[str | Unknown, ...] | Unknown) -> None:
    members = (value,) if isinstance(value, Unknown) else value
    for member in members:
        if isinstance(member, Unknown):
            reason = f"an excluded {kind} cannot be compared with the break-glass list: {member.reason}"
            if reason not in j.unknowns:
                j.unknowns.append(reason)


def judge_exclusions(policy: ConditionalAccessPolicy, baseline: Baseline, *, roles: bool = True) -> Judgement:
    """Exclusions beyond the break-glass users and groups (and, with `roles`, any excluded role). An excluded
    account known only after apply cannot be compared with the lists: it leaves the outcome open."""
    j = Judgement()
    users = _known_members(policy.exclude_users, Judgement())
    _note_unknown_members(j, "user", policy.exclude_users)
    _judge_members(j, "user", users, baseline.identity.break_glass_users)
    groups = _known_members(policy.exclude_groups, Judgement())
    _note_unknown_members(j, "group", policy.exclude_groups)
    _judge_members(j, "group", groups, baseline.identity.break_glass_groups)
    guests = policy.exclude_guests
    if isinstance(guests, Unknown):
        j.unknown(guests)
    elif guests and not _has(users, _GUESTS):
        j.problems.append("excludes guests and external users")
    if roles:
        for role in _items(policy.exclude_roles, j) or ():
            j.problems.append(f"excludes role {role_label(role)}")
    return j


def _judge_apps(policy: ConditionalAccessPolicy) -> Judgement:
    j = Judgement()
    apps = _items(policy.include_apps, j)
    if apps is not None and not _has(apps, "All"):
        covered = f"covers only {_count(len(apps), 'application')}" if apps else "covers no applications"
        j.problems.append(covered)
    excluded = _items(policy.exclude_apps, j)
    if excluded:
        j.problems.append(f"excludes {_count(len(excluded), 'application')}")
    return j


def _judge_clients(policy: ConditionalAccessPolicy, grant: Grant) -> Judgement:
    j = Judgement()
    types = _items(policy.client_app_types, j)
    if types is None:
        return j
    lowered = {t.lower() for t in types}
    if grant == "block":
        missing = [t for t in ("exchangeActiveSync", "other") if t.lower() not in lowered]
        if "all" not in lowered and missing:
            j.problems.append(f"does not cover client app types {', '.join(missing)}")
    elif lowered and "all" not in lowered:
        j.problems.append(f"applies only to client app types {', '.join(types)}")
    return j


def _judge_narrowing(policy: ConditionalAccessPolicy, baseline: Baseline) -> Judgement:
    j = Judgement()
    if not baseline.identity.strict_scope:
        return j
    for flag, what in (
        (policy.has_locations, "locations"),
        (policy.has_platforms, "device platforms"),
        (policy.has_risk_levels, "risk levels"),
        (policy.has_device_filter, "a device filter"),
    ):
        if isinstance(flag, Unknown):
            j.unknown(flag)
        elif flag:
            j.problems.append(f"is narrowed by {what}")
    return j


def _strength_satisfies(strength: Strength, grant: Grant) -> bool:
    return strength.is_phishing_resistant if grant == "phishing_resistant" else strength.is_mfa


def _strength_problem(strength: Strength, grant: Grant) -> str:
    if grant == "phishing_resistant":
        weak = strength.not_phishing_resistant or ("no method",)
        return f"uses {strength.label}, which allows {_listed(weak)}"
    weak = strength.single_factor or ("no method",)
    return f"uses {strength.label}, which allows single-factor {_listed(weak)}"


def _judge_grant(policy: ConditionalAccessPolicy, grant: Grant) -> Judgement:
    j = Judgement()
    controls = _items(policy.built_in_controls, j)
    if controls is None:
        return j
    if grant == "block":
        if not _has(controls, "block"):
            j.problems.append(f"grants access ({', '.join(controls) or 'no controls'}) instead of blocking")
        return j
    wanted = "phishing-resistant MFA" if grant == "phishing_resistant" else "MFA"
    strength = strength_of(policy)
    # The alternatives a user may satisfy: each built-in control, and the authentication strength.
    outcomes: list[bool | Unknown] = [c.lower() == "mfa" and grant == "mfa" for c in controls]
    if isinstance(strength, Unknown):
        outcomes.append(strength)
    elif strength is not None:
        outcomes.append(_strength_satisfies(strength, grant))
    if not outcomes:
        j.problems.append(f"does not require {wanted}")
        return j
    operator = policy.operator
    result: bool | Unknown
    if isinstance(operator, Unknown) and len(outcomes) > 1:
        as_and, as_or = _combine(outcomes, "AND"), _combine(outcomes, "OR")
        result = as_and if isinstance(as_and, bool) and as_and == as_or else operator
    else:
        result = _combine(outcomes, operator if isinstance(operator, str) else "OR")
    if isinstance(result, Unknown):
        j.unknown(result)
    elif not result:
        j.problems.append(_grant_problem(controls, strength, grant, wanted, outcomes))
    return j


def _grant_problem(
    controls: Sequence[str],
    strength: Strength | Unknown | None,
    grant: Grant,
    wanted: str,
    outcomes: Sequence[bool | Unknown],
) -> str:
    if any(o is True for o in outcomes):
        alternatives = [*controls, *(["an authentication strength"] if strength is not None else [])]
        return f"lets users sign in without {wanted} (any of {', '.join(alternatives)})"
    if isinstance(strength, Strength):
        return _strength_problem(strength, grant)
    return f"does not require {wanted} (grants with {', '.join(controls) or 'no controls'})"


def _combine(outcomes: Sequence[bool | Unknown], operator: str) -> bool | Unknown:
    if len(outcomes) == 1:
        return outcomes[0]
    unknown = next((o for o in outcomes if isinstance(o, Unknown)), None)
    if operator.upper() == "AND":
        if any(o is True for o in outcomes):
            return True
        return unknown if unknown is not None else False
    if any(o is False for o in outcomes):
        return False
    return unknown if unknown is not None else True


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _scope_description(policy: ConditionalAccessPolicy) -> str:
    """What a policy that is not for All users covers ("3 roles", "2 users and 1 group")."""
    parts = []
    for value, noun in (
        (policy.include_users, "user"),
        (policy.include_groups, "group"),
        (policy.include_roles, "role"),
    ):
        if isinstance(value, Unknown):
            parts.append(f"some {noun}s")
        elif value:
            parts.append(_count(len(value), noun))
    return " and ".join(parts) if parts else "no users"


def _judge_all_users_scope(policy: ConditionalAccessPolicy) -> Judgement:
    j = Judgement()
    users = _items(policy.include_users, j)
    if users is not None and not _has(users, "All"):
        j.problems.append(f"covers only {_scope_description(policy)}")
    return j


def judge_all_users(policy: ConditionalAccessPolicy, baseline: Baseline, grant: Grant) -> Judgement:
    """Whether the policy enforces `grant` for all users and all applications."""
    j = Judgement()
    for check in (
        judge_state(policy),
        _judge_all_users_scope(policy),
        _judge_apps(policy),
        judge_exclusions(policy, baseline),
        _judge_clients(policy, grant),
        _judge_narrowing(policy, baseline),
        _judge_grant(policy, grant),
    ):
        j.extend(check)
    return j


def covers_role(policy: ConditionalAccessPolicy, baseline: Baseline, role: str) -> Judgement:
    """Whether the policy enforces phishing-resistant MFA on all apps for holders of `role` (template ID)."""
    j = Judgement()
    users = _items(policy.include_users, j)
    roles = _items(policy.include_roles, j)
    included = (users is not None and _has(users, "All")) or (
        roles is not None and (_has(roles, role) or _has(roles, "All"))
    )
    if not included and users is not None and roles is not None:
        j.problems.append(f"does not include {role_label(role)}")
    excluded = _items(policy.exclude_roles, j)
    if excluded is not None and _has(excluded, role):
        j.problems.append(f"excludes {role_label(role)}")
    for check in (
        judge_state(policy),
        _judge_apps(policy),
        judge_exclusions(policy, baseline, roles=False),
        _judge_clients(policy, "phishing_resistant"),
        _judge_narrowing(policy, baseline),
        _judge_grant(policy, "phishing_resistant"),
    ):
        j.extend(check)
    return j
