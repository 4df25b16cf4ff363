"""IAM as facts (IAM is global: collected once): the account password policy, root MFA, and the policies that
allow SES actions.

Policies come from one paginated GetAccountAuthorizationDetails: customer-managed policies (their default
version, attached when AttachmentCount > 0) and the inline policies of users, groups and roles (always
attached). AWS-managed policies are left out, as in Terraform, where only declared policies are judged.
Only policies with an Allow statement that can reach an `ses:` action are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from emailiac.model import IamPolicy, PasswordPolicy, RootAccount, Unknown
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import GLOBAL, Unit, live_prov

__all__ = ["allows_ses", "collect_iam"]

_HOLDERS = (
    ("UserDetailList", "UserName", "user"),
    ("GroupDetailList", "GroupName", "group"),
    ("RoleDetailList", "RoleName", "role"),
)
_INLINE_KEYS = {"user": "UserPolicyList", "group": "GroupPolicyList", "role": "RolePolicyList"}


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _service_pattern(pattern: str) -> re.Pattern[str]:
    service = pattern.split(":", 1)[0]
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in service)
    return re.compile(body, re.IGNORECASE)


def allows_ses(document: Any) -> bool:
    """Whether some Allow statement may grant an `ses:` action (`ses:*`, `s*:Send*`, `*`, or NotAction)."""
    if not isinstance(document, Mapping):
        return False
    for statement in _as_list(document.get("Statement", [])):
        if not isinstance(statement, Mapping) or str(statement.get("Effect", "")).lower() != "allow":
            continue
        if "NotAction" in statement:
            return True
        for action in _as_list(statement.get("Action", [])):
            if isinstance(action, str) and _service_pattern(action).fullmatch("ses"):
                return True
    return False


def _document(raw: Any) -> Mapping[str, Any] | Unknown:
    """A policy document: botocore decodes them; a string (URL-encoded JSON) is decoded here."""
    if isinstance(raw, Mapping):
        return raw
    try:
        parsed = json.loads(unquote(str(raw)))
    except json.JSONDecodeError as exc:
        return Unknown(f"the policy document is not valid JSON ({exc.msg})")
    return parsed if isinstance(parsed, Mapping) else Unknown("the policy document is not a JSON object")


def _password_policy(unit: Unit) -> None:
    try:
        policy = unit.call("GetAccountPasswordPolicy").get("PasswordPolicy", {})
    except CallFailed as failure:
        if failure.code == "NoSuchEntity":
            return  # the account has no password policy: an absence the rule judges
        unit.missed(failure)
        return

    def number(key: str) -> int | None:
        value = policy.get(key)
        return value if isinstance(value, int) else None

    unit.facts.append(
        PasswordPolicy(
            prov=live_prov(GLOBAL, "iam", "account-password-policy", import_id="iam-account-password-policy"),
            min_length=number("MinimumPasswordLength"),
            require_uppercase=bool(policy.get("RequireUppercaseCharacters", False)),
            require_lowercase=bool(policy.get("RequireLowercaseCharacters", False)),
            require_numbers=bool(policy.get("RequireNumbers", False)),
            require_symbols=bool(policy.get("RequireSymbols", False)),
            reuse_prevention=number("PasswordReusePrevention"),
            max_age_days=number("MaxPasswordAge"),
        )
    )


def _root(unit: Unit) -> None:
    try:
        summary = unit.call("GetAccountSummary").get("SummaryMap", {})
    except CallFailed as failure:
        unit.missed(failure)
        return
    enabled = summary.get("AccountMFAEnabled")
    unit.facts.append(
        RootAccount(
            prov=live_prov(GLOBAL, "iam", "root"),
            mfa_enabled=bool(enabled)
            if isinstance(enabled, int)
            else Unknown("the account summary does not report AccountMFAEnabled"),
        )
    )


def _default_version(policy: Mapping[str, Any]) -> Any:
    for version in policy.get("PolicyVersionList", []):
        if version.get("IsDefaultVersion"):
            return version.get("Document")
    return None


def _holders(pages: list[dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, name, details) of every user, group and role."""
    for page in pages:
        for list_key, name_key, kind in _HOLDERS:
            for holder in page.get(list_key, []):
                yield kind, str(holder.get(name_key, "")), holder


def _inline_policies(pages: list[dict[str, Any]]) -> Iterator[IamPolicy]:
    for kind, who, holder in _holders(pages):
        for item in holder.get(_INLINE_KEYS[kind], []):
            name = str(item.get("PolicyName", ""))
            document = _document(item.get("PolicyDocument"))
            if isinstance(document, Unknown) or allows_ses(document):
                yield IamPolicy(
                    prov=live_prov(GLOBAL, "iam", kind, f"{who}/policy/{name}", f"{who}:{name}"),
                    name=name,
                    document=document,
                    attached=True,
                    attachments=(f"{kind} {who}",),
                )


def _managed_policies(pages: list[dict[str, Any]]) -> Iterator[IamPolicy]:
    holders: dict[str, list[str]] = {}
    for kind, who, holder in _holders(pages):
        for attached in holder.get("AttachedManagedPolicies", []):
            holders.setdefault(str(attached.get("PolicyArn", "")), []).append(f"{kind} {who}")
    for page in pages:
        for policy in page.get("Policies", []):
            document = _document(_default_version(policy))
            if not isinstance(document, Unknown) and not allows_ses(document):
                continue
            arn = str(policy.get("Arn", ""))
            count = policy.get("AttachmentCount")
            yield IamPolicy(
                prov=live_prov(GLOBAL, "iam", "policy", arn.split(":policy/", 1)[-1], import_id=arn),
                name=str(policy.get("PolicyName") or arn.rsplit("/", 1)[-1]),
                document=document,
                attached=count > 0 if isinstance(count, int) else bool(holders.get(arn)),
                attachments=tuple(sorted(holders.get(arn, []))),
            )


def _policies(unit: Unit) -> None:
    try:
        filters = ["LocalManagedPolicy", "User", "Group", "Role"]
        pages = list(unit.pages("GetAccountAuthorizationDetails", Filter=filters))
    except CallFailed as failure:
        unit.missed(failure)
        return
    unit.facts.extend(_managed_policies(pages))
    unit.facts.extend(_inline_policies(pages))


def collect_iam(unit: Unit) -> None:
    _password_policy(unit)
    _root(unit)
    _policies(unit)
