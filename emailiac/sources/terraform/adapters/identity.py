"""Terraform resources of the identity family as facts."""

from __future__ import annotations

from emailiac.sources.terraform.adapters.types import Adapter

ADAPTERS: dict[str, Adapter] = {}
