"""Table-driven tests of the TLS-RPT record parser (cases/tlsrpt.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.mailauth.tlsrpt import find_tlsrpt_records, is_tlsrpt, parse_tlsrpt, tlsrpt_record_set_problems

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "cases" / "tlsrpt.yaml").read_text("utf-8"))


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_tlsrpt_case(case: dict[str, Any]) -> None:
    record = parse_tlsrpt(case["record"])
    assert [p.code for p in record.problems] == case["codes"], record.problems
    assert record.valid == (not any(p.is_error for p in record.problems))
    if "rua" in case:
        assert list(record.rua) == case["rua"]


def test_uri_problem_position() -> None:
    text = "v=TLSRPTv1; rua=mailto:a@example.com, http://r.example.com"
    problems = parse_tlsrpt(text).problems
    assert [p.code for p in problems] == ["uri"]
    assert text[problems[0].position or 0 :].startswith("http://")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=TLSRPTv1; rua=mailto:a@example.com", True),
        ("v=TLSRPTv1", True),
        ("v=TLSRPTv10; rua=mailto:a@example.com", False),
        ("v=STSv1; id=1", False),
    ],
)
def test_is_tlsrpt(text: str, expected: bool) -> None:
    assert is_tlsrpt(text) is expected


def test_find_and_multiple() -> None:
    values = ["v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com", "x"]
    assert find_tlsrpt_records(values) == values[:2]
    assert [p.code for p in tlsrpt_record_set_problems(values)] == ["multiple"]
    assert tlsrpt_record_set_problems(values[1:]) == ()
