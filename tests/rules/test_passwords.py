"""Password rules (PWD001, PWD002) judged on facts built directly."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from emailiac.baseline import AwsPasswordBaseline, Baseline, PasswordBaseline, TerraformBaseline
from emailiac.lint import LintOptions, lint
from emailiac.model import DirectoryDomain, Fact, Gap, Inventory, PasswordPolicy, Provenance, Unknown
from emailiac.result import Result, Status
from emailiac.rules import rule_by_id
from emailiac.rules.base import Verdict

NEVER = 2147483647


def run(
    rule_id: str,
    facts: list[Fact],
    base: Baseline | None = None,
    *,
    sources: tuple[str, ...] = ("terraform",),
    gaps: tuple[Gap, ...] = (),
) -> list[Verdict]:
    rule = rule_by_id(rule_id)
    assert rule is not None
    return list(rule.check(Inventory(facts=list(facts), sources=set(sources), gaps=list(gaps)), base or Baseline()))


def one(verdicts: list[Verdict]) -> Verdict:
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


def strict(**fields: Any) -> PasswordPolicy:
    values: dict[str, Any] = {
        "prov": Provenance("terraform", "aws_iam_account_password_policy.strict", "iam.tf", 1),
        "min_length": 14,
        "require_uppercase": True,
        "require_lowercase": True,
        "require_numbers": True,
        "require_symbols": True,
        "reuse_prevention": 24,
        "max_age_days": 90,
    }
    values.update(fields)
    return PasswordPolicy(**values)


def authoritative(*categories: str) -> Baseline:
    return dataclasses.replace(Baseline(), terraform=TerraformBaseline(authoritative=categories))


def test_policy_meeting_the_baseline_passes() -> None:
    assert one(run("PWD001", [strict()])).status is Status.PASS
    assert one(run("PWD001", [strict(min_length=20, reuse_prevention=24, max_age_days=60)])).status is Status.PASS


def test_each_weak_setting_is_named() -> None:
    v = one(run("PWD001", [strict(min_length=8, require_symbols=False, reuse_prevention=5, max_age_days=180)]))
    assert v.status is Status.FAIL
    assert v.message == (
        "account password policy is weaker than the baseline: minimum_password_length is 8 (baseline: 14); "
        "require_symbols is not required; password_reuse_prevention is 5 (baseline: 24); "
        "max_password_age is 180 (baseline: at most 90)"
    )
    assert v.data["settings"] == [
        "minimum_password_length",
        "require_symbols",
        "password_reuse_prevention",
        "max_password_age",
    ]


def test_zero_and_absent_count_as_unset() -> None:
    v = one(run("PWD001", [strict(reuse_prevention=0, max_age_days=0, require_uppercase=None)]))
    assert v.status is Status.FAIL
    assert "password_reuse_prevention is not set (baseline: 24)" in v.message
    assert "max_password_age is not set: passwords never expire (baseline: 90)" in v.message
    assert "require_uppercase_characters is not required" in v.message


def test_unknown_settings_are_not_assessed_unless_a_known_one_is_weak() -> None:
    unknown = Unknown("var.min_length has no value", ("var.min_length",))
    v = one(run("PWD001", [strict(min_length=unknown)]))
    assert v.status is Status.NOT_ASSESSED and v.message == "var.min_length has no value"
    assert one(run("PWD001", [strict(min_length=unknown, require_numbers=False)])).status is Status.FAIL


def test_a_relaxed_baseline_is_honoured() -> None:
    relaxed = dataclasses.replace(
        Baseline(),
        passwords=PasswordBaseline(aws=AwsPasswordBaseline(min_length=8, require_symbols=False, max_age_days=0)),
    )
    assert one(run("PWD001", [strict(min_length=8, require_symbols=False, max_age_days=None)], relaxed)).status is (
        Status.PASS
    )


def test_absent_policy_fails_only_where_authoritative() -> None:
    v = one(run("PWD001", []))
    assert v.status is Status.NOT_ASSESSED and v.out_of_scope and v.subject.address == "aws_account"
    v = one(run("PWD001", [], authoritative("aws_account")))
    assert v.status is Status.FAIL and v.subject.address == "aws_account"
    assert v.message.startswith("the AWS account has no password policy")


def test_live_gap_is_not_assessed() -> None:
    gap = Gap("PasswordPolicy", "", "AccessDenied: missing iam:GetAccountPasswordPolicy")
    v = one(run("PWD001", [], sources=("aws",), gaps=(gap,)))
    assert v.status is Status.NOT_ASSESSED and "iam:GetAccountPasswordPolicy" in v.message


def domain(name: str, days: int | Unknown | None, authentication: str = "Managed") -> DirectoryDomain:
    return DirectoryDomain(Provenance("m365", f"m365://tenant/domains/{name}"), name, authentication, days)


def test_m365_passwords_never_expire_by_default() -> None:
    assert one(run("PWD002", [domain("contoso.com", NEVER)], sources=("m365",))).status is Status.PASS
    v = one(run("PWD002", [domain("contoso.com", 90)], sources=("m365",)))
    assert v.status is Status.FAIL
    assert v.message == "passwords of contoso.com expire after 90 days; the baseline wants them to never expire"


def test_m365_rotation_baseline() -> None:
    rotate = dataclasses.replace(Baseline(), passwords=PasswordBaseline(m365_validity_days=90))
    assert one(run("PWD002", [domain("contoso.com", 90)], rotate, sources=("m365",))).status is Status.PASS
    v = one(run("PWD002", [domain("contoso.com", NEVER)], rotate, sources=("m365",)))
    assert v.status is Status.FAIL and "never expire; the baseline wants them to expire after 90 days" in v.message


def test_federated_and_unknown_domains() -> None:
    assert run("PWD002", [domain("corp.example", 90, "Federated")], sources=("m365",)) == []
    v = one(run("PWD002", [domain("contoso.com", None)], sources=("m365",)))
    assert v.status is Status.NOT_ASSESSED
    v = one(run("PWD002", [domain("contoso.com", Unknown("403 on /domains"))], sources=("m365",)))
    assert v.status is Status.NOT_ASSESSED and v.message == "403 on /domains"


# ---------------------------------------------------------------- the rules' own examples


def _lint_example(directory: Path, rule_id: str, kind: str) -> Result:
    """Lint a rule's example HCL where the configuration speaks for the whole account and tenant."""
    rule = rule_by_id(rule_id)
    assert rule is not None
    directory.mkdir()
    (directory / "main.tf").write_text(getattr(rule, kind), encoding="utf-8")
    authoritative = dataclasses.replace(
        Baseline(), terraform=TerraformBaseline(authoritative=("aws_account", "m365_tenant"))
    )
    return lint([directory], authoritative, LintOptions(only=(rule_id,), cache=False, jobs=1))


@pytest.mark.parametrize("rule_id", ("PWD001",))
def test_bad_example_fails_and_good_example_passes(tmp_path: Path, rule_id: str) -> None:
    bad = _lint_example(tmp_path / "bad", rule_id, "bad_example")
    good = _lint_example(tmp_path / "good", rule_id, "good_example")
    assert bad.active_findings and not bad.passes and not bad.not_assessed
    assert good.passes and not good.findings and not good.not_assessed
