"""Conditional access policies and security defaults as facts, the same facts the `azuread_*` adapters make.

Graph names what Terraform names: `includeUsers` is `included_users`, `grantControls.builtInControls` is
`built_in_controls`; a narrowing condition (locations, platforms, risk levels, a device filter) counts the way
the Terraform adapter counts it. A policy's authentication strength comes with its allowed combinations;
should a response leave them out, they are taken from the tenant's strength policies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emailiac.model import ConditionalAccessPolicy, Provenance, SecurityDefaults, Unknown
from emailiac.rules.strengths import BUILTIN_STRENGTHS, normalise_strength_id

__all__ = ["conditional_access_policy", "security_defaults", "strength_combinations"]


def _text(value: Any) -> str:
    """An enum member's wire value, or the string itself."""
    return str(getattr(value, "value", value))


def _texts(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(_text(v) for v in values or ())


def _narrowed(include: Iterable[Any] | None, exclude: Iterable[Any] | None, everything: str) -> bool:
    """Any exclusion, or an inclusion other than everything, narrows a policy (as in the adapter)."""
    if list(exclude or ()):
        return True
    return any(_text(i).lower() != everything.lower() for i in include or ())


def strength_combinations(strengths: Iterable[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Allowed combinations of each authentication strength policy of the tenant (Graph's JSON), by
    lower-case ID."""
    out: dict[str, tuple[str, ...]] = {}
    for strength in strengths:
        combos = strength.get("allowedCombinations")
        if isinstance(strength.get("id"), str) and isinstance(combos, list):
            out[strength["id"].lower()] = tuple(str(c) for c in combos)
    return out


def _strength(grant: Any, known: dict[str, tuple[str, ...]] | Unknown) -> tuple[Any, Any]:
    strength = getattr(grant, "authentication_strength", None)
    if strength is None or not strength.id:
        return None, None
    sid = str(strength.id)
    key = normalise_strength_id(sid)
    if key in BUILTIN_STRENGTHS:
        return sid, None  # the rules know the built-in strengths
    # The SDK model reads a multi-method combination ("password,sms") as None: use the policy's own JSON.
    combos = tuple(getattr(c, "value", c) for c in strength.allowed_combinations or ())
    if combos and None not in combos and (isinstance(known, Unknown) or key not in known):
        return sid, tuple(str(c) for c in combos)
    if isinstance(known, Unknown):
        return sid, Unknown(f"authentication strength {sid}: its methods could not be read ({known.reason})")
    if key in known:
        return sid, known[key]
    return sid, Unknown(f"authentication strength {sid} is not among the tenant's strength policies")


def conditional_access_policy(
    policy: Any, tenant: str, strengths: dict[str, tuple[str, ...]] | Unknown
) -> ConditionalAccessPolicy:
    conditions = policy.conditions
    users = getattr(conditions, "users", None)
    apps = getattr(conditions, "applications", None)
    grant = policy.grant_controls
    locations = getattr(conditions, "locations", None)
    platforms = getattr(conditions, "platforms", None)
    devices = getattr(conditions, "devices", None)
    strength_id, combinations = _strength(grant, strengths)
    operator = getattr(grant, "operator", None)
    risk = [
        getattr(conditions, "user_risk_levels", None),
        getattr(conditions, "sign_in_risk_levels", None),
        getattr(conditions, "service_principal_risk_levels", None),
    ]
    insider = getattr(conditions, "insider_risk_levels", None) is not None
    pid = str(policy.id)
    return ConditionalAccessPolicy(
        prov=Provenance("m365", f"m365://{tenant}/identity/conditionalAccess/policies/{pid}", import_id=pid),
        policy_id=pid,
        display_name=policy.display_name or Unknown("the policy has no display name"),
        state=_text(policy.state) if policy.state is not None else Unknown("Graph reported no state"),
        include_users=_texts(getattr(users, "include_users", None)),
        exclude_users=_texts(getattr(users, "exclude_users", None)),
        include_groups=_texts(getattr(users, "include_groups", None)),
        exclude_groups=_texts(getattr(users, "exclude_groups", None)),
        include_roles=tuple(r.lower() for r in _texts(getattr(users, "include_roles", None))),
        exclude_roles=tuple(r.lower() for r in _texts(getattr(users, "exclude_roles", None))),
        include_guests=getattr(users, "include_guests_or_external_users", None) is not None,
        exclude_guests=getattr(users, "exclude_guests_or_external_users", None) is not None,
        include_apps=_texts(getattr(apps, "include_applications", None)),
        exclude_apps=_texts(getattr(apps, "exclude_applications", None)),
        client_app_types=_texts(getattr(conditions, "client_app_types", None)),
        built_in_controls=_texts(getattr(grant, "built_in_controls", None)),
        operator=operator.upper() if isinstance(operator, str) else None,
        strength_id=strength_id,
        strength_combinations=combinations,
        has_locations=locations is not None
        and _narrowed(locations.include_locations, locations.exclude_locations, "All"),
        has_platforms=platforms is not None
        and _narrowed(platforms.include_platforms, platforms.exclude_platforms, "all"),
        has_risk_levels=any(list(r or ()) for r in risk) or insider,
        has_device_filter=getattr(devices, "device_filter", None) is not None,
    )


def security_defaults(policy: Any, tenant: str) -> SecurityDefaults:
    enabled = policy.is_enabled
    return SecurityDefaults(
        prov=Provenance("m365", f"m365://{tenant}/policies/identitySecurityDefaultsEnforcementPolicy"),
        enabled=enabled if isinstance(enabled, bool) else Unknown("Graph did not say whether security defaults are on"),
    )
