"""Table-driven tests of the SPF parser (cases/spf.yaml) and its helpers."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.mailauth.spf import (
    Mechanism,
    check_string_lengths,
    count_lookups,
    find_spf_records,
    is_spf,
    parse_spf,
    qualifier_strength,
    spf_record_set_problems,
)
from emailiac.mailauth.txt import split_txt_value

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "cases" / "spf.yaml").read_text("utf-8"))


def canonical(mechanism: Mechanism) -> str:
    text = f"{mechanism.qualifier}{mechanism.name}"
    if mechanism.value is not None:
        text += f":{mechanism.value}"
    if mechanism.name == "ip6":
        return text if mechanism.cidr6 is None else f"{text}/{mechanism.cidr6}"
    if mechanism.cidr4 is not None:
        text += f"/{mechanism.cidr4}"
    if mechanism.cidr6 is not None:
        text += f"//{mechanism.cidr6}"
    return text


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spf_case(case: dict[str, Any]) -> None:
    record = parse_spf(case["record"])
    assert [p.code for p in record.problems] == case["codes"], record.problems
    errors = [p for p in record.problems if p.is_error]
    assert record.valid == (not errors)
    if "all" in case:
        assert record.all_qualifier == case["all"]
    if "redirect" in case:
        assert record.redirect == case["redirect"]
    if "mechanisms" in case:
        assert [canonical(m) for m in record.mechanisms] == case["mechanisms"]
    if "lookups" in case:
        count = count_lookups(record)
        assert count.total == case["lookups"]
        assert [p.code for p in count.problems] == case.get("lookup_codes", [])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_messages_name_term_and_position(case: dict[str, Any]) -> None:
    text = case["record"]
    for problem in parse_spf(text).problems:
        if problem.position is None:
            continue
        assert 0 <= problem.position <= len(text)
        if problem.code != "version":
            assert f"at position {problem.position}" in problem.message
            assert problem.message.startswith(text[problem.position :].split(" ")[0][:20])


def test_example_message() -> None:
    record = parse_spf("v=spf1 a mx ip4:10.0.0.300 -all")
    assert record.problems[0].message == "ip4:10.0.0.300 at position 12 is not a valid IPv4 network"
    assert record.problems[0].position == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=spf1", True),
        ("v=spf1 -all", True),
        ("V=SPF1 -all", True),
        ("v=spf10", False),
        ("v=spf1.0 -all", False),
        ("v=spf1\t-all", False),
        (" v=spf1 -all", False),
        ("v=spf", False),
        ("", False),
        ("spf2.0/pra -all", False),
    ],
)
def test_is_spf(text: str, expected: bool) -> None:
    assert is_spf(text) is expected


def test_find_and_multiple() -> None:
    values = ["google-site-verification=abc", "v=spf1 -all", "v=spf1 mx -all", "v=spf10"]
    assert find_spf_records(values) == ["v=spf1 -all", "v=spf1 mx -all"]
    problems = spf_record_set_problems(values)
    assert [p.code for p in problems] == ["multiple"]
    assert "2 v=spf1 records" in problems[0].message
    assert spf_record_set_problems(["v=spf1 -all", "other"]) == ()
    assert spf_record_set_problems([]) == ()


def test_qualifier_strength_order() -> None:
    assert qualifier_strength("+") < qualifier_strength("?") < qualifier_strength("~") < qualifier_strength("-")
    assert qualifier_strength(None) == qualifier_strength("?")
    ordered = sorted(["-", None, "~", "+", "?"], key=qualifier_strength)
    assert ordered[0] == "+" and ordered[-1] == "-"


def test_string_lengths() -> None:
    assert check_string_lengths(["v=spf1 " + "a" * 248]) == ()
    long = "v=spf1 " + "ip4:192.0.2.1 " * 20 + "-all"
    problems = check_string_lengths(["x" * 10, long])
    assert [p.code for p in problems] == ["long-string"]
    assert problems[0].position == 10
    assert f"{len(long)} bytes" in problems[0].message
    # Bytes, not characters: 128 two-byte characters are 256 bytes.
    assert [p.code for p in check_string_lengths(["é" * 128])] == ["long-string"]
    assert check_string_lengths(["é" * 127]) == ()


def test_split_txt_value() -> None:
    value = "v=spf1 " + "ip4:192.0.2.1 " * 40 + "-all"
    parts = split_txt_value(value)
    assert "".join(parts) == value
    assert all(len(part.encode()) <= 255 for part in parts)
    assert check_string_lengths(parts) == ()
    assert split_txt_value("") == [""]
    accented = split_txt_value("é" * 200)
    assert "".join(accented) == "é" * 200 and all(len(p.encode()) <= 255 for p in accented)


def test_mechanism_details() -> None:
    record = parse_spf("v=spf1 ip4:192.0.2.1/24 ip6:2001:db8::/32 a:example.com/24//64 -all")
    ip4, ip6, a, every = record.mechanisms
    assert ip4.network == ipaddress.ip_network("192.0.2.0/24")
    assert ip6.network == ipaddress.ip_network("2001:db8::/32")
    assert a.network is None and a.value == "example.com" and (a.cidr4, a.cidr6) == (24, 64)
    assert every.name == "all" and every.qualifier == "-" and every.position == record.text.index("-all")
    assert not ip4.makes_lookup and a.makes_lookup
    assert record.evaluated_mechanisms == record.mechanisms


def test_terms_keep_order_and_modifiers() -> None:
    record = parse_spf("v=spf1 exp=explain.example.com mx -all ra=postmaster")
    assert [type(term).__name__ for term in record.terms] == [
        "Modifier",
        "Mechanism",
        "Mechanism",
        "Modifier",
    ]
    assert record.exp == "explain.example.com"
    assert record.modifier("ra") is not None
    assert record.redirect is None


def test_not_spf_record_has_no_terms() -> None:
    record = parse_spf("v=DMARC1; p=reject")
    assert not record.is_spf and record.terms == () and not record.valid
