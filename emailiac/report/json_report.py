"""The JSON report (schemas/report.schema.json): everything a run saw, in the engine's order.

Keys are written in a fixed, meaningful order rather than sorted: `rule_id`, `severity`, `title` first reads
better than alphabetical, and the order is just as deterministic.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from emailiac.model import Provenance
from emailiac.report.common import call_location, display_path, summarize
from emailiac.report.options import ReportOptions
from emailiac.result import Evaluation, Finding, InputError, Result

__all__ = ["layout", "render", "report_data"]

TOOL_NAME = "emailiac"
# The version of schemas/report.schema.json this report follows: it changes only when the schema does.
SCHEMA_VERSION = "1.0"


def _where(subject: Provenance, options: ReportOptions) -> dict[str, Any]:
    where: dict[str, Any] = {"source": subject.source, "resource": subject.address}
    if subject.root is not None:
        where["root"] = display_path(subject.root, options)
    if subject.call is not None:
        where["call"] = call_location(subject.call, options)
    where["file"] = display_path(subject.file, options) if subject.file else None
    where["line"] = subject.line
    return where


def _fix_data(finding: Finding, options: ReportOptions | None = None) -> dict[str, Any] | None:
    """The finding's fix as data ({title, applicability, edits, new_blocks, imports}), when one is attached
    (`emailiac.fixes.payload.attach` puts it in the evaluation's data); file paths shown as elsewhere."""
    payload = finding.evaluation.data.get("fix")
    if not isinstance(payload, dict):
        return None
    options = options or ReportOptions()
    data = dict(payload)
    data["edits"] = [{**e, "file": display_path(e["file"], options)} for e in payload.get("edits", [])]
    data["new_blocks"] = [
        {**b, "file": display_path(b["file"], options)} if b.get("file") else dict(b)
        for b in payload.get("new_blocks", [])
    ]
    return data


def _finding(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    ev = finding.evaluation
    subject = ev.subject
    data: dict[str, Any] = {
        "rule_id": ev.rule_id,
        "severity": ev.severity.label,
        "title": finding.title,
        "message": ev.message,
        **_where(subject, options),
        "end_line": subject.end_line,
    }
    if subject.region is not None:
        data["region"] = subject.region
    if subject.import_id is not None:
        data["import_id"] = subject.import_id
    data["fingerprint"] = ev.fingerprint
    data["controls"] = list(finding.controls)
    data["fix_hint"] = ev.fix_hint or None
    fix = _fix_data(finding, options)
    if fix is not None:
        data["fix"] = fix
    data["suppressed"] = finding.suppressed_by is not None
    if finding.suppressed_by is not None:
        suppression: dict[str, Any] = {
            "reason": finding.suppressed_by.reason,
            "line": finding.suppressed_by.line,
        }
        if finding.suppressed_by.until:
            suppression["until"] = finding.suppressed_by.until
        data["suppression"] = suppression
    return data


def _passed(ev: Evaluation, options: ReportOptions) -> dict[str, Any]:
    return {"rule_id": ev.rule_id, **_where(ev.subject, options), "message": ev.message}


def _not_assessed(ev: Evaluation, options: ReportOptions) -> dict[str, Any]:
    return {
        "rule_id": ev.rule_id,
        **_where(ev.subject, options),
        "reason": ev.message,
        "out_of_scope": ev.out_of_scope,
    }


def _error(error: InputError, options: ReportOptions) -> dict[str, Any]:
    return {
        "message": error.message,
        "file": display_path(error.file, options) if error.file else None,
        "line": error.line,
        "column": error.column,
    }


class Lazy(Sequence[Any]):
    """A list of report entries built one at a time as it is written: a large report never holds every
    entry's dictionary at once."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self._items, self._make = items, make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: Any) -> Any:
        return self._make(self._items[i])

    def __iter__(self) -> Iterator[Any]:
        return map(self._make, self._items)


def report_data(result: Result, options: ReportOptions, *, lazy: bool = False) -> dict[str, Any]:
    """The report as JSON-ready data; `lazy`: its lists are built entry by entry as `layout` writes them."""

    def entries(items: Sequence[Any], make: Callable[[Any, ReportOptions], Any]) -> Sequence[Any]:
        made = Lazy(items, functools.partial(_with, make, options))
        return made if lazy else list(made)

    summary = summarize(result)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": options.tool_version},
        "baseline": result.baseline,
        "sources": list(result.sources),
        "rules_run": list(result.rules_run),
        "summary": {
            **summary.by_severity,
            "findings": summary.findings,
            "passed": summary.passed,
            "not_assessed": summary.not_assessed,
            "out_of_scope": summary.out_of_scope,
            "suppressed": summary.suppressed,
            "errors": summary.errors,
            "warnings": summary.warnings,
        },
        # Suppressed findings are listed (flagged) so that waivers stay visible, but not counted above.
        "findings": entries(result.findings, _finding),
        "passes": entries(result.passes, _passed),
        "not_assessed": entries(result.not_assessed, _not_assessed),
        "errors": entries(result.errors, _error),
        "warnings": list(result.warnings),
    }


def _with(make: Callable[[Any, ReportOptions], Any], options: ReportOptions, item: Any) -> Any:
    return make(item, options)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def render(result: Result, options: ReportOptions) -> str:
    return layout(report_data(result, options, lazy=True))


def layout(data: dict[str, Any]) -> str:
    """Top-level keys on their own lines and one list entry per line: readable, diffs line by line, and
    written by the C encoder (indent= would use the pure-Python one, ten times slower on big reports)."""
    lines = ["{"]
    keys = list(data)
    for i, key in enumerate(keys):
        value = data[key]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(value, (list, Lazy)) and len(value):
            lines.append(f"  {_dump(key)}: [")
            last = len(value) - 1
            lines.extend(f"    {_dump(item)}{',' if j < last else ''}" for j, item in enumerate(value))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {_dump(key)}: {_dump(list(value) if isinstance(value, Lazy) else value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
