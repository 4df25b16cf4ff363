"""GitLab Code Quality: valid against the documented format, stable fingerprints, severities mapped."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from emailiac.model import Provenance
from emailiac.report import gitlab
from emailiac.result import Result, Severity
from tests.report.report_samples import MAIN_TF, clean_result, empty_result, full_result, options

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "gitlab-codequality.schema.json").read_text())


def _issues(result: Result) -> list[dict[str, Any]]:
    out = gitlab.render(result, options())
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert isinstance(data, list)
    return data


@pytest.mark.parametrize("make", [full_result, clean_result, empty_result])
def test_every_report_is_valid(make: Any) -> None:
    _issues(make())


def test_one_issue_per_active_finding_and_error() -> None:
    result = full_result()
    issues = _issues(result)
    assert len(issues) == len(result.active_findings) + len(result.errors)
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert {i["fingerprint"] for i in issues[: len(result.active_findings)]} == {
        f.evaluation.fingerprint for f in result.active_findings
    }


def test_fingerprints_do_not_depend_on_lines() -> None:
    first = _issues(full_result())
    moved = full_result()
    moved.findings = [
        replace(f, evaluation=replace(f.evaluation, subject=_moved(f.evaluation.subject))) for f in moved.findings
    ]
    again = _issues(moved)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in first]
    assert [i["location"] for i in again] != [i["location"] for i in first]


def _moved(subject: Provenance) -> Provenance:
    if subject.line is None:
        return subject
    return replace(subject, line=subject.line + 40, end_line=(subject.end_line or subject.line) + 40)


def test_severities_map_onto_gitlabs_scale() -> None:
    assert gitlab.SEVERITY == {
        Severity.LOW: "minor",
        Severity.MEDIUM: "major",
        Severity.HIGH: "critical",
        Severity.CRITICAL: "blocker",
    }
    issues = _issues(full_result())
    net001 = next(i for i in issues if i["check_name"] == "NET001")
    assert net001["severity"] == "blocker"
    assert net001["location"]["path"] == "main.tf"
    assert net001["categories"] == ["Security"]


def test_paths_are_relative_to_the_repository() -> None:
    for issue in _issues(full_result()):
        path = issue["location"]["path"]
        assert not path.startswith(MAIN_TF.rsplit("/", 1)[0])


def test_no_findings_is_an_empty_array() -> None:
    assert gitlab.render(clean_result(), options()) == "[]\n"
