"""Terraform resources of the identity family as facts: conditional access, directory roles, IAM, passwords.

Object IDs are rarely written literally: a policy excludes `azuread_user.breakglass.object_id`, an assignment
names `data.azuread_user.admin.object_id`. Such references are answered by what the referenced resource
declares: a user's `user_principal_name`, a group's `display_name`. So the baseline's break-glass lists may
name accounts by object ID, user principal name or group display name alike.

Roles given by reference resolve through the `azuread_directory_role` they name: its `template_id`, or its
`display_name` mapped to the template of a highly privileged role; other names stay in `role_name`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import (
    ConditionalAccessPolicy,
    Fact,
    IamPolicy,
    PasswordPolicy,
    RoleAssignment,
    Unknown,
)
from emailiac.rules.directory_roles import template_for_name
from emailiac.sources.terraform.adapters.coerce import as_bool, as_int, as_str, as_str_list
from emailiac.sources.terraform.adapters.policy_document import policy_document
from emailiac.sources.terraform.adapters.references import referenced_resource
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

__all__ = ["ADAPTERS"]

Ids = tuple[str, ...] | Unknown
Members = tuple[str | Unknown, ...] | Unknown
BodyOrUnknown = Body | Unknown | None

# What a reference to a directory object is answered by, per resource type.
_NAMING_ATTRS = {
    "azuread_user": ("user_principal_name", "mail", "display_name"),
    "azuread_group": ("display_name",),
    "azuread_service_principal": ("display_name", "client_id"),
}
_PRINCIPAL_KINDS = {"azuread_user": "user", "azuread_group": "group", "azuread_service_principal": "servicePrincipal"}


# ---------------------------------------------------------------- shared pieces


def _block(parent: BodyOrUnknown, name: str) -> BodyOrUnknown:
    """The single nested block `name` of `parent`: None when absent, Unknown when it cannot be expanded."""
    if parent is None or isinstance(parent, Unknown):
        return parent
    pending = parent.unknown_blocks(name)
    if pending is not None:
        return Unknown(f"{name} is not known ({pending.reason})", pending.refs)
    blocks = parent.blocks_of(name)
    return blocks[0] if blocks else None


def _attr(parent: BodyOrUnknown, name: str) -> Any:
    if isinstance(parent, Unknown):
        return parent
    return None if parent is None else parent.get(name)


def _directory_object(value: Any, res: TfResource, index: ResourceIndex) -> tuple[str | Unknown, str]:
    """An object ID, or what the referenced user/group/service principal declares; and its kind."""
    text = as_str(value, "object ID")
    if isinstance(text, str):
        return text, "unknown"
    target = referenced_resource(value, res, index)
    if target is not None and target.type in _NAMING_ATTRS:
        kind = _PRINCIPAL_KINDS[target.type]
        for attr in _NAMING_ATTRS[target.type]:
            named = as_str(target.body.get(attr), attr)
            if isinstance(named, str):
                return named, kind
        if isinstance(text, Unknown):
            return text, kind
    if text is None:
        return Unknown("the principal is not set"), "unknown"
    return text, "unknown"


def _members(value: Any, res: TfResource, index: ResourceIndex, where: str) -> Members:
    """A list of directory object IDs (or `All`, `None`...), references answered where they can be;
    members that stay unknown keep their place."""
    if isinstance(value, Unknown):
        return value
    items = as_str_list(value, where)
    if items is None:
        return ()
    if isinstance(items, Unknown):
        return items
    out: list[str | Unknown] = []
    for item in items:
        resolved = item if isinstance(item, str) else _directory_object(item, res, index)[0]
        out.append(Unknown(f"{where}: {resolved.reason}", resolved.refs) if isinstance(resolved, Unknown) else resolved)
    return tuple(out)


def _ids(value: Any, res: TfResource, index: ResourceIndex, where: str) -> Ids:
    """Like `_members`, but one member not known makes the whole list unknown."""
    members = _members(value, res, index, where)
    if isinstance(members, Unknown):
        return members
    unknown = next((m for m in members if isinstance(m, Unknown)), None)
    return unknown if unknown is not None else tuple(m for m in members if isinstance(m, str))


def _strings(value: Any, where: str) -> Ids:
    items = as_str_list(value, where)
    if items is None:
        return ()
    if isinstance(items, Unknown):
        return items
    for item in items:
        if isinstance(item, Unknown):
            return Unknown(f"{where}: {item.reason}", item.refs)
    return tuple(str(i) for i in items)


def _role(value: Any, res: TfResource, index: ResourceIndex, where: str) -> tuple[str | Unknown, str | None]:
    """(template ID, display name) of the role a role attribute names."""
    text = as_str(value, where)
    if isinstance(text, str):
        return text.strip().lower(), None
    if text is None:
        return Unknown(f"{where} is not set"), None
    target = referenced_resource(value, res, index)
    if target is None:
        return text, None
    name = as_str(target.body.get("display_name"), "display_name")
    shown = name if isinstance(name, str) else None
    if target.type == "azuread_custom_directory_role":
        return Unknown(f"{where} names custom role {target.address}, known only after apply", text.refs), shown
    if target.type != "azuread_directory_role":
        return text, None
    template = as_str(target.body.get("template_id"), "template_id")
    if isinstance(template, str):
        return template.strip().lower(), shown
    if shown is not None:
        by_name = template_for_name(shown)
        if by_name is not None:
            return by_name, shown
        return Unknown(f"the template ID of directory role '{shown}' is known only after apply", text.refs), shown
    return text, None


# ---------------------------------------------------------------- conditional access


def _narrowed(block: BodyOrUnknown, include_attr: str, exclude_attr: str, everything: str) -> bool | Unknown:
    """Whether a locations/platforms block narrows the policy: any exclusion, or an inclusion other than
    everything. An exclusion narrows whatever it names, so its members need not be known."""
    if block is None or isinstance(block, Unknown):
        return False if block is None else block
    excluded = as_str_list(block.get(exclude_attr), exclude_attr)
    if isinstance(excluded, Unknown):
        return excluded
    if excluded:
        return True
    included = as_str_list(block.get(include_attr), include_attr)
    if isinstance(included, Unknown):
        return included
    known = [i.lower() for i in included or () if isinstance(i, str)]
    if any(i != everything.lower() for i in known):
        return True
    unknown = next((i for i in included or () if isinstance(i, Unknown)), None)
    return unknown if unknown is not None and not known else False


def _risk_levels(conditions: BodyOrUnknown) -> bool | Unknown:
    if conditions is None or isinstance(conditions, Unknown):
        return False if conditions is None else conditions
    for attr in ("sign_in_risk_levels", "user_risk_levels", "service_principal_risk_levels", "insider_risk_levels"):
        value = conditions.get(attr)
        if isinstance(value, Unknown):
            return value
        if value:
            return True
    return False


def _device_filter(conditions: BodyOrUnknown) -> bool | Unknown:
    devices = _block(conditions, "devices")
    found = _block(devices, "filter")
    if isinstance(found, Unknown):
        return found
    return found is not None


def _strength(grant: BodyOrUnknown, res: TfResource, index: ResourceIndex) -> tuple[Any, Any]:
    """(strength_id, strength_combinations); a strength declared here is read from its combinations."""
    value = _attr(grant, "authentication_strength_policy_id")
    text = as_str(value, "authentication_strength_policy_id")
    if not isinstance(text, Unknown):
        return text, None
    target = referenced_resource(value, res, index)
    if target is None or target.type != "azuread_authentication_strength_policy":
        return text, None
    return text, _strings(target.body.get("allowed_combinations"), "allowed_combinations")


def _conditional_access(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    conditions = _block(body, "conditions")
    users = _block(conditions, "users")
    apps = _block(conditions, "applications")
    grant = _block(body, "grant_controls")
    name = as_str(body.get("display_name"), "display_name")
    state = as_str(body.get("state"), "state")
    strength_id, combinations = _strength(grant, res, index)
    operator = as_str(_attr(grant, "operator"), "operator")
    yield ConditionalAccessPolicy(
        prov=res.prov,
        policy_id=None,
        display_name=Unknown("display_name is not set") if name is None else name,
        state=Unknown("state is not set") if state is None else state,
        include_users=_ids(_attr(users, "included_users"), res, index, "included_users"),
        exclude_users=_members(_attr(users, "excluded_users"), res, index, "excluded_users"),
        include_groups=_ids(_attr(users, "included_groups"), res, index, "included_groups"),
        exclude_groups=_members(_attr(users, "excluded_groups"), res, index, "excluded_groups"),
        include_roles=_role_ids(_attr(users, "included_roles"), res, index, "included_roles"),
        exclude_roles=_role_ids(_attr(users, "excluded_roles"), res, index, "excluded_roles"),
        include_guests=_present(users, "included_guests_or_external_users"),
        exclude_guests=_present(users, "excluded_guests_or_external_users"),
        include_apps=_strings(_attr(apps, "included_applications"), "included_applications"),
        exclude_apps=_strings(_attr(apps, "excluded_applications"), "excluded_applications"),
        client_app_types=_strings(_attr(conditions, "client_app_types"), "client_app_types"),
        built_in_controls=_strings(_attr(grant, "built_in_controls"), "built_in_controls"),
        operator=operator.upper() if isinstance(operator, str) else operator,
        strength_id=strength_id,
        strength_combinations=combinations,
        has_locations=_narrowed(_block(conditions, "locations"), "included_locations", "excluded_locations", "All"),
        has_platforms=_narrowed(_block(conditions, "platforms"), "included_platforms", "excluded_platforms", "all"),
        has_risk_levels=_risk_levels(conditions),
        has_device_filter=_device_filter(conditions),
    )


def _present(parent: BodyOrUnknown, name: str) -> bool | Unknown:
    found = _block(parent, name)
    return found if isinstance(found, Unknown) else found is not None


def _role_ids(value: Any, res: TfResource, index: ResourceIndex, where: str) -> Ids:
    """Role template IDs of a policy's included/excluded roles, references resolved."""
    if isinstance(value, Unknown):
        return value
    items = as_str_list(value, where)
    if items is None:
        return ()
    if isinstance(items, Unknown):
        return items
    out: list[str] = []
    for item in items:
        template, _ = _role(item, res, index, where)
        if isinstance(template, Unknown):
            return template
        out.append(template)
    return tuple(out)


