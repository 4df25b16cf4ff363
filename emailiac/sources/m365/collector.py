"""A live Microsoft 365 tenant as an inventory of facts: the same facts the `azuread_*` Terraform adapters
produce, so the same rules judge them.

The organization is read first (its ID names every address); then conditional access, security defaults,
directory roles and domains are read concurrently (the SDK is async). A live scan speaks for the whole tenant
(`m365_tenant` is authoritative). What could not be read, was denied, or was not read before the deadline is
a gap with the reason, and the rules that need it are not assessed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import Fact, Gap, Inventory, Note, Unknown
from emailiac.sources.deadline import Deadline
from emailiac.sources.m365 import policies, roles, tenant
from emailiac.sources.m365.connect import GraphReach, open_client
from emailiac.sources.m365.errors import CallFailed, M365SetupError
from emailiac.sources.m365.graph import Graph

__all__ = ["collect", "collect_async"]

# Entra ID's diagnostic settings (LOG003) live in Azure Resource Manager, not in Microsoft Graph.
NOT_IN_GRAPH = (
    "LogExport",
    "Entra ID diagnostic settings are in Azure Resource Manager (microsoft.aadiam/diagnosticSettings), "
    "which `scan --m365` does not read; declare them in Terraform and lint that",
)


@dataclass
class _Part:
    facts: list[Fact] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


async def _conditional_access(graph: Graph, tid: str) -> _Part:
    found: list[Any] | BaseException
    strengths: list[dict[str, Any]] | BaseException
    found, strengths = await asyncio.gather(
        graph.items("conditionalAccessPolicies", lambda c: c.identity.conditional_access.policies, "policies"),
        graph.raw_items(
            "authenticationStrengthPolicies",
            lambda c: c.policies.authentication_strength_policies,
            "authentication strength policies",
        ),
        return_exceptions=True,
    )
    if isinstance(found, BaseException):
        raise found
    known: dict[str, tuple[str, ...]] | Unknown
    if isinstance(strengths, CallFailed):
        known = Unknown(strengths.reason)
    elif isinstance(strengths, BaseException):
        raise strengths
    else:
        known = policies.strength_combinations(strengths)
    return _Part([policies.conditional_access_policy(p, tid, known) for p in found])


async def _security_defaults(graph: Graph, tid: str) -> _Part:
    policy = await graph.one(
        "securityDefaults",
        lambda c: c.policies.identity_security_defaults_enforcement_policy,
        "security defaults",
    )
    return _Part([policies.security_defaults(policy, tid)])


async def _roles(graph: Graph, tid: str) -> _Part:
    try:
        skus = await graph.items("subscribedSkus", lambda c: c.subscribed_skus, "subscribed SKUs")
        p2: bool | None = roles.has_p2(skus)
    except CallFailed:
        p2 = None  # not known: PIM's own answer tells
    holders = await roles.collect_roles(graph, tid, p2)
    return _Part(list(holders.facts), holders.gaps)


async def _domains(graph: Graph, tid: str) -> _Part:
    return _Part(tenant.domain_facts(await graph.items("domains", lambda c: c.domains, "domains"), tid))


# What each part reads and which fact types it feeds (its gaps when it fails).
_PARTS: tuple[tuple[str, Callable[[Graph, str], Coroutine[Any, Any, _Part]], tuple[str, ...]], ...] = (
    ("conditional access policies", _conditional_access, ("ConditionalAccessPolicy",)),
    ("security defaults", _security_defaults, ("SecurityDefaults",)),
    ("directory roles", _roles, ("RoleAssignment",)),
    ("domains", _domains, ("DirectoryDomain", "MailDomain")),
)


async def _tenant_id(graph: Graph, reach: GraphReach, deadline: Deadline, inventory: Inventory) -> str:
    try:
        orgs = await asyncio.wait_for(
            graph.items("organization", lambda c: c.organization, "the organization"), deadline.remaining()
        )
    except CallFailed as failure:
        inventory.notes.append(Note("m365://tenant/organization", failure.reason))
        orgs = []
    except TimeoutError:
        inventory.notes.append(Note("m365://tenant/organization", deadline.reason("the organization")))
        orgs = []
    return tenant.tenant_name(orgs, reach.tenant_id)


async def collect_async(reach: GraphReach, deadline: Deadline | None = None) -> Inventory:
    deadline = deadline or Deadline()
    inventory = Inventory(sources={"m365"}, authoritative={"m365_tenant"})
    connection = open_client(reach)
    graph = Graph(connection.client, connection.root)
    try:
        tid = await _tenant_id(graph, reach, deadline, inventory)
        inventory.gaps.append(Gap(NOT_IN_GRAPH[0], tid, NOT_IN_GRAPH[1]))
        tasks = [asyncio.create_task(run(graph, tid)) for _, run, _ in _PARTS]
        _, pending = await asyncio.wait(tasks, timeout=deadline.remaining())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for (what, _, feeds), task in zip(_PARTS, tasks, strict=True):
            if task in pending:
                inventory.gaps.extend(Gap(f, tid, deadline.reason(what)) for f in feeds)
                continue
            error = task.exception()
            if isinstance(error, M365SetupError):
                raise error
            if isinstance(error, CallFailed):
                inventory.gaps.extend(Gap(f, tid, error.reason) for f in feeds)
            elif error is not None:  # a response of a shape not foreseen: nothing of this part is trusted
                reason = f"{type(error).__name__}: reading {what} failed ({error})"
                inventory.gaps.extend(Gap(f, tid, reason) for f in feeds)
            else:
                part = task.result()
                inventory.facts.extend(part.facts)
                inventory.gaps.extend(g for g in part.gaps if g not in inventory.gaps)
    finally:
        await connection.close()
    return inventory


def collect(reach: GraphReach, deadline: Deadline | None = None) -> Inventory:
    """Scan the tenant `reach` leads to (blocking; runs its own event loop)."""
    return asyncio.run(collect_async(reach, deadline))
