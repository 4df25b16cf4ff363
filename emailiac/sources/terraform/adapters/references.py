"""Following a reference that stays unresolved before apply (`aws_lb.mail.arn`) to the resource it names,
so an adapter can read what that resource declares (its `name`, its `domain`) instead."""

from __future__ import annotations

import re
from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.adapters.coerce import as_str, ref_target
from emailiac.sources.terraform.resource import ResourceIndex, TfResource

__all__ = ["referenced_resource", "resolved_str"]

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]$")


def referenced_resource(value: Any, res: TfResource, index: ResourceIndex) -> TfResource | None:
    """The one resource an unresolved reference points at, looked up from `res`'s module too."""
    target = ref_target(value)
    if target is None:
        return None
    candidates = [target]
    if res.module and not target.startswith("module."):
        candidates.append(f"{res.module}.{target}")
    for address in candidates:
        found = index.by_config_address(_INSTANCE_KEY.sub("", address))
        exact = [r for r in found if r.address == address]
        if len(exact) == 1:
            return exact[0]
        if len(found) == 1:
            return found[0]
    return None


def resolved_str(
    value: Any, res: TfResource, index: ResourceIndex, attrs: tuple[str, ...], where: str
) -> str | Unknown | None:
    """A string value; an unresolved reference is answered by the first of `attrs` the referenced resource
    declares (an SES identity's ARN stands for the identity, whose `domain` is known)."""
    text = as_str(value, where)
    if not isinstance(text, Unknown):
        return text
    target = referenced_resource(value, res, index)
    if target is not None:
        for attr in attrs:
            known = as_str(target.body.get(attr), attr)
            if isinstance(known, str):
                return known
    return text