# ---------------------------------------------------------------- directory roles


def _assignment(role_attrs: tuple[str, ...], principal_attr: str, permanent: bool) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        attr = next((a for a in role_attrs if res.body.has(a)), role_attrs[0])
        value = res.body.get(attr)
        template, name = _role(value, res, index, attr)
        if attr in ("role_object_id", "directory_role_object_id") and isinstance(as_str(value, attr), str):
            # A literal here is the tenant's directory role object, not a template.
            template = Unknown(f"{attr} {template} is a directory role object ID, not a role template ID")
        principal, kind = _directory_object(res.body.get(principal_attr), res, index)
        yield RoleAssignment(
            prov=res.prov,
            role_template_id=template,
            principal=principal,
            principal_kind=kind,
            permanent=permanent,
            role_name=name,
        )

    return adapt


# ---------------------------------------------------------------- IAM policies


_ATTACHMENTS = {
    "aws_iam_role_policy_attachment": ("role",),
    "aws_iam_user_policy_attachment": ("user",),
    "aws_iam_group_policy_attachment": ("group",),
    "aws_iam_policy_attachment": ("users", "roles", "groups"),
}


def _names_policy(arn: str, policy: TfResource) -> bool:
    """Whether a literal ARN is this customer-managed policy's (AWS-managed policies are not ours to judge)."""
    if ":policy/" not in arn or arn.startswith("arn:aws:iam::aws:"):
        return False
    name = as_str(policy.body.get("name"), "name")
    return isinstance(name, str) and arn.rsplit("/", 1)[-1] == name


