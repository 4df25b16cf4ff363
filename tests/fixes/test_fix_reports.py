"""Fixes in reports: the JSON `fix` object (schemas/report.schema.json) and SARIF `fixes`, both valid."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from emailiac.baseline import load_baseline
from emailiac.fixes.run import attach_fixes
from emailiac.lint import LintOptions, lint
from emailiac.report import json_report, rules_by_id, sarif
from emailiac.report.options import ReportOptions
from emailiac.resources import resource_path
from emailiac.result import Result
from emailiac.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    copy = tmp_path_factory.mktemp("reports") / "demo"
    shutil.copytree(ROOT / "fixtures" / "terraform" / "demo", copy)
    baseline = load_baseline(str(copy / "baseline.yaml"))
    options = LintOptions(cache=False, jobs=1)
    result = lint([copy], baseline, options)
    attach_fixes(result, [copy], baseline, options)
    return copy, result


def _options(base: Path) -> ReportOptions:
    return ReportOptions(base_dir=base, rules=rules_by_id(ALL_RULES))


def _by_rule(items: list[dict[str, Any]], rule: str, key: str = "rule_id") -> dict[str, Any]:
    return next(i for i in items if i[key] == rule)


def test_json_fix_objects_validate(demo: tuple[Path, Result]) -> None:
    base, result = demo
    schema = json.loads(resource_path("schemas", "report.schema.json").read_text())
    report = json.loads(json_report.render(result, _options(base)))
    jsonschema.Draft202012Validator(schema).validate(report)
    tls = _by_rule(report["findings"], "TLS002")["fix"]
    assert tls["applicability"] == "unsafe"
    # The added line, aligned with its neighbours as terraform fmt would: an insertion before line 63.
    assert tls["edits"] == [
        {
            "file": "main.tf",
            "start_line": 63,
            "start_column": 1,
            "end_line": 63,
            "end_column": 1,
            "text": '  tls_policy    = "Require"\n',
        }
    ]
    log = _by_rule(report["findings"], "LOG003")["fix"]
    assert [b["file"] for b in log["new_blocks"]] == ["variables.tf", "emailiac_fixes.tf"]
    assert 'variable "log_analytics_workspace_id"' in log["new_blocks"][0]["hcl"]
    assert "azurerm_monitor_aad_diagnostic_setting" in log["new_blocks"][1]["hcl"]
    advice = _by_rule(report["findings"], "SES002")["fix"]
    assert advice["applicability"] == "display-only" and advice["notes"]


def test_realigned_lines_are_shown_whole(demo: tuple[Path, Result]) -> None:
    base, result = demo
    report = json.loads(json_report.render(result, _options(base)))
    net = _by_rule(report["findings"], "NET001")["fix"]
    edit = next(e for e in net["edits"] if e["file"] == "main.tf")
    assert edit["start_column"] == 1 and edit["end_column"] == 1
    assert "    cidr_blocks = var.admin_cidrs\n" in edit["text"]
    assert '    description = "Admin RDP"\n' in edit["text"]


def test_sarif_results_carry_fixes(demo: tuple[Path, Result]) -> None:
    base, result = demo
    schema = json.loads(resource_path("schemas", "sarif-2.1.0.schema.json").read_text())
    log = json.loads(sarif.render(result, _options(base)))
    jsonschema.Draft7Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    tls = _by_rule(results, "TLS002", key="ruleId")
    (fix,) = tls["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "main.tf", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 63, "startColumn": 1, "endLine": 63, "endColumn": 1},
            "insertedContent": {"text": '  tls_policy    = "Require"\n'},
        }
    ]
    assert "fixes" not in _by_rule(results, "SES002", key="ruleId")  # advice is not offered as a fix


def test_sarif_replacements_reproduce_the_fix(demo: tuple[Path, Result]) -> None:
    """Applying a finding's SARIF replacements to its file gives what `emailiac fix` writes for it."""
    base, result = demo
    log = json.loads(sarif.render(result, _options(base)))
    scan = _by_rule(log["runs"][0]["results"], "SES003", key="ruleId")
    change = scan["fixes"][0]["artifactChanges"][0]
    lines = (base / change["artifactLocation"]["uri"]).read_text().splitlines(keepends=True)
    for replacement in reversed(change["replacements"]):
        region = replacement["deletedRegion"]
        start = sum(len(line) for line in lines[: region["startLine"] - 1]) + region["startColumn"] - 1
        end = sum(len(line) for line in lines[: region["endLine"] - 1]) + region["endColumn"] - 1
        text = "".join(lines)
        lines = (text[:start] + replacement["insertedContent"]["text"] + text[end:]).splitlines(keepends=True)
    assert "  scan_enabled  = true\n" in lines


@pytest.mark.parametrize("tail", ["", "policy = <<EOT\n{}\nEOT\n", "/* note */\n"])
def test_a_payload_looks_at_the_lines_its_edits_touch(tail: str) -> None:
    """A value edited in place is shown as a character edit; an edit that makes terraform fmt move a
    neighbour's `=` is shown as the lines it realigns; a heredoc or block comment elsewhere in the file
    changes neither."""
    from emailiac.fixes.model import Edit, Fix
    from emailiac.fixes.payload import fix_payload

    text = 'resource "a" "b" {\n  name = "x"\n  port = 25\n}\n' + tail

    def payload(*edits: Edit) -> list[dict[str, Any]]:
        fix = Fix("TLS001", "title", "safe", "a.b", "fp", edits=edits)
        edits_out: list[dict[str, Any]] = fix_payload(fix, lambda _: text)["edits"]
        return edits_out

    value = text.index("25")
    assert payload(Edit("m.tf", value, value + 2, "587")) == [
        {"file": "m.tf", "start_line": 3, "start_column": 10, "end_line": 3, "end_column": 12, "text": "587"}
    ]
    key = text.index("port")
    assert payload(Edit("m.tf", key, key + 4, "port_number")) == [
        {
            "file": "m.tf",
            "start_line": 2,
            "start_column": 1,
            "end_line": 4,
            "end_column": 1,
            "text": '  name        = "x"\n  port_number = 25\n',
        }
    ]
