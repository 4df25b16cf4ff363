"""Logging rules (LOG001-LOG003) judged on facts built directly."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from emailiac.baseline import Baseline, LoggingBaseline, TerraformBaseline
from emailiac.lint import LintOptions, lint
from emailiac.model import (
    AuditTrail,
    Fact,
    Gap,
    Inventory,
    LogExport,
    Provenance,
    SesConfigSet,
    SesEventDestination,
    Unknown,
)
from emailiac.result import Result, Status
from emailiac.rules import rule_by_id
from emailiac.rules.base import Verdict


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


def authoritative(*categories: str) -> Baseline:
    return dataclasses.replace(Baseline(), terraform=TerraformBaseline(authoritative=categories))


def trail(name: str = "main", **fields: Any) -> AuditTrail:
    values: dict[str, Any] = {
        "prov": Provenance("terraform", f"aws_cloudtrail.{name}", "trail.tf", 1),
        "name": name,
        "multi_region": True,
        "log_validation": True,
        "logging": True,
    }
    values.update(fields)
    return AuditTrail(**values)


# ---------------------------------------------------------------- LOG001


def test_multi_region_validated_trail_passes() -> None:
    v = one(run("LOG001", [trail("regional", multi_region=False), trail()]))
    assert v.status is Status.PASS and v.subject.address == "aws_cloudtrail.main"


def test_weak_trails_fail_where_authoritative_naming_what_they_lack() -> None:
    facts = [trail("regional", multi_region=False, log_validation=False), trail("paused", logging=False)]
    v = one(run("LOG001", facts, authoritative("aws_account")))
    assert v.status is Status.FAIL and v.subject.address == "aws_account"
    assert v.message == (
        "no logging multi-region CloudTrail trail with log-file validation: trail 'paused' is not logging; "
        "trail 'regional' is single-region and has no log-file validation"
    )
    v = one(run("LOG001", facts))
    assert v.status is Status.NOT_ASSESSED and v.out_of_scope


def test_unknown_trail_settings_are_not_assessed() -> None:
    unknown = Unknown("var.multi_region has no value", ("var.multi_region",))
    v = one(run("LOG001", [trail(multi_region=unknown)], authoritative("aws_account")))
    assert v.status is Status.NOT_ASSESSED and v.message == "var.multi_region has no value"


def test_no_trail_at_all() -> None:
    assert one(run("LOG001", [], authoritative("aws_account"))).status is Status.FAIL
    gap = Gap("AuditTrail", "", "AccessDenied: cloudtrail:DescribeTrails")
    v = one(run("LOG001", [], sources=("aws",), gaps=(gap,)))
    assert v.status is Status.NOT_ASSESSED and "DescribeTrails" in v.message


# ---------------------------------------------------------------- LOG002


def config_set(name: str) -> SesConfigSet:
    return SesConfigSet(Provenance("terraform", f"aws_sesv2_configuration_set.{name}"), name, "REQUIRE")


def destination(target: str | Unknown, enabled: bool | Unknown = True) -> SesEventDestination:
    prov = Provenance("terraform", "aws_sesv2_configuration_set_event_destination.siem")
    return SesEventDestination(prov, target, "siem", enabled, ("BOUNCE", "COMPLAINT", "DELIVERY"), "sns")


def test_configuration_set_with_an_enabled_destination_passes() -> None:
    verdicts = run("LOG002", [config_set("mail"), config_set("bulk"), destination("mail")])
    by_set = {v.subject.address: v for v in verdicts}
    assert by_set["aws_sesv2_configuration_set.mail"].status is Status.PASS
    bulk = by_set["aws_sesv2_configuration_set.bulk"]
    assert bulk.status is Status.FAIL
    assert bulk.message.startswith("configuration set 'bulk' has no enabled event destination")


def test_destination_matched_by_reference() -> None:
    ref = Unknown(
        "aws_sesv2_configuration_set.mail.configuration_set_name is known only after apply",
        ("aws_sesv2_configuration_set.mail.configuration_set_name",),
    )
    mail = dataclasses.replace(config_set("mail"), name=Unknown("var.name has no value"))
    assert one(run("LOG002", [mail, destination(ref)])).status is Status.PASS


def test_disabled_destination_does_not_count_and_unknown_ones_leave_it_open() -> None:
    assert one(run("LOG002", [config_set("mail"), destination("mail", enabled=False)])).status is Status.FAIL
    v = one(run("LOG002", [config_set("mail"), destination(Unknown("var.set has no value"))]))
    assert v.status is Status.NOT_ASSESSED and v.message == "var.set has no value"


def test_destination_gap_is_not_assessed() -> None:
    gap = Gap("SesEventDestination", "eu-west-1", "AccessDenied: ses:GetConfigurationSetEventDestinations")
    v = one(run("LOG002", [config_set("mail")], sources=("aws",), gaps=(gap,)))
    assert v.status is Status.NOT_ASSESSED and "GetConfigurationSetEventDestinations" in v.message


# ---------------------------------------------------------------- LOG003


def export(name: str, *categories: str) -> LogExport:
    return LogExport(Provenance("terraform", f"azurerm_monitor_aad_diagnostic_setting.{name}"), name, categories)


def test_export_of_sign_in_and_audit_logs_passes_case_insensitively() -> None:
    v = one(run("LOG003", [export("entra", "signinlogs", "AuditLogs", "ProvisioningLogs")]))
    assert v.status is Status.PASS and v.subject.address == "azurerm_monitor_aad_diagnostic_setting.entra"


def test_categories_split_over_two_settings_do_not_count_as_one() -> None:
    facts = [export("audit", "AuditLogs"), export("signins", "SignInLogs", "NonInteractiveUserSignInLogs")]
    v = one(run("LOG003", facts, authoritative("m365_tenant")))
    assert v.status is Status.FAIL
    assert v.message == (
        "Entra ID SignInLogs and AuditLogs are not exported by one diagnostic setting: "
        "'audit' lacks SignInLogs; 'signins' lacks AuditLogs"
    )
    assert one(run("LOG003", facts)).out_of_scope


def test_baseline_categories_and_unknowns() -> None:
    wider = dataclasses.replace(Baseline(), logging=LoggingBaseline(("SignInLogs", "AuditLogs", "RiskyUsers")))
    assert one(run("LOG003", [export("entra", "SignInLogs", "AuditLogs")], wider)).status is Status.NOT_ASSESSED
    unknown = LogExport(
        Provenance("terraform", "azurerm_monitor_aad_diagnostic_setting.dyn"),
        "dyn",
        Unknown("var.categories has no value"),
    )
    v = one(run("LOG003", [unknown], authoritative("m365_tenant")))
    assert v.status is Status.NOT_ASSESSED and v.message == "var.categories has no value"


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


@pytest.mark.parametrize("rule_id", ("LOG001", "LOG002", "LOG003"))
def test_bad_example_fails_and_good_example_passes(tmp_path: Path, rule_id: str) -> None:
    bad = _lint_example(tmp_path / "bad", rule_id, "bad_example")
    good = _lint_example(tmp_path / "good", rule_id, "good_example")
    assert bad.active_findings and not bad.passes and not bad.not_assessed
    assert good.passes and not good.findings and not good.not_assessed
