"""Every recorded Graph body is one msgraph-sdk's models read completely: no property the model does not know
(Kiota would keep it aside in `additional_data`) and no value lost when the model is written back."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter
from msgraph.generated.models.authentication_strength_policy_collection_response import (
    AuthenticationStrengthPolicyCollectionResponse,
)
from msgraph.generated.models.conditional_access_policy_collection_response import (
    ConditionalAccessPolicyCollectionResponse,
)
from msgraph.generated.models.domain_collection_response import DomainCollectionResponse
from msgraph.generated.models.identity_security_defaults_enforcement_policy import (
    IdentitySecurityDefaultsEnforcementPolicy,
)
from msgraph.generated.models.organization_collection_response import OrganizationCollectionResponse
from msgraph.generated.models.subscribed_sku_collection_response import SubscribedSkuCollectionResponse
from msgraph.generated.models.unified_role_assignment_collection_response import (
    UnifiedRoleAssignmentCollectionResponse,
)
from msgraph.generated.models.unified_role_assignment_schedule_instance_collection_response import (
    UnifiedRoleAssignmentScheduleInstanceCollectionResponse,
)
from msgraph.generated.models.unified_role_definition_collection_response import (
    UnifiedRoleDefinitionCollectionResponse,
)
from msgraph.generated.models.unified_role_eligibility_schedule_instance_collection_response import (
    UnifiedRoleEligibilityScheduleInstanceCollectionResponse,
)
from msgraph.generated.models.user_collection_response import UserCollectionResponse

from tests.m365.support import GRAPH

MODELS: dict[str, type[Any]] = {
    "organization": OrganizationCollectionResponse,
    "subscribedSkus": SubscribedSkuCollectionResponse,
    "identity/conditionalAccess/policies": ConditionalAccessPolicyCollectionResponse,
    "policies/authenticationStrengthPolicies": AuthenticationStrengthPolicyCollectionResponse,
    "policies/identitySecurityDefaultsEnforcementPolicy": IdentitySecurityDefaultsEnforcementPolicy,
    "roleManagement/directory/roleDefinitions": UnifiedRoleDefinitionCollectionResponse,
    "roleManagement/directory/roleAssignments": UnifiedRoleAssignmentCollectionResponse,
    "roleManagement/directory/roleAssignmentScheduleInstances": UnifiedRoleAssignmentScheduleInstanceCollectionResponse,
    "roleManagement/directory/roleEligibilityScheduleInstances": (
        UnifiedRoleEligibilityScheduleInstanceCollectionResponse
    ),
    "domains": DomainCollectionResponse,
    "users": UserCollectionResponse,
}
BODIES = sorted(p for p in GRAPH.rglob("*.json") if p.parent != GRAPH)


def _model(path: Path) -> type[Any]:
    rel = path.relative_to(GRAPH).with_suffix("").as_posix().split("/", 1)[1]
    if rel.endswith("/transitiveMembers/microsoft.graph.user"):
        return UserCollectionResponse
    return MODELS[rel]


def _unknown_properties(obj: Any, where: str = "$") -> list[str]:
    found = [f"{where}.{k}" for k in (getattr(obj, "additional_data", None) or {}) if k != "@odata.context"]
    for name, value in vars(obj).items():
        if name in ("additional_data", "backing_store"):
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if hasattr(item, "additional_data"):
                found += _unknown_properties(item, f"{where}.{name}" + (f"[{i}]" if isinstance(value, list) else ""))
    return found


def _leaves(value: Any, where: str = "$") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, f"{where}.{key}"))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_leaves(item, f"{where}[{i}]"))
        return out or {where: []}
    return {} if value is None else {where: value}


def _attribute(obj: Any, path: str) -> Any:
    """The model's value at a JSON path (`$.value[1].grantControls.operator`)."""
    for part in re.findall(r"[A-Za-z@.]+|\[\d+\]", path.removeprefix("$.").replace(".", " ")):
        for name in part.split():
            if name.startswith("["):
                obj = obj[int(name[1:-1])]
            else:
                obj = getattr(obj, re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())
    return obj


def _flags_read(parsed: Any, path: str, value: Any) -> bool:
    """Kiota reads a flags enum ("mfa") into a list of members but does not write such a list back: the value
    was read, not lost."""
    read = _attribute(parsed, path)
    return isinstance(read, list) and ",".join(str(m.value) for m in read) == value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:
            return dt.datetime.fromisoformat(a.replace("Z", "+00:00")) == dt.datetime.fromisoformat(b)
        except ValueError:
            return False
    return bool(a == b)


def test_there_are_bodies_for_both_tenants() -> None:
    assert {p.relative_to(GRAPH).parts[0] for p in BODIES} == {"weak", "compliant"}


@pytest.mark.parametrize("path", BODIES, ids=lambda p: p.relative_to(GRAPH).as_posix())
def test_body_matches_the_sdk_model(path: Path) -> None:
    raw = path.read_bytes()
    parsed = JsonParseNodeFactory().get_root_parse_node("application/json", raw).get_object_value(_model(path))
    assert _unknown_properties(parsed) == []
    writer = JsonSerializationWriter()
    writer.write_object_value(None, parsed)
    again = _leaves(json.loads(writer.get_serialized_content()))
    original = {k: v for k, v in _leaves(json.loads(raw)).items() if not k.startswith("$.@odata.context")}
    lost = [
        k
        for k, v in original.items()
        if not (k in again and _same(v, again[k])) and not (k not in again and _flags_read(parsed, k, v))
    ]
    # One known limit of the SDK: a multi-method combination ("password,sms") of a flags enum is read as None.
    # The collector reads strength policies as JSON for that reason (Graph.raw_items) and takes a policy's
    # combinations from there; nothing else may be lost.
    unreadable = [k for k in lost if re.search(r"allowedCombinations\[\d+\]$", k) and "," in original[k]]
    assert [k for k in lost if k not in unreadable] == []
    assert all(_attribute(parsed, k) is None for k in unreadable)
