"""Two JSON reports (lint, scan or drift) compared by fingerprint: what was fixed, what is new, what is
still open. Pure functions over the reports' data; `emailiac diff` reads the files and prints."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emailiac.report.common import SEVERITIES

__all__ = ["Entry", "ReportDiff", "ReportFormatError", "diff_reports", "load_report", "render_json", "render_text"]

_BUCKETS = ("new", "fixed", "open")


class ReportFormatError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    what: str  # "finding" or "drift"
    severity: str | None
    label: str  # "NET001 aws_security_group.mail" / "changed ses_configuration_set us-east-1/outbound"
    message: str


@dataclass
class ReportDiff:
    new: list[Entry] = field(default_factory=list)
    fixed: list[Entry] = field(default_factory=list)
    open: list[Entry] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for bucket in _BUCKETS:
            entries: list[Entry] = getattr(self, bucket)
            row = {s.label: sum(1 for e in entries if e.severity == s.label) for s in SEVERITIES}
            row["drift"] = sum(1 for e in entries if e.what == "drift")
            row["total"] = len(entries)
            out[bucket] = row
        return out


def load_report(text: str, name: str) -> list[Entry]:
    """The entries of a JSON report: active findings, and drift entries that are not `managed`."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(f"{name}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReportFormatError(f"{name}: JSON nested too deeply") from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("findings"), list):
        raise ReportFormatError(f"{name}: not an emailiac JSON report (no findings list; use --format json)")
    entries: dict[str, Entry] = {}
    for i, item in enumerate(doc["findings"]):
        if not isinstance(item, Mapping) or not isinstance(item.get("fingerprint"), str):
            raise ReportFormatError(f"{name}: findings[{i}] has no fingerprint")
        if item.get("suppressed"):
            continue
        label = f"{item.get('rule_id', '?')} {item.get('resource', '')}".strip()
        entries[item["fingerprint"]] = Entry(
            item["fingerprint"], "finding", _severity(item.get("severity")), label, str(item.get("message", ""))
        )
    drift = doc.get("drift", [])
    if not isinstance(drift, list):
        raise ReportFormatError(f"{name}: drift is not a list")
    for i, item in enumerate(drift):
        if not isinstance(item, Mapping) or not isinstance(item.get("fingerprint"), str):
            raise ReportFormatError(f"{name}: drift[{i}] has no fingerprint")
        if item.get("status") == "managed":
            continue
        label = f"{item.get('status')} {item.get('kind')} {item.get('identity')}"
        changes = ", ".join(str(c.get("attribute")) for c in item.get("changes") or [] if isinstance(c, Mapping))
        entries[item["fingerprint"]] = Entry(
            item["fingerprint"], "drift", _severity(item.get("severity")), label, changes
        )
    return list(entries.values())


def _severity(value: object) -> str | None:
    return value if isinstance(value, str) and value in {s.label for s in SEVERITIES} else None


def diff_reports(old: list[Entry], new: list[Entry]) -> ReportDiff:
    before = {e.fingerprint for e in old}
    after = {e.fingerprint for e in new}
    order = {s.label: i for i, s in enumerate(SEVERITIES)}

    def ranked(entries: list[Entry]) -> list[Entry]:
        return sorted(entries, key=lambda e: (order.get(e.severity or "", 9), e.what, e.label, e.fingerprint))

    return ReportDiff(
        new=ranked([e for e in new if e.fingerprint not in before]),
        fixed=ranked([e for e in old if e.fingerprint not in after]),
        open=ranked([e for e in new if e.fingerprint in before]),
    )


def render_text(diff: ReportDiff, *, verbose: bool = False) -> str:
    lines = []
    for bucket, title in (("new", "new"), ("fixed", "fixed"), ("open", "still open")):
        entries: list[Entry] = getattr(diff, bucket)
        if bucket == "open" and not verbose:
            continue
        for e in entries:
            sev = (e.severity or e.what).upper()
            lines.append(f"  {title.upper():<10} {sev:<9} {e.label}" + (f": {e.message}" if e.message else ""))
    counts = diff.counts()
    parts = []
    for bucket, title in (("new", "new"), ("fixed", "fixed"), ("open", "still open")):
        row = counts[bucket]
        detail = [f"{row[s.label]} {s.label}" for s in SEVERITIES if row[s.label]]
        if row["drift"]:
            detail.append(f"{row['drift']} drift")
        parts.append(f"{row['total']} {title}" + (f" ({', '.join(detail)})" if detail else ""))
    lines.append(" · ".join(parts))
    return "\n".join(lines) + "\n"


def render_json(diff: ReportDiff) -> str:
    def entries(items: list[Entry]) -> list[dict[str, Any]]:
        return [
            {
                "fingerprint": e.fingerprint,
                "type": e.what,
                "severity": e.severity,
                "label": e.label,
                "message": e.message,
            }
            for e in items
        ]

    data = {"counts": diff.counts(), **{b: entries(getattr(diff, b)) for b in _BUCKETS}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
