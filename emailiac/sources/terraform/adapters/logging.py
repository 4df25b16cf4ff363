"""Terraform resources of the logging family as facts: CloudTrail trails and Entra ID diagnostic settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emailiac.model import AuditTrail, Fact, LogExport, Unknown
from emailiac.sources.terraform.adapters.coerce import as_bool, as_str
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import ResourceIndex, TfResource

__all__ = ["ADAPTERS"]


def _flag(value: Any, where: str, default: bool) -> bool | Unknown:
    flag = as_bool(value, where)
    return default if flag is None else flag


def _cloudtrail(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    name = as_str(body.get("name"), "name")
    yield AuditTrail(
        prov=res.prov,
        name=Unknown("name is not set") if name is None else name,
        # The provider's defaults: single-region, no validation, logging on.
        multi_region=_flag(body.get("is_multi_region_trail"), "is_multi_region_trail", False),
        log_validation=_flag(body.get("enable_log_file_validation"), "enable_log_file_validation", False),
        logging=_flag(body.get("enable_logging"), "enable_logging", True),
    )


def _exported_categories(res: TfResource) -> tuple[str, ...] | Unknown:
    """Categories of `enabled_log` blocks, and of `log` blocks (the older form) whose `enabled` is not false."""
    body = res.body
    categories: list[str] = []
    for kind in ("enabled_log", "log"):
        pending = body.unknown_blocks(kind)
        if pending is not None:
            return Unknown(f"{kind} blocks are not known ({pending.reason})", pending.refs)
        for block in body.blocks_of(kind):
            if kind == "log":
                enabled = _flag(block.get("enabled"), "log.enabled", True)
                if isinstance(enabled, Unknown):
                    return enabled
                if not enabled:
                    continue
            category = as_str(block.get("category"), f"{kind}.category")
            if isinstance(category, Unknown):
                return category
            if category is not None and category not in categories:
                categories.append(category)
    return tuple(categories)


def _aad_diagnostic_setting(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    name = as_str(res.body.get("name"), "name")
    yield LogExport(
        prov=res.prov,
        name=Unknown("name is not set") if name is None else name,
        categories=_exported_categories(res),
    )


ADAPTERS: dict[str, Adapter] = {
    "aws_cloudtrail": _cloudtrail,
    "azurerm_monitor_aad_diagnostic_setting": _aad_diagnostic_setting,
}
