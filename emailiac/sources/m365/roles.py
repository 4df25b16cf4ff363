"""Directory role holders as `RoleAssignment` facts: active assignments (permanent or not, from their schedule
instances), eligible ones, principals that are groups expanded to their users, and the two user properties
Graph leaves out by default (`userType`, `onPremisesImmutableId`).

What a denied call hides decides what becomes unknown: without the schedule instances only "permanent" is
unknown (RBAC002), without the users only guest/synced (RBAC003); without the eligibilities or a group's
members the list of holders itself is incomplete (a gap for every RBAC rule). A tenant without Entra ID P2
has no PIM: its eligibilities are none at all, and "permanent" cannot be otherwise, which RBAC002 is told.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import Gap, Provenance, RoleAssignment, Unknown
from emailiac.sources.m365.errors import CallFailed
from emailiac.sources.m365.graph import Graph

__all__ = ["NO_P2", "RoleHolders", "collect_roles", "has_p2"]

P2_PLANS = frozenset({"AAD_PREMIUM_P2"})
LICENSE_CODES = frozenset({"AadPremiumLicenseRequired", "PimLicenseRequired"})
NO_P2 = (
    "the tenant has no Microsoft Entra ID P2 licence (subscribedSkus): without Privileged Identity Management a "
    "role cannot be assigned as eligible, so every assignment is permanent"
)
_FILTER_CHUNK = 15  # Graph's limit of values in one `in (...)` filter
_KINDS = {"#microsoft.graph.user": "user", "#microsoft.graph.group": "group"}


def has_p2(skus: Iterable[Any]) -> bool:
    """Whether an enabled subscription provides Entra ID P2 (Privileged Identity Management)."""
    for sku in skus:
        if str(getattr(sku, "capability_status", "") or "").lower() != "enabled":
            continue
        for plan in getattr(sku, "service_plans", None) or ():
            if plan.service_plan_name in P2_PLANS and str(plan.provisioning_status or "").lower() == "success":
                return True
    return False


@dataclass
class RoleHolders:
    facts: list[RoleAssignment] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class _Holder:
    """One (role, principal) pair before its principal's details are known."""

    address: str
    import_id: str | None
    role: str
    principal: str
    kind: str
    permanent: bool | Unknown


def _kind(principal: Any) -> str:
    odata = str(getattr(principal, "odata_type", "") or "")
    return _KINDS.get(odata, "servicePrincipal" if odata.endswith("servicePrincipal") else "unknown")


def _permanence(assignment: Any, instances: list[Any] | Unknown) -> bool | Unknown:
    if isinstance(instances, Unknown):
        return instances
    key = (assignment.principal_id, assignment.role_definition_id, assignment.directory_scope_id)
    mine = [i for i in instances if (i.principal_id, i.role_definition_id, i.directory_scope_id) == key]
    if not mine:
        return Unknown(f"no schedule instance was reported for role assignment {assignment.id}")
    return any(i.end_date_time is None and str(i.assignment_type or "").lower() == "assigned" for i in mine)


async def _optional(fetch: Callable[[], Awaitable[list[Any]]], no_p2: bool) -> list[Any] | Unknown:
    """A PIM collection: Unknown(reason) when it cannot be read; a licence refusal means no P2."""
    if no_p2:
        return Unknown(NO_P2)
    try:
        items = await fetch()
        return items
    except CallFailed as failure:
        if failure.code in LICENSE_CODES:
            return Unknown(NO_P2)
        return Unknown(failure.reason)


async def _users(graph: Graph, ids: list[str]) -> dict[str, Any] | Unknown:
    found: dict[str, Any] = {}
    try:
        for start in range(0, len(ids), _FILTER_CHUNK):
            chunk = ids[start : start + _FILTER_CHUNK]
            listed = ",".join(f"'{i}'" for i in chunk)
            for user in await graph.items(
                "privilegedUsers", lambda c: c.users, "users holding roles", filter=f"id in ({listed})"
            ):
                found[str(user.id)] = user
    except CallFailed as failure:
        return Unknown(failure.reason)
    return found


async def _members(graph: Graph, group: str) -> list[Any]:
    return await graph.items(
        "groupMembers",
        lambda c: c.groups.by_group_id(group).transitive_members.graph_user,
        f"the members of group {group}",
        id=group,
    )


