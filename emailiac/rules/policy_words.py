"""What the identity rules (MFA001-MFA004) say about conditional access policies: the policies in order, what
is wrong with them in a sentence, and whether a policy is meant to enforce what a rule asks for."""

from __future__ import annotations

from collections.abc import Sequence

from emailiac.model import ConditionalAccessPolicy, Inventory, Unknown
from emailiac.rules.conditional_access import Grant, Judgement, policy_label

__all__ = ["SCUBA_AAD", "TENANT", "aims_at", "explain", "joined", "policies_of"]

SCUBA_AAD = "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md"
TENANT = "m365_tenant"
_LIST_LIMIT = 5


def policies_of(inventory: Inventory) -> list[ConditionalAccessPolicy]:
    """The conditional access policies, in address order."""
    return sorted(inventory.of(ConditionalAccessPolicy), key=lambda p: p.prov.address)


def explain(judged: Sequence[tuple[ConditionalAccessPolicy, Judgement]]) -> str:
    """What is wrong with each policy that has a problem, the first few named."""
    parts = [f"{policy_label(p)} {joined(j.problems)}" for p, j in judged if j.problems]
    if len(parts) > _LIST_LIMIT:
        parts = [*parts[:_LIST_LIMIT], f"and {len(parts) - _LIST_LIMIT} more"]
    return "; ".join(parts)


def joined(items: Sequence[str]) -> str:
    """`a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _controls(policy: ConditionalAccessPolicy) -> tuple[str, ...]:
    controls = policy.built_in_controls
    return tuple(c.lower() for c in controls) if not isinstance(controls, Unknown) else ()


def aims_at(policy: ConditionalAccessPolicy, grant: Grant) -> bool:
    """Whether a policy is meant to enforce `grant` (so a failure message should say why it does not)."""
    if grant == "block":
        types = policy.client_app_types
        legacy = not isinstance(types, Unknown) and any(t.lower() in ("exchangeactivesync", "other") for t in types)
        return "block" in _controls(policy) or legacy
    return "mfa" in _controls(policy) or policy.strength_id is not None or policy.strength_combinations is not None