@dataclass
class _AttachmentMap:
    by_policy: dict[str, list[str]] = field(default_factory=dict)  # policy address -> holder addresses
    literal: list[tuple[str, str]] = field(default_factory=list)  # (policy ARN, holder address)
    unknown: Unknown | None = None


def _attachment_map(index: ResourceIndex) -> _AttachmentMap:
    out = _AttachmentMap()
    for holder in index.of_type(*_ATTACHMENTS, "aws_iam_role"):
        values = holder.body.get("managed_policy_arns") if holder.type == "aws_iam_role" else None
        arns = values if isinstance(values, list) else [values] if values is not None else []
        if holder.type != "aws_iam_role":
            arns = [holder.body.get("policy_arn")]
        for arn in arns:
            target = referenced_resource(arn, holder, index)
            if target is not None:
                out.by_policy.setdefault(target.address, []).append(holder.address)
            elif isinstance(arn, str):
                out.literal.append((arn, holder.address))
            elif isinstance(arn, Unknown) and out.unknown is None:
                out.unknown = Unknown(f"{holder.address} attaches a policy not known before apply ({arn.reason})")
    return out


def _attachments(policy: TfResource, index: ResourceIndex) -> tuple[tuple[str, ...], bool | Unknown]:
    attachments: _AttachmentMap = index.memo("iam-attachments", _attachment_map)
    found = list(attachments.by_policy.get(policy.address, []))
    found += [holder for arn, holder in attachments.literal if _names_policy(arn, policy)]
    if found:
        return tuple(sorted(set(found))), True
    return (), attachments.unknown if attachments.unknown is not None else False


