"""Account- and tenant-wide judgements: who speaks for the whole account, and what the verdict is about.

An absence ("no password policy", "no MFA policy") means something only where the input covers the whole
AWS account or Microsoft 365 tenant: a live scan, or a Terraform tree the baseline declares authoritative.
"""

from __future__ import annotations

from emailiac.baseline import Baseline
from emailiac.model import AWS_REGION_CATEGORY, Inventory, Provenance
from emailiac.rules.base import Verdict, out_of_scope

__all__ = [
    "CATEGORY_LABELS",
    "is_authoritative",
    "not_authoritative",
    "scanned_regions",
    "scope_subject",
    "source_of",
]

CATEGORY_LABELS = {"aws_account": "AWS account", "m365_tenant": "Microsoft 365 tenant"}


def is_authoritative(inventory: Inventory, baseline: Baseline, category: str) -> bool:
    return category in inventory.authoritative or baseline.is_authoritative(category)


def scanned_regions(inventory: Inventory) -> list[str]:
    """The AWS regions a live scan read as a whole, sorted."""
    return sorted(c[len(AWS_REGION_CATEGORY) :] for c in inventory.authoritative if c.startswith(AWS_REGION_CATEGORY))


def source_of(inventory: Inventory, live: str) -> str:
    """The source a whole-account verdict is reported under: Terraform when it is an input, else `live`."""
    if "terraform" in inventory.sources or not inventory.sources:
        return "terraform"
    return live


def scope_subject(inventory: Inventory, category: str, live: str, live_address: str) -> Provenance:
    """The synthetic subject of a whole-account verdict (`aws_account`, `m365://tenant/...`)."""
    if source_of(inventory, live) == "terraform":
        return Provenance("terraform", category)
    return Provenance(live, live_address)


def not_authoritative(subject: Provenance, category: str, finding: str) -> Verdict:
    """`finding` cannot be judged: the input does not speak for the whole account or tenant."""
    label = CATEGORY_LABELS.get(category, category)
    return out_of_scope(
        subject,
        f"{finding}; the configuration does not declare the whole {label} "
        f"(list {category} under terraform.authoritative in the baseline to judge it)",
    )
