"""SARIF 2.1.0 for code scanning: one run, every rule described, findings as results.

Code findings point at `file` + lines relative to %SRCROOT% (the base directory); live findings carry a
logical location holding their URI. Not-assessed evaluations and input errors become tool execution
notifications, so that a viewer shows why coverage is partial.
"""

from __future__ import annotations

import functools
import json
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from emailiac.model import Provenance
from emailiac.report.common import call_location, display_path, relative_path
from emailiac.report.json_report import Lazy
from emailiac.report.options import ReportOptions
from emailiac.result import Evaluation, Finding, InputError, Result, Severity

if TYPE_CHECKING:
    from emailiac.rules.base import Rule

__all__ = ["LEVEL", "SCHEMA_URI", "SECURITY_SEVERITY", "render", "sarif_log"]

SCHEMA_URI = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/emailiac/emailiac"
HELP_URI = "https://github.com/emailiac/emailiac/blob/main/docs/rules.md#{anchor}"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "emailiac/v1"

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub code scanning ranks alerts by this score (0.0-10.0, as a string).
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = rule.rationale
    help_markdown = rule.rationale
    if rule.fix_title:
        help_text += f"\n\nFix: {rule.fix_title}."
        help_markdown += f"\n\n**Fix:** {rule.fix_title}."
    tags = list(dict.fromkeys((rule.family, *rule.controls)))  # SARIF tags are a set
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": HELP_URI.format(anchor=rule.id.lower()),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[rule.severity]},
    }


def artifact_location(file: str, options: ReportOptions) -> dict[str, Any]:
    """A relative URI under %SRCROOT% (the base directory) when possible, else an absolute file: URI."""
    rel = relative_path(file, options)
    if rel is None:
        # Outside the source root: a viewer can only find it by its full path.
        return {"uri": PurePath(file).as_uri()}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _location(subject: Provenance, options: ReportOptions) -> dict[str, Any]:
    logical = {"fullyQualifiedName": subject.address, "kind": "resource"}
    if subject.file is None:
        return {"logicalLocations": [logical]}
    physical: dict[str, Any] = {"artifactLocation": artifact_location(subject.file, options)}
    if subject.line is not None:
        region: dict[str, Any] = {"startLine": subject.line}
        if subject.end_line is not None and subject.end_line >= subject.line:
            region["endLine"] = subject.end_line
        physical["region"] = region
    return {"physicalLocation": physical, "logicalLocations": [logical]}


def _sarif_fixes(finding: Finding, options: ReportOptions | None = None) -> list[dict[str, Any]]:
    """SARIF `fixes` for a finding whose attached fix edits files in place (safe or unsafe ones: display-only
    advice is not a fix a viewer should offer to apply). Columns count code points, end columns exclusive."""
    payload = finding.evaluation.data.get("fix")
    if not isinstance(payload, dict) or payload.get("applicability") == "display-only":
        return []
    by_file: dict[str, list[dict[str, Any]]] = {}
    for edit in payload.get("edits", []):
        region = {
            "startLine": edit["start_line"],
            "startColumn": edit.get("start_column", 1),
            "endLine": edit["end_line"],
            "endColumn": edit.get("end_column", 1),
        }
        by_file.setdefault(edit["file"], []).append(
            {"deletedRegion": region, "insertedContent": {"text": edit["text"]}}
        )
    if not by_file:
        return []
    where = options or ReportOptions()
    changes = [
        {"artifactLocation": artifact_location(file, where), "replacements": replacements}
        for file, replacements in sorted(by_file.items())
    ]
    return [{"description": {"text": f"{payload['title']} ({payload['applicability']})"}, "artifactChanges": changes}]


def _result(finding: Finding, index: dict[str, int], options: ReportOptions) -> dict[str, Any]:
    ev = finding.evaluation
    data: dict[str, Any] = {"ruleId": ev.rule_id}
    if ev.rule_id in index:
        data["ruleIndex"] = index[ev.rule_id]
    data["level"] = LEVEL[ev.severity]
    data["message"] = {"text": ev.message}
    data["locations"] = [_location(ev.subject, options)]
    data["partialFingerprints"] = {FINGERPRINT_KEY: ev.fingerprint}
    sup = finding.suppressed_by
    if sup is not None:
        suppression: dict[str, Any] = {"kind": "inSource", "justification": sup.reason}
        suppression["location"] = {
            "physicalLocation": {
                "artifactLocation": artifact_location(sup.file, options),
                "region": {"startLine": sup.line},
            }
        }
        data["suppressions"] = [suppression]
    fixes = _sarif_fixes(finding, options)
    if fixes:
        data["fixes"] = fixes
    properties: dict[str, Any] = {
        "resource": ev.subject.address,
        "source": ev.subject.source,
        "severity": ev.severity.label,
    }
    if ev.subject.root is not None:
        properties["root"] = display_path(ev.subject.root, options)
    if ev.subject.call is not None:
        properties["call"] = call_location(ev.subject.call, options)
    if finding.controls:
        properties["controls"] = list(dict.fromkeys(finding.controls))
    if ev.fix_hint:
        properties["fixHint"] = ev.fix_hint
    data["properties"] = properties
    return data


def _not_assessed_notification(ev: Evaluation, index: dict[str, int], options: ReportOptions) -> dict[str, Any]:
    rule_ref: dict[str, Any] = {"id": ev.rule_id}
    if ev.rule_id in index:
        rule_ref["index"] = index[ev.rule_id]
    what = "out of scope" if ev.out_of_scope else "not assessed"
    return {
        "level": "note" if ev.out_of_scope else "warning",
        "message": {"text": f"{ev.rule_id} {what} for {ev.subject.address}: {ev.message}"},
        "locations": [_location(ev.subject, options)],
        "associatedRule": rule_ref,
        "properties": {"outOfScope": ev.out_of_scope},
    }


def _error_notification(error: InputError, options: ReportOptions) -> dict[str, Any]:
    data: dict[str, Any] = {"level": "error", "message": {"text": error.message}}
    if error.file:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(error.file, options)}
        if error.line is not None:
            region: dict[str, Any] = {"startLine": error.line}
            if error.column is not None:
                region["startColumn"] = error.column
            physical["region"] = region
        data["locations"] = [{"physicalLocation": physical}]
    return data


def sarif_log(result: Result, options: ReportOptions) -> dict[str, Any]:
    rules = list(options.rules.values())
    index = {rule.id: i for i, rule in enumerate(rules)}
    notifications = [_error_notification(e, options) for e in result.errors]
    notifications += [_not_assessed_notification(e, index, options) for e in result.not_assessed]
    notifications += [{"level": "warning", "message": {"text": w}} for w in result.warnings]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "emailiac",
                "version": options.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
        "results": Lazy(result.findings, functools.partial(_result_of, index, options)),
        "columnKind": "unicodeCodePoints",
        "properties": {"baseline": result.baseline},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _result_of(index: dict[str, int], options: ReportOptions, finding: Finding) -> dict[str, Any]:
    return _result(finding, index, options)


_RESULTS = "\0results\0"


def render(result: Result, options: ReportOptions) -> str:
    """Indented, except the results: one per line, each built as it is written (a large log never holds
    every result's dictionary at once) and encoded by the C encoder."""
    log = sarif_log(result, options)
    run = log["runs"][0]
    results, run["results"] = run["results"], _RESULTS
    text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    before, _, after = text.partition(json.dumps(_RESULTS))
    if not results:
        return before + "[]" + after
    lines = ",\n".join(f"        {json.dumps(r, ensure_ascii=False)}" for r in results)
    return f"{before}[\n{lines}\n      ]{after}"
