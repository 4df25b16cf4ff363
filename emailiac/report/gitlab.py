"""GitLab Code Quality (a subset of the Code Climate issue format): one issue per active finding and input error.

GitLab shows these in the merge-request widget and the pipeline's Code Quality tab. Fingerprints are the
findings' own (rule + address + evidence, never a line number), so an issue keeps its identity across runs
and GitLab can tell new issues from old ones.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from emailiac.report.common import relative_path
from emailiac.report.options import ReportOptions
from emailiac.result import Finding, InputError, Result, Severity

__all__ = ["SEVERITY", "render"]

# GitLab's scale is info < minor < major < critical < blocker; "blocker" is kept for what stops mail security
# outright (an SPF +all, an admin port open to the world), as SARIF's "error" level is.
SEVERITY = {
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}


def _path(file: str | None, address: str, options: ReportOptions) -> str:
    """GitLab links a path relative to the repository; live subjects have their URI instead."""
    if file is None:
        return address
    return relative_path(file, options) or file


def _finding(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    ev = finding.evaluation
    subject = ev.subject
    line = subject.line or 1
    issue: dict[str, Any] = {
        "type": "issue",
        "check_name": ev.rule_id,
        "description": f"{ev.rule_id} {finding.title}: {ev.message}",
        "categories": ["Security"],
        "severity": SEVERITY[ev.severity],
        "fingerprint": ev.fingerprint,
        "location": {
            "path": _path(subject.file, subject.address, options),
            "lines": {"begin": line, "end": max(subject.end_line or line, line)},
        },
    }
    rule = options.rule(ev.rule_id)
    body = [ev.fix_hint] if ev.fix_hint else []
    if rule is not None and rule.rationale:
        body.append(rule.rationale.strip())
    if body:
        issue["content"] = {"body": "\n\n".join(body)}
    return issue


def _error(error: InputError, options: ReportOptions) -> dict[str, Any]:
    text = "\x1f".join(("input-error", error.file or "", error.message))
    line = error.line or 1
    return {
        "type": "issue",
        "check_name": "input-error",
        "description": error.message,
        "categories": ["Bug Risk"],
        "severity": "blocker",
        "fingerprint": hashlib.sha256(text.encode()).hexdigest()[:32],
        "location": {"path": _path(error.file, "-", options), "lines": {"begin": line, "end": line}},
    }


def render(result: Result, options: ReportOptions) -> str:
    issues = [_finding(f, options) for f in sorted(result.active_findings, key=lambda f: f.evaluation.sort_key)]
    issues += [_error(e, options) for e in result.errors]
    # One issue per line: two reports diff cleanly.
    if not issues:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(i, sort_keys=True, ensure_ascii=False) for i in issues) + "\n]\n"
