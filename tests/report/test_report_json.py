"""The JSON report and its schema."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest

from emailiac.report import json_report
from emailiac.resources import resource_path
from emailiac.result import Result
from tests.report.report_samples import (
    NET001_FAIL,
    clean_result,
    empty_result,
    finding,
    full_result,
    options,
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resource_path("schemas", "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _report(result: Result, **overrides: object) -> dict[str, Any]:
    data = json.loads(json_report.render(result, options(**overrides)))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("make", [full_result, clean_result, empty_result])
@pytest.mark.parametrize("base_dir", ["/work/repo", None])
def test_every_report_validates(validator: jsonschema.Draft202012Validator, make: Any, base_dir: str | None) -> None:
    validator.validate(_report(make(), base_dir=base_dir))


def test_schema_is_strict(validator: jsonschema.Draft202012Validator) -> None:
    report = _report(full_result())
    paths: list[list[Any]] = [["extra"], ["findings", 0, "extra"], ["summary", "extra"], ["errors", 0, "extra"]]
    for path in paths:
        broken = copy.deepcopy(report)
        target: Any = broken
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = 1
        assert not validator.is_valid(broken), path
    suppressed_without_reason = copy.deepcopy(report)
    del suppressed_without_reason["findings"][5]["suppression"]
    assert not validator.is_valid(suppressed_without_reason)


def test_schema_accepts_a_fix_object(validator: jsonschema.Draft202012Validator) -> None:
    report = _report(full_result())
    report["findings"][4]["fix"] = {
        "title": "Narrow the rule to the admin CIDRs",
        "applicability": "safe",
        "edits": [{"file": "main.tf", "start_line": 15, "end_line": 15, "text": 'cidr_blocks = ["10.0.0.0/8"]'}],
        "new_blocks": [],
        "imports": [{"to": "aws_ses_configuration_set.mail", "id": "mail"}],
    }
    validator.validate(report)
    report["findings"][4]["fix"]["applicability"] = "maybe"
    assert not validator.is_valid(report)


def test_top_level_shape_and_summary() -> None:
    report = _report(full_result())
    assert list(report) == [
        "schema_version",
        "tool",
        "baseline",
        "sources",
        "rules_run",
        "summary",
        "findings",
        "passes",
        "not_assessed",
        "errors",
        "warnings",
    ]
    assert report["tool"] == {"name": "emailiac", "version": "1.2.3"}
    assert report["baseline"] == "default"
    assert report["sources"] == ["aws", "terraform"]
    assert report["summary"] == {
        "critical": 2,
        "high": 2,
        "medium": 1,
        "low": 0,  # the low finding is suppressed: listed, not counted
        "findings": 5,
        "passed": 2,
        "not_assessed": 1,
        "out_of_scope": 1,
        "suppressed": 1,
        "errors": 2,
        "warnings": 1,
    }


def test_a_terraform_finding() -> None:
    report = _report(Result("default", findings=[finding(NET001_FAIL)]))
    assert report["findings"] == [
        {
            "rule_id": "NET001",
            "severity": "critical",
            "title": "NET001 title",
            "message": "security group 'admin' opens 22/tcp to 0.0.0.0/0",
            "source": "terraform",
            "resource": "aws_security_group.admin",
            "file": "main.tf",
            "line": 12,
            "end_line": 20,
            "fingerprint": NET001_FAIL.fingerprint,
            "controls": ["CIS AWS 5.2", "CIS AWS 5.2"],
            "fix_hint": "Narrow the rule to the admin CIDRs",
            "suppressed": False,
        }
    ]


def test_live_finding_carries_region_and_import_id_and_no_file() -> None:
    live = _report(full_result())["findings"][0]
    assert live["resource"] == "aws://us-east-1/ses/configuration-set/mail"
    assert (live["source"], live["file"], live["line"], live["end_line"]) == ("aws", None, None, None)
    assert (live["region"], live["import_id"]) == ("us-east-1", "mail")
    terraform = _report(full_result())["findings"][1]
    assert "region" not in terraform and "import_id" not in terraform
    assert "fix" not in terraform


def test_suppressed_finding_is_flagged_with_its_comment() -> None:
    suppressed = _report(full_result())["findings"][5]
    assert suppressed["suppressed"] is True
    assert suppressed["suppression"] == {"reason": "reviewed: bastion only", "line": 29}


def test_not_assessed_passes_errors_and_warnings() -> None:
    report = _report(full_result())
    assert report["not_assessed"] == [
        {
            "rule_id": "IDS001",
            "source": "terraform",
            "resource": "aws_account",
            "file": None,
            "line": None,
            "reason": "the Terraform tree does not speak for the whole AWS account",
            "out_of_scope": True,
        },
        {
            "rule_id": "NET001",
            "source": "terraform",
            "resource": "aws_security_group.dyn",
            "file": "main.tf",
            "line": 40,
            "reason": "var.admin_cidr has no value",
            "out_of_scope": False,
        },
    ]
    assert report["passes"][1] == {
        "rule_id": "NET002",
        "source": "terraform",
        "resource": "aws_security_group.admin",
        "file": "main.tf",
        "line": 12,
        "message": "security group 'admin' opens no plaintext mail port",
    }
    assert report["errors"] == [
        {
            "message": "cannot read variables file: No such file or directory",
            "file": None,
            "line": None,
            "column": None,
        },
        {"message": "syntax error: unexpected '}'", "file": "broken.tf", "line": 7, "column": 3},
    ]
    assert report["warnings"] == ["main.tf:29: emailiac:ignore names unknown rule XYZ001"]


def test_paths_are_relative_to_base_dir_and_home_is_not_spelled_out() -> None:
    files = [f["file"] for f in _report(full_result())["findings"]]
    assert files == [None, "~/shared/net.tf", "dns/mail zone.tf", "dns/mail zone.tf", "main.tf", "main.tf"]
    assert "/home/alice" not in json_report.render(full_result(), options())


def test_output_has_one_key_and_one_list_entry_per_line() -> None:
    out = json_report.render(empty_result(), options())
    assert out.startswith('{\n  "schema_version": "1.0",\n  "tool": {"name": "emailiac",')
    assert out.endswith("}\n")
    full = json_report.render(full_result(), options())
    lines = full.splitlines()
    start = lines.index('  "findings": [')
    # Each finding is one line, so two reports diff finding by finding.
    assert all(line.startswith('    {"rule_id": ') for line in lines[start + 1 : start + 7])
    assert json.loads(full) == json_report.report_data(full_result(), options())


def test_schema_version_names_the_schema() -> None:
    schema = json.loads(resource_path("schemas", "report.schema.json").read_text())
    assert _report(empty_result())["schema_version"] == schema["properties"]["schema_version"]["const"]
