"""Every Microsoft Graph request the live collector makes: the one list the permissions printout, the
read-only test and the denied-call reasons are derived from.

Graph's 403 (`Authorization_RequestDenied`) names no permission, so each call carries the least-privileged
application permission that allows it (from the permissions section of each API's v1.0 reference) and the
fact types it feeds: when Graph refuses the call, those fact types are what the scan could not see.
Every request is a GET.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["CALLS", "USER_PROPERTIES", "Call", "application_permissions", "lookup", "permissions"]

# Graph's default property set of a user leaves out both properties RBAC003 needs.
USER_PROPERTIES = (
    "id",
    "displayName",
    "userPrincipalName",
    "userType",
    "onPremisesImmutableId",
    "onPremisesSyncEnabled",
)


@dataclass(frozen=True)
class Call:
    key: str  # how the collector names it
    path: str  # below the Graph root; `{id}` is filled in per request
    permission: str  # least-privileged application permission
    feeds: tuple[str, ...]  # fact types (model.FACT_TYPES names) it collects
    select: tuple[str, ...] = ()
    expand: tuple[str, ...] = ()
    why: str = ""  # what the scan reads it for (the permissions printout says it)

    def url(self, root: str, *, filter: str | None = None, **ids: str) -> str:
        """The request URL below `root` (`https://graph.microsoft.com/v1.0`), query options encoded."""
        path = self.path.format(**{k: quote(v, safe="") for k, v in ids.items()})
        options = [("$select", ",".join(self.select)), ("$expand", ",".join(self.expand)), ("$filter", filter or "")]
        query = "&".join(f"{k}={quote(v, safe=',()')}" for k, v in options if v)
        return f"{root}/{path}" + (f"?{query}" if query else "")


_CA = ("ConditionalAccessPolicy",)
_ROLES = ("RoleAssignment",)

CALLS: tuple[Call, ...] = (
    Call("organization", "organization", "Organization.Read.All", (), why="tenant ID and name"),
    Call("subscribedSkus", "subscribedSkus", "LicenseAssignment.Read.All", (), why="Entra ID P1/P2 licences (PIM)"),
    Call(
        "conditionalAccessPolicies",
        "identity/conditionalAccess/policies",
        "Policy.Read.All",
        _CA,
        why="conditional access policies (MFA001-MFA004)",
    ),
    Call(
        "authenticationStrengthPolicies",
        "policies/authenticationStrengthPolicies",
        "Policy.Read.All",
        _CA,
        why="allowed method combinations of the strengths the policies use",
    ),
    Call(
        "securityDefaults",
        "policies/identitySecurityDefaultsEnforcementPolicy",
        "Policy.Read.All",
        ("SecurityDefaults",),
        why="security defaults (MFA001)",
    ),
    Call(
        "roleDefinitions",
        "roleManagement/directory/roleDefinitions",
        "RoleManagement.Read.Directory",
        _ROLES,
        select=("id", "displayName", "templateId", "isBuiltIn"),
        why="directory role names and templates",
    ),
    Call(
        "roleAssignments",
        "roleManagement/directory/roleAssignments",
        "RoleManagement.Read.Directory",
        _ROLES,
        expand=("principal",),
        why="active role assignments and their principals (RBAC001-RBAC003)",
    ),
    Call(
        "roleAssignmentScheduleInstances",
        "roleManagement/directory/roleAssignmentScheduleInstances",
        "RoleAssignmentSchedule.Read.Directory",
        _ROLES,
        why="whether active assignments end (RBAC002)",
    ),
    Call(
        "roleEligibilityScheduleInstances",
        "roleManagement/directory/roleEligibilityScheduleInstances",
        "RoleEligibilitySchedule.Read.Directory",
        _ROLES,
        expand=("principal",),
        why="eligible assignments (RBAC001, RBAC003)",
    ),
    Call(
        "privilegedUsers",
        "users",
        "User.Read.All",
        _ROLES,
        select=USER_PROPERTIES,
        why="guest and on-premises-synced holders of roles (RBAC003)",
    ),
    Call(
        "groupMembers",
        "groups/{id}/transitiveMembers/microsoft.graph.user",
        "GroupMember.Read.All",
        _ROLES,
        select=USER_PROPERTIES,
        why="users holding a role through a group",
    ),
    Call(
        "domains",
        "domains",
        "Domain.Read.All",
        ("DirectoryDomain", "MailDomain"),
        why="domains, password expiry (PWD002) and mail domains (DKIM001)",
    ),
)

_BY_KEY = {c.key: c for c in CALLS}


def lookup(key: str) -> Call:
    """The listed call; a KeyError for one that is not listed (the collector must not make it)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"{key} is not in emailiac.sources.m365.calls.CALLS") from None


def application_permissions() -> list[str]:
    """The Microsoft Graph application permissions of the calls above, sorted."""
    return sorted({c.permission for c in CALLS})


def permissions() -> list[dict[str, object]]:
    """The application permissions of Microsoft Graph the scan needs, each with the calls it allows."""
    by_permission: dict[str, list[Call]] = {}
    for call in CALLS:
        by_permission.setdefault(call.permission, []).append(call)
    return [
        {
            "permission": permission,
            "type": "Application",
            "api": "Microsoft Graph",
            "requests": [f"GET /{c.path}" for c in calls],
            "reads": [c.why for c in calls if c.why],
        }
        for permission, calls in sorted(by_permission.items())
    ]
