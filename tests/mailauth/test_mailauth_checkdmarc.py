"""Differential test: our SPF and DMARC valid/invalid verdicts against checkdmarc.

checkdmarc resolves include, a, mx, exp and report destinations while it parses.
Its lookup functions are replaced with canned answers and every socket connect
fails the test, so nothing here reaches the network. The verdicts are compared
over the whole case tables; each intended disagreement is listed with its reason,
and the test also fails when a listed disagreement disappears.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.mailauth import parse_dmarc, parse_spf

checkdmarc_spf = pytest.importorskip("checkdmarc.spf")
checkdmarc_dmarc = pytest.importorskip("checkdmarc.dmarc")
checkdmarc_utils = pytest.importorskip("checkdmarc.utils")

CASES = Path(__file__).parent / "cases"
SPF_CASES: list[dict[str, Any]] = yaml.safe_load((CASES / "spf.yaml").read_text("utf-8"))
DMARC_CASES: list[dict[str, Any]] = yaml.safe_load((CASES / "dmarc.yaml").read_text("utf-8"))
# The domain the records are checked for; no case includes it, so no loop is faked.
ORIGIN = "origin.test"

_DOMAIN_SPEC = (
    "we follow the RFC 7208 section 12 domain-end rule (a dot and a valid top-level label) "
    "and DNS label limits; checkdmarc only warns and accepts"
)
SPF_DISAGREEMENTS: dict[str, str] = {
    "upper-case": "RFC 7208 ABNF literals are case-insensitive, so V=SPF1 is valid; "
    "checkdmarc's grammar only accepts a lower-case version tag",
    "mx-port": _DOMAIN_SPEC,
    "include-localhost": _DOMAIN_SPEC,
    "a-ip-literal": _DOMAIN_SPEC,
    "include-empty-label": _DOMAIN_SPEC,
    "include-with-prefix": _DOMAIN_SPEC,
    "include-double-trailing-dot": _DOMAIN_SPEC,
    "include-long-label": _DOMAIN_SPEC,
    "redirect-localhost": _DOMAIN_SPEC,
    "macro-in-unknown-modifier": "an unknown modifier's value is still a macro-string in the ABNF; "
    "checkdmarc ignores unknown modifiers entirely",
}

_RFC9989 = "we follow RFC 7489 (plus RFC 9091 np); checkdmarc follows RFC 9989, "
DMARC_DISAGREEMENTS: dict[str, str] = {
    "whitespace-everywhere": "the RFC 7489 ABNF allows whitespace around ':' in fo; checkdmarc does not strip it",
    "empty-segment": "an empty tag (';;') is ignored by receivers, so we only warn; checkdmarc rejects it",
    "bad-t-value": "t is a DMARCbis tag that RFC 7489 receivers ignore, so a bad value is a warning; "
    "checkdmarc rejects it",
    "version-only": _RFC9989 + "where a missing p means p=none",
    "rua-without-p": _RFC9989 + "where a missing p means p=none",
    "rua-bad-uri-p-missing": _RFC9989 + "where a missing p means p=none and any URI scheme is allowed",
    "p-missing-keeps-sp": _RFC9989 + "where a missing p means p=none",
    "pct-101": _RFC9989 + "which removed pct and ignores it",
    "pct-negative": _RFC9989 + "which removed pct and ignores it",
    "pct-word": _RFC9989 + "which removed pct and ignores it",
    "pct-decimal": _RFC9989 + "which removed pct and ignores it",
    "ri-word": _RFC9989 + "which removed ri and ignores it",
    "rf-bad-keyword": _RFC9989 + "which removed rf and ignores it",
    "adkim-x": "a bad adkim is an error for us; checkdmarc warns and falls back to r (RFC 9989)",
    "aspf-word": "a bad aspf is an error for us; checkdmarc warns and falls back to r (RFC 9989)",
    "rua-https": "we accept only mailto: report URIs, the one scheme receivers must support; "
    "checkdmarc accepts any URI scheme",
    "rua-bad-size-unit": "the size suffix is digits plus k/m/g/t (RFC 7489 6.4); checkdmarc accepts any word",
    "rua-size-over-64-bits": "RFC 7489 6.4 says the size must fit in 64 bits; checkdmarc does not check",
    "rua-single-label-host": "we require a multi-label report domain; checkdmarc accepts 'localhost'",
    "local-part-raw-bang": "RFC 7489 6.4 requires '!' inside a URI to be percent-encoded; checkdmarc accepts it raw",
    "rua-semicolon-list": "space-separated URIs are one invalid URI for us; checkdmarc reads the first "
    "mailto: and ignores the rest",
}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Canned DNS answers for checkdmarc, and no sockets at all."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(checkdmarc_utils, "query_dns", refuse)
    monkeypatch.setattr(checkdmarc_spf, "query_dns", refuse)
    monkeypatch.setattr(checkdmarc_spf, "get_reverse_dns", refuse)
    monkeypatch.setattr(checkdmarc_spf, "get_a_records", lambda *a, **k: ["192.0.2.1"])
    mx = [{"hostname": "mx.example.com", "preference": 10}]
    monkeypatch.setattr(checkdmarc_spf, "get_mx_records", lambda *a, **k: mx)
    monkeypatch.setattr(checkdmarc_spf, "query_spf_record", lambda *a, **k: {"record": "v=spf1 -all", "warnings": []})
    monkeypatch.setattr(checkdmarc_spf, "get_txt_records", lambda *a, **k: ["explanation"])
    # No authorisation record and working MX hosts for every report destination.
    monkeypatch.setattr(checkdmarc_dmarc, "query_dns", lambda *a, **k: [])
    monkeypatch.setattr(checkdmarc_dmarc, "get_mx_records", lambda *a, **k: mx)


def checkdmarc_spf_valid(record: str) -> bool:
    if not checkdmarc_spf._is_spf_record(record):
        return False
    try:
        checkdmarc_spf.parse_spf_record(record, ORIGIN, ignore_too_many_lookups=True)
    except checkdmarc_spf.SPFError:
        return False
    return True


def checkdmarc_dmarc_valid(record: str) -> bool:
    if not checkdmarc_dmarc._is_dmarc_record(record):
        return False
    try:
        checkdmarc_dmarc.parse_dmarc_record(record, ORIGIN)
    except checkdmarc_dmarc.DMARCError:
        return False
    return True


def test_disagreement_lists_name_real_cases() -> None:
    assert set(SPF_DISAGREEMENTS) <= {case["id"] for case in SPF_CASES}
    assert set(DMARC_DISAGREEMENTS) <= {case["id"] for case in DMARC_CASES}


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("case", SPF_CASES, ids=[c["id"] for c in SPF_CASES])
def test_spf_verdict_matches_checkdmarc(case: dict[str, Any]) -> None:
    ours = parse_spf(case["record"]).valid
    theirs = checkdmarc_spf_valid(case["record"])
    if case["id"] in SPF_DISAGREEMENTS:
        assert ours != theirs, f"listed disagreement no longer holds: {SPF_DISAGREEMENTS[case['id']]}"
    else:
        assert ours == theirs


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("case", DMARC_CASES, ids=[c["id"] for c in DMARC_CASES])
def test_dmarc_verdict_matches_checkdmarc(case: dict[str, Any]) -> None:
    ours = parse_dmarc(case["record"]).valid
    theirs = checkdmarc_dmarc_valid(case["record"])
    if case["id"] in DMARC_DISAGREEMENTS:
        assert ours != theirs, f"listed disagreement no longer holds: {DMARC_DISAGREEMENTS[case['id']]}"
    else:
        assert ours == theirs
