"""Display-only fixes: changes that need a decision nobody can take from the configuration alone (who may
send as an identity, which look-ups an SPF record can do without, whether DKIM is on in a live account).
They are shown, never applied; where a concrete edit helps, they carry it as a suggestion."""

from __future__ import annotations

from emailiac.fixes.context import FixContext
from emailiac.fixes.model import DISPLAY_ONLY, Edit, Fix, NewBlock
from emailiac.fixes.tree import ModuleDir
from emailiac.result import Finding
from emailiac.sources.terraform.ast import Call, Expr, Lit, ObjectExpr, Template, TupleExpr
from emailiac.sources.terraform.resource import TfResource

__all__ = ["dkim_key", "dkim_signing", "named_principals", "scoped_iam_policy", "spf_lookups", "statements"]

_OWN_ACCOUNT = '{ AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }'
_SEND_ACTIONS = '["ses:SendEmail", "ses:SendRawEmail"]'
_IDENTITY_TYPES = ("aws_ses_domain_identity", "aws_ses_email_identity", "aws_sesv2_email_identity")


def _key(expr: Expr) -> str | None:
    if isinstance(expr, Lit) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Template) and all(isinstance(p, str) for p in expr.parts):
        return "".join(p for p in expr.parts if isinstance(p, str))
    return None


def items(expr: ObjectExpr) -> dict[str, Expr]:
    out: dict[str, Expr] = {}
    for key, value in expr.items:
        name = _key(key)
        if name is not None:
            out[name] = value
    return out


def statements(expr: Expr) -> list[ObjectExpr]:
    """The statement objects of a `jsonencode({...})` policy document."""
    if not (
        isinstance(expr, Call) and expr.name == "jsonencode" and expr.args and isinstance(expr.args[0], ObjectExpr)
    ):
        return []
    found = items(expr.args[0]).get("Statement")
    if isinstance(found, ObjectExpr):
        return [found]
    if isinstance(found, TupleExpr):
        return [s for s in found.items if isinstance(s, ObjectExpr)]
    return []


def _is_everyone(expr: Expr) -> bool:
    if _key(expr) == "*":
        return True
    return isinstance(expr, ObjectExpr) and any(_key(v) == "*" for v in items(expr).values())


def _caller_identity(ctx: FixContext, module: ModuleDir) -> list[NewBlock]:
    declared = any(b.labels == ("aws_caller_identity", "current") for b, _ in ctx.tree.blocks(module.dir, "data"))
    if declared:
        return []
    return [NewBlock(ctx.fixes_file(module), 'data "aws_caller_identity" "current" {}\n', module.address)]


def _policy_attr(ctx: FixContext, res: TfResource) -> Expr | None:
    block = ctx.block_of(res)
    attr = block.body.attribute("policy") if block is not None else None
    return attr.expr if attr is not None else None


def named_principals(ctx: FixContext, finding: Finding) -> Fix | None:
    """SES002: who should send cannot be read from the configuration; suggest the account's own principals."""
    res = ctx.resource(finding.evaluation.subject.address)
    notes = [
        "name the accounts or roles that send as this identity in Principal, or add a Condition "
        "(aws:SourceAccount, aws:SourceArn); the suggestion limits sending to this AWS account"
    ]
    if res is None:
        return ctx.fix(finding, notes=notes, applicability=DISPLAY_ONLY)
    module = ctx.module_of(res)
    policy = _policy_attr(ctx, res)
    edits: list[Edit] = []
    for statement in statements(policy) if policy is not None else []:
        fields = items(statement)
        principal = fields.get("Principal")
        if principal is not None and _is_everyone(principal) and "Condition" not in fields:
            edits.append(Edit(res.file, principal.pos.start, principal.pos.end, _OWN_ACCOUNT))
    blocks = _caller_identity(ctx, module) if edits and module is not None else []
    return ctx.fix(finding, edits=edits, new_blocks=blocks, notes=notes, applicability=DISPLAY_ONLY)


def scoped_iam_policy(ctx: FixContext, finding: Finding) -> Fix | None:
    """RBAC004: scope sending to the identities the module declares, with only the send actions."""
    res = ctx.resource(finding.evaluation.subject.address)
    if res is None:
        return None
    identities = [f"{ctx.relative_address(r)}.arn" for r in ctx.same_module(res, *_IDENTITY_TYPES)]
    notes = [
        "allow only ses:SendEmail and ses:SendRawEmail, on the ARNs of the identities the holders send as "
        "(or add a Condition on ses:FromAddress)"
    ]
    policy = _policy_attr(ctx, res)
    edits: list[Edit] = []
    for statement in statements(policy) if policy is not None else []:
        fields = items(statement)
        if "Condition" in fields:
            continue
        action, resource = fields.get("Action"), fields.get("Resource")
        if resource is None or _key(resource) != "*":
            continue
        if action is not None and _key(action) in ("ses:*", "*"):
            edits.append(Edit(res.file, action.pos.start, action.pos.end, _SEND_ACTIONS))
        if identities:
            edits.append(Edit(res.file, resource.pos.start, resource.pos.end, "[" + ", ".join(identities) + "]"))
    if not identities:
        notes.append("no SES identity is declared beside this policy: name the identity ARNs it should cover")
    return ctx.fix(finding, edits=edits, notes=notes, applicability=DISPLAY_ONLY)


def spf_lookups(ctx: FixContext, finding: Finding) -> Fix | None:
    data = finding.evaluation.data
    chain = data.get("chain") or []
    heavy = sorted((c for c in chain if isinstance(c, (list, tuple)) and len(c) == 3), key=lambda c: -int(c[2]))
    notes = [
        f"the record needs {data.get('lookups')} DNS look-ups; replace the includes that cost most with the "
        "ip4/ip6 ranges they publish, or drop senders no longer used"
    ]
    notes += [f"{via} {name}: {count} look-ups" for via, name, count in heavy[:5]]
    return ctx.fix(finding, notes=notes, applicability=DISPLAY_ONLY)


def dkim_signing(ctx: FixContext, finding: Finding) -> Fix | None:
    data = finding.evaluation.data
    if data.get("names"):
        names = ", ".join(str(n) for n in data["names"])
        note = (
            "enable DKIM for the domain in Exchange Online (Get-DkimSigningConfig shows the two CNAME targets), "
            f"then publish {names} as CNAMEs to those targets"
        )
        return ctx.fix(finding, notes=[note], applicability=DISPLAY_ONLY)
    return ctx.fix(finding, notes=[finding.evaluation.fix_hint or "turn DKIM signing on"], applicability=DISPLAY_ONLY)


def dkim_key(ctx: FixContext, finding: Finding) -> Fix | None:
    """DKIM002 on a published key: a new key pair is made outside Terraform, then rotated in."""
    name = finding.evaluation.data.get("name", "the selector")
    note = (
        f"generate a 2048-bit RSA key pair, publish its public key at a new selector beside {name}, sign with "
        "it, then revoke the old key (publish it with an empty p=) once no mail signed with it is in flight"
    )
    return ctx.fix(finding, notes=[note], applicability=DISPLAY_ONLY)
