"""Table-driven tests of the DMARC parser (cases/dmarc.yaml), organisational domains and
external report authorisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.mailauth.dmarc import (
    dmarc_record_set_problems,
    external_report_authorization_name,
    find_dmarc_records,
    is_dmarc,
    parse_dmarc,
    parse_report_uri,
    policy_strength,
)
from emailiac.mailauth.orgdomain import normalize_domain, organizational_domain, same_organization

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "cases" / "dmarc.yaml").read_text("utf-8"))
SCALARS = ("policy", "subdomain_policy", "nonexistent_policy", "pct", "adkim", "aspf", "ri")


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dmarc_case(case: dict[str, Any]) -> None:
    record = parse_dmarc(case["record"])
    assert [p.code for p in record.problems] == case["codes"], record.problems
    assert record.valid == (not any(p.is_error for p in record.problems))
    for name in SCALARS:
        if name in case:
            assert getattr(record, name) == case[name], name
    for name in ("fo", "rf"):
        if name in case:
            assert list(getattr(record, name)) == case[name], name
    if "rua" in case:
        assert [uri.address for uri in record.rua] == case["rua"]
    if "ruf" in case:
        assert [uri.address for uri in record.ruf] == case["ruf"]
    if "sizes" in case:
        assert [uri.size_bytes for uri in record.rua] == case["sizes"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_positions_point_into_record(case: dict[str, Any]) -> None:
    text = case["record"]
    for problem in parse_dmarc(text).problems:
        if problem.position is not None:
            assert 0 <= problem.position <= len(text)
            assert f"position {problem.position}" in problem.message or problem.code == "version"


def test_uri_positions() -> None:
    text = "v=DMARC1; p=reject; rua=mailto:a@example.com, https://x.example.com/r"
    record = parse_dmarc(text)
    (uri,) = record.rua
    assert text[uri.position :].startswith("mailto:a@example.com")
    (problem,) = record.problems
    assert text[problem.position or 0 :].startswith("https://x.example.com/r")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=DMARC1; p=reject", True),
        ("v=DMARC1", True),
        ("v=DMARC1;", True),
        ("v = DMARC1 ; p=none", True),
        (" v=DMARC1; p=none", True),
        ("v=dmarc1; p=none", True),
        ("v=DMARC10; p=none", False),
        ("v=DMARC1, p=none", False),
        ("p=none; v=DMARC1", False),
        ("v=spf1 -all", False),
        ("", False),
    ],
)
def test_is_dmarc(text: str, expected: bool) -> None:
    assert is_dmarc(text) is expected


def test_find_and_multiple() -> None:
    values = ["v=DMARC1; p=none", "v=spf1 -all", "v=DMARC1; p=reject"]
    assert find_dmarc_records(values) == ["v=DMARC1; p=none", "v=DMARC1; p=reject"]
    assert [p.code for p in dmarc_record_set_problems(values)] == ["multiple"]
    assert dmarc_record_set_problems(values[:2]) == ()


def test_policy_strength() -> None:
    assert policy_strength("none") < policy_strength("quarantine") < policy_strength("reject")
    assert policy_strength("REJECT") == policy_strength("reject")
    assert policy_strength(None) < policy_strength("none")
    assert policy_strength("block") == -1


def test_parse_report_uri() -> None:
    uri, error = parse_report_uri("mailto:Reports@Vendor.Example!5k", 7)
    assert error is None
    assert (uri.address, uri.domain, uri.size_limit, uri.size_bytes, uri.position) == (
        "Reports@Vendor.Example",
        "vendor.example",
        "5k",
        5120,
        7,
    )
    assert parse_report_uri("MAILTO:a@example.com")[1] is None
    assert parse_report_uri("https://example.com")[1] is not None


def test_tags_keep_order_and_raw_values() -> None:
    record = parse_dmarc("v=DMARC1; p=Reject; rua=mailto:a@example.com")
    assert [tag.name for tag in record.tags] == ["v", "p", "rua"]
    tag = record.tag("p")
    assert tag is not None and tag.value == "Reject"
    assert record.has_tag("rua") and not record.has_tag("ruf")


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("mail.example.co.uk", "example.co.uk"),
        ("example.co.uk", "example.co.uk"),
        ("a.b.c.example.com", "example.com"),
        ("Example.COM.", "example.com"),
        ("co.uk", "co.uk"),
        ("com", "com"),
        ("foo.bar.github.io", "bar.github.io"),
        ("mail.example.unknowntld", "example.unknowntld"),
        ("mail.bücher.de", "xn--bcher-kva.de"),
        ("", ""),
    ],
)
def test_organizational_domain(domain: str, expected: str) -> None:
    assert organizational_domain(domain) == expected


def test_normalize_and_same_organization() -> None:
    assert normalize_domain(" Mail.Example.COM. ") == "mail.example.com"
    assert same_organization("a.example.com", "b.example.com")
    assert not same_organization("example.com", "example.net")


@pytest.mark.parametrize(
    ("domain", "address", "expected"),
    [
        ("example.com", "mailto:dmarc@rua.vendor.net", "example.com._report._dmarc.rua.vendor.net"),
        ("example.com", "mailto:d@rua.vendor.net!10m", "example.com._report._dmarc.rua.vendor.net"),
        ("example.com", "dmarc@Vendor.NET", "example.com._report._dmarc.vendor.net"),
        ("mail.example.com", "mailto:dmarc@example.com", None),
        ("example.com", "mailto:dmarc@reports.example.com", None),
        ("example.co.uk", "mailto:dmarc@other.co.uk", "example.co.uk._report._dmarc.other.co.uk"),
        ("example.com", "mailto:not-an-address", None),
        ("example.com", "https://example.net/reports", None),
        ("", "mailto:a@example.net", None),
    ],
)
def test_external_report_authorization_name(domain: str, address: str, expected: str | None) -> None:
    assert external_report_authorization_name(domain, address) == expected
