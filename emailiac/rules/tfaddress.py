"""The Terraform resource type behind a subject, for fixes that must write that type's own spelling
(`Require` on `aws_ses_configuration_set`, `REQUIRE` on `aws_sesv2_configuration_set`)."""

from __future__ import annotations

import re

from emailiac.model import Provenance

__all__ = ["resource_type"]

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]$")


def resource_type(subject: Provenance) -> str | None:
    """`aws_sesv2_configuration_set` for `module.mail.aws_sesv2_configuration_set.main["a"]`; None for
    live subjects."""
    if subject.source != "terraform":
        return None
    parts = _INSTANCE_KEY.sub("", subject.address).split(".")
    return parts[-2] if len(parts) >= 2 else None
