"""Entra ID built-in directory roles by name, and whether an assignment holds a privileged one.

Terraform often names a role by display name (`azuread_directory_role { display_name = ... }`), whose
template ID is known only after apply; the names of the highly privileged roles are fixed, so they map
back to their template IDs here. Older tenants and docs use the legacy names, which are kept as aliases.
"""

from __future__ import annotations

from collections.abc import Iterable

from emailiac.model import RoleAssignment, Unknown

__all__ = [
    "ROLE_NAMES",
    "ROLE_TEMPLATES_BY_NAME",
    "is_privileged",
    "role_label",
    "template_for_name",
]

ROLE_NAMES: dict[str, str] = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
    "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
}

_LEGACY_NAMES = {
    "company administrator": "62e90394-69f5-4237-9190-012177145e10",
    "user account administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "sharepoint service administrator": "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
    "exchange service administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
}

ROLE_TEMPLATES_BY_NAME: dict[str, str] = {
    **{name.lower(): template for template, name in ROLE_NAMES.items()},
    **_LEGACY_NAMES,
}


def template_for_name(name: str) -> str | None:
    """The template ID of a highly privileged role given its display name (any case), else None."""
    return ROLE_TEMPLATES_BY_NAME.get(" ".join(name.split()).lower())


def role_label(template_id: str | Unknown, name: str | Unknown | None = None) -> str:
    """How a message names a role: its display name when known, else its template ID."""
    if isinstance(template_id, str) and template_id.lower() in ROLE_NAMES:
        return ROLE_NAMES[template_id.lower()]
    if isinstance(name, str):
        return name
    return template_id if isinstance(template_id, str) else "a role not known before apply"


def is_privileged(assignment: RoleAssignment, privileged: Iterable[str]) -> bool | Unknown:
    """Whether the assignment's role is one of `privileged` (template IDs).

    A role known only by display name is judged by name: it is privileged if its name is one of the
    privileged roles' names, and not privileged if every privileged role has a known name it does not match.
    """
    wanted = {p.lower() for p in privileged}
    template = assignment.role_template_id
    if isinstance(template, str):
        return template.lower() in wanted
    name = assignment.role_name
    if isinstance(name, str):
        by_name = template_for_name(name)
        if by_name is not None:
            return by_name in wanted
        if all(p in ROLE_NAMES for p in wanted):
            return False
        return Unknown(f"role '{name}' is known only by name and the baseline lists roles by template ID")
    return template
