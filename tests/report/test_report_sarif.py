"""SARIF 2.1.0, validated against the official OASIS schema shipped in schemas/."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from emailiac.report import rules_by_id, sarif
from emailiac.resources import resource_path
from emailiac.result import Result
from emailiac.rules import ALL_RULES
from tests.report.report_samples import (
    RULES,
    clean_result,
    empty_result,
    full_result,
    options,
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(resource_path("schemas", "sarif-2.1.0.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _log(result: Result, **overrides: object) -> dict[str, Any]:
    data = json.loads(sarif.render(result, options(**overrides)))
    assert isinstance(data, dict)
    return data


def _run(result: Result, **overrides: object) -> dict[str, Any]:
    run = _log(result, **overrides)["runs"][0]
    assert isinstance(run, dict)
    return run


@pytest.mark.parametrize("make", [full_result, clean_result, empty_result])
@pytest.mark.parametrize("base_dir", ["/work/repo", None])
def test_every_log_validates(validator: jsonschema.Draft7Validator, make: Any, base_dir: str | None) -> None:
    validator.validate(_log(make(), base_dir=base_dir))


def test_schema_catches_a_broken_log(validator: jsonschema.Draft7Validator) -> None:
    log = _log(full_result())
    log["runs"][0]["results"][0]["level"] = "critical"
    assert not validator.is_valid(log)


def test_one_run_describing_every_rule() -> None:
    log = _log(full_result())
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("emailiac", "1.2.3")
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == [r.id for r in RULES]
    net001 = driver["rules"][3]
    assert net001["name"] == "network-net001"
    assert net001["shortDescription"] == {"text": "NET001 title"}
    assert net001["fullDescription"] == {"text": "Checks what NET001 checks."}
    assert net001["helpUri"] == "https://github.com/emailiac/emailiac/blob/main/docs/rules.md#net001"
    assert net001["defaultConfiguration"] == {"level": "error"}
    assert net001["properties"] == {"tags": ["network", "CIS AWS 5.2"], "security-severity": "9.5"}
    spf002 = driver["rules"][0]
    assert spf002["help"] == {
        "text": "Why SPF002 matters.\n\nFix: End the record in -all.",
        "markdown": "Why SPF002 matters.\n\n**Fix:** End the record in -all.",
    }
    levels = {
        r["id"]: (r["defaultConfiguration"]["level"], r["properties"]["security-severity"]) for r in driver["rules"]
    }
    assert levels["NET004"] == ("note", "3.0")
    assert levels["DMARC003"] == ("warning", "5.5")
    assert levels["TLS001"] == ("error", "8.0")


def test_results_point_at_rules_and_files() -> None:
    run = _run(full_result())
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["TLS001", "NET002", "SPF002", "DMARC003", "NET001", "NET004"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in results] == ["error", "error", "error", "warning", "error", "note"]
    spf = results[2]
    assert spf["message"] == {"text": 'SPF record for example.com ends in "+all": any host may send as the domain'}
    assert spf["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "dns/mail%20zone.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "endLine": 8},
            },
            "logicalLocations": [{"fullyQualifiedName": "aws_route53_record.spf", "kind": "resource"}],
        }
    ]
    assert spf["partialFingerprints"] == {"emailiac/v1": full_result().findings[2].evaluation.fingerprint}
    assert "suppressions" not in spf and "fixes" not in spf


def test_live_finding_has_only_a_logical_location() -> None:
    live = _run(full_result())["results"][0]
    assert live["locations"] == [
        {"logicalLocations": [{"fullyQualifiedName": "aws://us-east-1/ses/configuration-set/mail", "kind": "resource"}]}
    ]


def test_file_outside_the_source_root_gets_an_absolute_uri() -> None:
    outside = _run(full_result())["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside == {"uri": "file:///home/alice/shared/net.tf"}


def test_suppressed_finding_is_reported_with_its_justification() -> None:
    suppressed = _run(full_result())["results"][5]
    assert suppressed["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "reviewed: bastion only",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 29},
                }
            },
        }
    ]


def test_not_assessed_and_errors_are_notifications() -> None:
    invocation = _run(full_result())["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error", "note", "warning", "warning"]
    assert notes[1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 3},
    }
    assert notes[3]["message"]["text"] == "NET001 not assessed for aws_security_group.dyn: var.admin_cidr has no value"
    assert notes[3]["associatedRule"] == {"id": "NET001", "index": 3}
    assert notes[2]["properties"] == {"outOfScope": True}


def test_a_run_without_errors_succeeded() -> None:
    invocation = _run(clean_result())["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["note"]


def test_rules_missing_from_the_lookup_are_still_reported() -> None:
    run = _run(full_result(), rules={})
    assert run["tool"]["driver"]["rules"] == []
    assert all("ruleIndex" not in r for r in run["results"])
    assert len(run["results"]) == 6


def test_no_fixes_yet() -> None:
    assert all(sarif._sarif_fixes(f) == [] for f in full_result().findings)


def test_the_real_rule_catalogue_makes_a_valid_log(validator: jsonschema.Draft7Validator) -> None:
    log = _log(full_result(), rules=rules_by_id(ALL_RULES))
    validator.validate(log)
    described = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in described] == [r.id for r in ALL_RULES]
    for descriptor in described:
        tags = descriptor["properties"]["tags"]
        assert len(tags) == len(set(tags))
