"""Fixes for Entra ID: conditional access policies (MFA for all users, legacy authentication blocked,
phishing-resistant MFA for the privileged roles) and eligible instead of permanent role assignments.

New policies exclude exactly the baseline's break-glass accounts; where the configuration already names
that list (a variable an existing policy excludes), the new policy uses the same expression.
"""

from __future__ import annotations

from typing import Any

from emailiac.fixes.context import FixContext
from emailiac.fixes.model import Edit, Fix, NewBlock
from emailiac.fixes.render import Expr, render
from emailiac.fixes.settings import enable_policy, enables_mfa_policy
from emailiac.fixes.tree import expr_text
from emailiac.model import ConditionalAccessPolicy
from emailiac.result import Finding
from emailiac.rules.conditional_access import policy_label
from emailiac.rules.directory_roles import ROLE_NAMES

__all__ = ["block_legacy_auth", "eligible_assignment", "mfa_all_users", "phishing_resistant_admins"]

PHISHING_RESISTANT = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004"
_META = ("count", "for_each", "provider", "depends_on")


def _exclusions(ctx: FixContext) -> dict[str, Any]:
    """excluded_users / excluded_groups: the break-glass lists, as the configuration already writes them."""
    out: dict[str, Any] = {"excluded_users": None, "excluded_groups": None}
    for kind, wanted in (
        ("users", ctx.baseline.identity.break_glass_users),
        ("groups", ctx.baseline.identity.break_glass_groups),
    ):
        if not wanted:
            continue
        out[f"excluded_{kind}"] = list(wanted)
        want = sorted(w.lower() for w in wanted)
        for policy in ctx.inventory.of(ConditionalAccessPolicy):
            members = policy.exclude_users if kind == "users" else policy.exclude_groups
            if not isinstance(members, tuple) or sorted(str(m).lower() for m in members) != want:
                continue
            res = ctx.resource(policy.prov.address)
            block = ctx.block_of(res) if res is not None else None
            conditions = next((b for b in block.body.blocks if b.type == "conditions"), None) if block else None
            users = next((b for b in conditions.body.blocks if b.type == "users"), None) if conditions else None
            attr = users.body.attribute(f"excluded_{kind}") if users is not None else None
            if res is not None and attr is not None and ctx.module_of(res) is ctx.root():
                out[f"excluded_{kind}"] = Expr(expr_text(ctx.tree, res.file, attr.expr))
                break
    return out


def _policy_block(ctx: FixContext, template: str, names: list[str], **values: Any) -> NewBlock | None:
    module = ctx.root()
    if module is None:
        return None
    label = ctx.unique_name(module, "azuread_conditional_access_policy", names)
    text = render(template, name=label, **_exclusions(ctx), **values)
    return NewBlock(ctx.fixes_file(module), text, module.address)


def mfa_all_users(ctx: FixContext, finding: Finding) -> Fix | None:
    """MFA001: enable a report-only policy that would do, else add one."""
    candidates = enables_mfa_policy(ctx)
    if candidates:
        changes = enable_policy(ctx, candidates[0])
        if changes is not None:
            note = f"enabling {policy_label(candidates[0])} (now {candidates[0].state}) requires MFA for all users"
            return ctx.fix(finding, changes, notes=[note])
    block = _policy_block(
        ctx, "ca_require_mfa.tf.j2", ["require_mfa", "mfa_all_users"], display_name="Require MFA for all users"
    )
    return ctx.fix(finding, new_blocks=[block]) if block else None


def block_legacy_auth(ctx: FixContext, finding: Finding) -> Fix | None:
    block = _policy_block(
        ctx, "ca_block_legacy_auth.tf.j2", ["block_legacy_auth"], display_name="Block legacy authentication"
    )
    return ctx.fix(finding, new_blocks=[block]) if block else None


def phishing_resistant_admins(ctx: FixContext, finding: Finding) -> Fix | None:
    wanted = [str(r) for r in finding.evaluation.data.get("roles") or ctx.baseline.identity.privileged_roles]
    order = {r.lower(): i for i, r in enumerate(ctx.baseline.identity.privileged_roles)}
    roles = sorted(wanted, key=lambda r: order.get(r.lower(), len(order)))
    block = _policy_block(
        ctx,
        "ca_phishing_resistant_admins.tf.j2",
        ["phishing_resistant_admins", "admins_phishing_resistant"],
        display_name="Phishing-resistant MFA for administrators",
        roles=roles,
        role_names=[ROLE_NAMES.get(r.lower(), "") for r in roles],
        strength=PHISHING_RESISTANT,
    )
    return ctx.fix(finding, new_blocks=[block]) if block else None


def eligible_assignment(ctx: FixContext, finding: Finding) -> Fix | None:
    """RBAC002: the assignment block becomes a PIM eligibility schedule request (same role, principal,
    count/for_each): the holder activates the role when needed instead of holding it at all times."""
    res = ctx.resource(finding.evaluation.subject.address)
    block = ctx.block_of(res) if res is not None else None
    source = ctx.tree.read(res.file) if res is not None else None
    if res is None or block is None or source is None:
        return None
    attrs = {a.name: a for a in block.body.attributes}
    role_attr = next((attrs[n] for n in ("role_id", "role_object_id", "directory_role_object_id") if n in attrs), None)
    principal_attr = next((attrs[n] for n in ("principal_object_id", "member_object_id") if n in attrs), None)
    if role_attr is None or principal_attr is None:
        return None
    role = expr_text(ctx.tree, res.file, role_attr.expr)
    if role.endswith(".object_id") or role.endswith(".id"):
        role = role.rsplit(".", 1)[0] + ".template_id"
    meta = [f"{a.name} = {expr_text(ctx.tree, res.file, a.expr)}" for a in block.body.attributes if a.name in _META]
    text = render(
        "role_eligibility_schedule_request.tf.j2",
        name=res.name,
        meta=meta,
        role=Expr(role),
        principal=Expr(expr_text(ctx.tree, res.file, principal_attr.expr)),
        justification="Eligible through PIM instead of a permanent assignment",
    )
    notes = [
        "the permanent assignment is replaced by an eligibility: the holder activates the role through PIM "
        "(Entra ID P2); keep a permanent assignment only for break-glass accounts"
    ]
    edit = Edit(res.file, block.pos.start, block.pos.end, text.rstrip("\n"))
    return ctx.fix(finding, edits=[edit], notes=notes)
