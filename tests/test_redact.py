"""Masking of sensitive values: whole values, their identifying parts in any case, keys cut short."""

from __future__ import annotations

import pytest

from emailiac.redact import MASK, Redactor

SECRETS = {
    "v=DMARC1; p=none; rua=mailto:reports@secret-corp.example",
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCsecretkeymaterial",
    "eu",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sends reports to mailto:reports@secret-corp.example", f"sends reports to mailto:{MASK}"),
        ("domain REPORTS@SECRET-CORP.EXAMPLE", f"domain {MASK}"),
        ("p=MIGfMA0GCSqGSIb3DQEBAQUAA4GN... is short", f"p={MASK}... is short"),
        # Record syntax and short values are left alone: masking them would garble every message.
        ("DMARC record at _dmarc.example.com has p=none", "DMARC record at _dmarc.example.com has p=none"),
        ("region eu-west-1", "region eu-west-1"),
    ],
)
def test_redactor_masks_sensitive_parts_only(text: str, expected: str) -> None:
    assert Redactor(SECRETS)(text) == expected


def test_redactor_without_secrets_changes_nothing() -> None:
    redact = Redactor(set())
    assert not redact and redact("anything") == "anything" and not redact.reveals("anything")