def _policy_name(res: TfResource) -> str | Unknown:
    name = as_str(res.body.get("name"), "name")
    if name is None:
        return Unknown("the policy name is generated at apply")
    return name


def _managed_policy(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    attachments, attached = _attachments(res, index)
    yield IamPolicy(
        prov=res.prov,
        name=_policy_name(res),
        document=policy_document(res.body.get("policy"), res, index),
        attached=attached,
        attachments=attachments,
    )


def _holder(value: Any, res: TfResource, index: ResourceIndex) -> str:
    text = as_str(value, "holder")
    if isinstance(text, str):
        return text
    target = referenced_resource(value, res, index)
    return target.address if target is not None else "a principal known after apply"


def _inline_policy(holder_attr: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        yield IamPolicy(
            prov=res.prov,
            name=_policy_name(res) if res.body.has("name") else res.address,
            document=policy_document(res.body.get("policy"), res, index),
            attached=True,
            attachments=(f"{holder_attr} {_holder(res.body.get(holder_attr), res, index)}",),
        )

    return adapt


def _role_inline_policies(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    """`inline_policy` blocks of an `aws_iam_role`: each is a policy the role holds."""
    for block in res.body.blocks_of("inline_policy"):
        name = as_str(block.get("name"), "name")
        prov = res.prov
        if block.span is not None:
            prov = dataclasses.replace(prov, line=block.span.line, end_line=block.span.end_line)
        yield IamPolicy(
            prov=prov,
            name=name if name is not None else res.address,
            document=policy_document(block.get("policy"), res, index),
            attached=True,
            attachments=(f"role {res.address}",),
        )


# ---------------------------------------------------------------- account password policy


def _password_policy(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    yield PasswordPolicy(
        prov=res.prov,
        min_length=as_int(body.get("minimum_password_length"), "minimum_password_length"),
        require_uppercase=as_bool(body.get("require_uppercase_characters"), "require_uppercase_characters"),
        require_lowercase=as_bool(body.get("require_lowercase_characters"), "require_lowercase_characters"),
        require_numbers=as_bool(body.get("require_numbers"), "require_numbers"),
        require_symbols=as_bool(body.get("require_symbols"), "require_symbols"),
        reuse_prevention=as_int(body.get("password_reuse_prevention"), "password_reuse_prevention"),
        max_age_days=as_int(body.get("max_password_age"), "max_password_age"),
    )


ADAPTERS: dict[str, Adapter] = {
    "azuread_conditional_access_policy": _conditional_access,
    "azuread_directory_role_assignment": _assignment(("role_id",), "principal_object_id", permanent=True),
    "azuread_directory_role_member": _assignment(
        ("role_object_id", "directory_role_object_id"), "member_object_id", permanent=True
    ),
    "azuread_directory_role_eligibility_schedule_request": _assignment(
        ("role_definition_id",), "principal_id", permanent=False
    ),
    "aws_iam_policy": _managed_policy,
    "aws_iam_role_policy": _inline_policy("role"),
    "aws_iam_user_policy": _inline_policy("user"),
    "aws_iam_group_policy": _inline_policy("group"),
    "aws_iam_role": _role_inline_policies,
    "aws_iam_account_password_policy": _password_policy,
}
