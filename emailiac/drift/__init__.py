"""Drift: what Terraform declares against what runs (AWS, Microsoft 365, DNS), judged on both sides."""

from emailiac.drift.model import Change, Coverage, DriftItem, DriftReport, NotCompared

__all__ = ["Change", "Coverage", "DriftItem", "DriftReport", "NotCompared"]
