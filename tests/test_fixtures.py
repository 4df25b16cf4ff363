"""Every Terraform fixture case, linted end to end, must produce exactly the evaluations it lists."""

from __future__ import annotations

import pytest

from emailiac.rules import ALL_RULES
from tests.fixture_cases import Case, actual, all_cases, compare, run_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, in_repo: object) -> None:
    result = run_case(case)
    got = actual(result)
    problems = []
    for section in ("findings", "passes", "not_assessed", "suppressed"):
        want = case.expected.get(section) or []
        missing, unexpected = compare(want, got[section])
        if missing:
            problems.append(f"{section}: expected but missing: {missing}")
        if unexpected:
            problems.append(f"{section}: not expected: {unexpected}")
    want_errors = case.expected.get("errors") or []
    got_errors = [str(e) for e in result.errors]
    if len(want_errors) != len(got_errors) or not all(w in g for w, g in zip(want_errors, got_errors, strict=False)):
        problems.append(f"errors: expected {want_errors}, got {got_errors}")
    assert not problems, "\n".join(problems)


def test_every_terraform_rule_has_failing_and_passing_cases() -> None:
    failing = {row["rule"] for c in CASES for row in c.expected.get("findings") or []}
    passing = {row["rule"] for c in CASES for row in c.expected.get("passes") or []}
    terraform_rules = {r.id for r in ALL_RULES if "terraform" in r.sources}
    assert sorted(terraform_rules - failing) == [], "rules without a failing fixture"
    assert sorted(terraform_rules - passing) == [], "rules without a passing fixture"


def test_cases_name_only_known_rules() -> None:
    known = {r.id for r in ALL_RULES}
    for case in CASES:
        named = set(case.expected.get("rules") or [])
        for section in ("findings", "passes", "not_assessed", "suppressed"):
            named |= {row["rule"] for row in case.expected.get(section) or []}
        assert named <= known, f"{case.name} names unknown rules {sorted(named - known)}"
