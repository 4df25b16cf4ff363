"""Table-driven tests of the MTA-STS record and policy parsers (cases/mtasts.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.mailauth.mtasts import (
    find_sts_records,
    is_sts_record,
    mx_covered,
    mx_pattern_matches,
    parse_sts_policy,
    parse_sts_record,
    sts_record_set_problems,
)

TABLE: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "mtasts.yaml").read_text("utf-8")
)
RECORDS = TABLE["records"]
POLICIES = TABLE["policies"]


def test_case_ids_are_unique() -> None:
    for cases in (RECORDS, POLICIES):
        ids = [case["id"] for case in cases]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", RECORDS, ids=[c["id"] for c in RECORDS])
def test_sts_record_case(case: dict[str, Any]) -> None:
    record = parse_sts_record(case["record"])
    assert [p.code for p in record.problems] == case["codes"], record.problems
    assert record.valid == (not any(p.is_error for p in record.problems))
    if "sts_id" in case:
        assert record.id == case["sts_id"]


@pytest.mark.parametrize("case", POLICIES, ids=[c["id"] for c in POLICIES])
def test_sts_policy_case(case: dict[str, Any]) -> None:
    policy = parse_sts_policy(case["text"])
    assert [p.code for p in policy.problems] == case["codes"], policy.problems
    assert policy.valid == (not any(p.is_error for p in policy.problems))
    for name in ("version", "mode", "max_age"):
        if name in case:
            assert getattr(policy, name) == case[name], name
    if "mx" in case:
        assert list(policy.mx) == case["mx"]


def test_policy_problem_positions() -> None:
    text = "version: STSv1\r\nmode: testing\r\nmx: a.example.com\r\nmx: *.*.example.com\r\nmax_age: 86400\r\n"
    (problem,) = parse_sts_policy(text).problems
    assert problem.position == text.index("mx: *")
    assert f"position {problem.position}" in problem.message


def test_extensions_are_kept() -> None:
    record = parse_sts_record("v=STSv1; id=1; foo=bar")
    assert record.extensions == (("foo", "bar"),)
    policy = parse_sts_policy("version: STSv1\nmode: none\nmax_age: 1\nfoo: bar baz\n")
    assert policy.extensions == (("foo", "bar baz"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=STSv1; id=1", True),
        ("v=STSv1;id=1", True),
        ("v=STSv1", True),
        ("v=STSv1 ; id=1", True),
        ("v=STSv10; id=1", False),
        ("v=stsv1; id=1", False),
        ("id=1; v=STSv1", False),
    ],
)
def test_is_sts_record(text: str, expected: bool) -> None:
    assert is_sts_record(text) is expected


def test_find_and_multiple() -> None:
    values = ["v=STSv1; id=1", "v=STSv1; id=2", "v=spf1 -all"]
    assert find_sts_records(values) == values[:2]
    assert [p.code for p in sts_record_set_problems(values)] == ["multiple"]
    assert sts_record_set_problems(values[1:]) == ()


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("mail.example.com", "mail.example.com", True),
        ("mail.example.com", "MAIL.Example.COM.", True),
        ("mail.example.com.", "mail.example.com", True),
        ("mail.example.com", "mx.example.com", False),
        ("*.example.com", "mx1.example.com", True),
        ("*.example.com", "MX1.EXAMPLE.COM.", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", "mx1.example.com.evil.net", False),
        ("*.example.com", "mx1example.com", False),
        ("*.example.com", ".example.com", False),
    ],
)
def test_mx_pattern_matches(pattern: str, host: str, expected: bool) -> None:
    assert mx_pattern_matches(pattern, host) is expected


def test_mx_covered() -> None:
    policy = parse_sts_policy(
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.mail.example.net\nmax_age: 86400\n"
    )
    assert mx_covered(policy, "mail.example.com")
    assert mx_covered(policy, "in1.mail.example.net")
    assert not mx_covered(policy, "mail.example.net")
    assert not mx_covered(policy, "other.example.com")
    assert mx_covered(["*.example.org"], "mx.example.org")
    assert not mx_covered([], "mx.example.org")