def _user_fields(user: Any) -> tuple[str | Unknown, bool | Unknown]:
    kind = str(user.user_type or "")
    upn = str(user.user_principal_name or "")
    user_type: str | Unknown = "Guest" if kind.lower() == "guest" or "#EXT#" in upn.upper() else (kind or "Member")
    synced = bool(user.on_premises_immutable_id) or bool(user.on_premises_sync_enabled)
    return user_type, synced


async def collect_roles(graph: Graph, tenant: str, p2: bool | None) -> RoleHolders:
    """Every holder of a directory role. `p2`: whether the tenant has Entra ID P2 (None: not known)."""
    out = RoleHolders()
    root = f"m365://{tenant}/roleManagement/directory"
    definitions, assignments = await asyncio.gather(
        graph.items("roleDefinitions", lambda c: c.role_management.directory.role_definitions, "role definitions"),
        graph.items("roleAssignments", lambda c: c.role_management.directory.role_assignments, "role assignments"),
    )
    no_p2 = p2 is False
    instances, eligible = await asyncio.gather(
        _optional(
            lambda: graph.items(
                "roleAssignmentScheduleInstances",
                lambda c: c.role_management.directory.role_assignment_schedule_instances,
                "role assignment schedule instances",
            ),
            no_p2,
        ),
        _optional(
            lambda: graph.items(
                "roleEligibilityScheduleInstances",
                lambda c: c.role_management.directory.role_eligibility_schedule_instances,
                "role eligibility schedule instances",
            ),
            no_p2,
        ),
    )
    templates = {str(d.id): (str(d.template_id or d.id).lower(), d.display_name) for d in definitions}
    holders: list[_Holder] = []
    for a in assignments:
        holders.append(
            _Holder(
                f"{root}/roleAssignments/{a.id}",
                str(a.id),
                str(a.role_definition_id),
                str(a.principal_id),
                _kind(a.principal),
                _permanence(a, instances),
            )
        )
    if isinstance(eligible, Unknown):
        if eligible.reason != NO_P2:
            out.gaps.append(Gap("RoleAssignment", tenant, f"eligible role assignments: {eligible.reason}"))
    else:
        for e in eligible:
            holders.append(
                _Holder(
                    f"{root}/roleEligibilityScheduleInstances/{e.id}",
                    None,
                    str(e.role_definition_id),
                    str(e.principal_id),
                    _kind(e.principal),
                    False,
                )
            )
    groups = sorted({h.principal for h in holders if h.kind == "group"})
    member_lists = await asyncio.gather(*(_members(graph, g) for g in groups), return_exceptions=True)
    members: dict[str, list[Any]] = {}
    for group, listed in zip(groups, member_lists, strict=True):
        if isinstance(listed, CallFailed):
            out.gaps.append(Gap("RoleAssignment", tenant, f"members of group {group}: {listed.reason}"))
        elif isinstance(listed, BaseException):
            raise listed
        else:
            members[group] = listed
    users = await _users(graph, sorted({h.principal for h in holders if h.kind == "user"}))
    for holder in holders:
        template, name = templates.get(holder.role, (holder.role.lower(), None))
        if holder.kind == "group":
            for member in members.get(holder.principal, []):
                member_type, member_synced = _user_fields(member)
                out.facts.append(
                    RoleAssignment(
                        prov=Provenance("m365", f"{holder.address}/members/{member.id}"),
                        role_template_id=template,
                        principal=str(member.id),
                        principal_kind="user",
                        permanent=holder.permanent,
                        user_type=member_type,
                        on_premises_synced=member_synced,
                        role_name=name,
                    )
                )
            continue
        user_type: str | Unknown | None = None
        synced: bool | Unknown | None = None
        if holder.kind == "user":
            if isinstance(users, Unknown):
                user_type = synced = Unknown(users.reason)
            elif holder.principal in users:
                user_type, synced = _user_fields(users[holder.principal])
            else:
                user_type = synced = Unknown(f"user {holder.principal} was not returned by Graph")
        out.facts.append(
            RoleAssignment(
                prov=Provenance("m365", holder.address, import_id=holder.import_id),
                role_template_id=template,
                principal=holder.principal,
                principal_kind=holder.kind,
                permanent=holder.permanent,
                user_type=user_type,
                on_premises_synced=synced,
                role_name=name,
            )
        )
    return out
