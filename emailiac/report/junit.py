"""JUnit XML for CI test dashboards: each evaluation is a test case.

One test suite per rule family (spf, network, identity...): suite names stay the same whether the input was
Terraform or a live scan, and a dashboard's history per family survives files being moved or split, which a
suite per file would not. Findings fail, not-assessed and suppressed evaluations are skipped, passes pass;
input errors form a suite of their own (`input`) with one erroring case each.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from emailiac.report.common import display_path, error_location, location, rule_family
from emailiac.report.options import ReportOptions
from emailiac.result import Evaluation, Finding, InputError, Result

__all__ = ["render"]

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


@dataclass
class _Suite:
    name: str
    cases: list[ET.Element] = field(default_factory=list)
    failures: int = 0
    errors: int = 0
    skipped: int = 0


def _case(ev: Evaluation, family: str, options: ReportOptions) -> ET.Element:
    case = ET.Element("testcase")
    case.set("name", _xml(f"{ev.rule_id} {ev.subject.address}"))
    case.set("classname", _xml(f"emailiac.{family}.{ev.rule_id}"))
    if ev.subject.file:
        case.set("file", _xml(display_path(ev.subject.file, options)))
    case.set("time", "0")
    return case


def _failure_text(finding: Finding, options: ReportOptions) -> str:
    ev = finding.evaluation
    lines = [f"{ev.rule_id} {finding.title}", f"at {location(ev.subject, options)}"]
    if ev.subject.file:
        lines.append(f"resource {ev.subject.address}")
    if ev.fix_hint:
        lines.append(f"fix: {ev.fix_hint}")
    if finding.controls:
        lines.append(f"controls: {', '.join(finding.controls)}")
    lines.append(f"fingerprint: {ev.fingerprint}")
    return "\n".join(lines)


def _add_finding(suite: _Suite, finding: Finding, family: str, options: ReportOptions) -> None:
    ev = finding.evaluation
    case = _case(ev, family, options)
    sup = finding.suppressed_by
    if sup is not None:
        skipped = ET.SubElement(case, "skipped")
        skipped.set("message", _xml(f"suppressed: {sup.reason}"))
        skipped.text = _xml(f"emailiac:ignore at {display_path(sup.file, options)}:{sup.line}")
        suite.skipped += 1
    else:
        failure = ET.SubElement(case, "failure")
        failure.set("message", _xml(ev.message))
        failure.set("type", ev.severity.name)
        failure.text = _xml(_failure_text(finding, options))
        suite.failures += 1
    suite.cases.append(case)


def _add_not_assessed(suite: _Suite, ev: Evaluation, family: str, options: ReportOptions) -> None:
    case = _case(ev, family, options)
    skipped = ET.SubElement(case, "skipped")
    skipped.set("message", _xml(f"out of scope: {ev.message}" if ev.out_of_scope else ev.message))
    suite.skipped += 1
    suite.cases.append(case)


def _input_suite(errors: list[InputError], options: ReportOptions) -> _Suite:
    suite = _Suite("input")
    for error in errors:
        case = ET.Element("testcase")
        case.set("name", _xml(error_location(error, options) or "input"))
        case.set("classname", "emailiac.input")
        if error.file:
            case.set("file", _xml(display_path(error.file, options)))
        case.set("time", "0")
        element = ET.SubElement(case, "error")
        element.set("message", _xml(error.message))
        element.set("type", "InputError")
        suite.cases.append(case)
        suite.errors += 1
    return suite


def _suite_element(suite: _Suite) -> ET.Element:
    element = ET.Element("testsuite")
    element.set("name", _xml(suite.name))
    element.set("tests", str(len(suite.cases)))
    element.set("failures", str(suite.failures))
    element.set("errors", str(suite.errors))
    element.set("skipped", str(suite.skipped))
    element.set("time", "0")
    element.extend(suite.cases)
    return element


def render(result: Result, options: ReportOptions) -> str:
    suites: dict[str, _Suite] = {}

    def suite_for(ev: Evaluation) -> tuple[_Suite, str]:
        family = rule_family(ev, options)
        return suites.setdefault(family, _Suite(family)), family

    for finding in result.findings:
        suite, family = suite_for(finding.evaluation)
        _add_finding(suite, finding, family, options)
    for ev in result.not_assessed:
        suite, family = suite_for(ev)
        _add_not_assessed(suite, ev, family, options)
    for ev in result.passes:
        suite, family = suite_for(ev)
        suite.cases.append(_case(ev, family, options))

    ordered = [suites[name] for name in sorted(suites)]
    if result.errors:
        ordered.append(_input_suite(result.errors, options))
    root = ET.Element("testsuites")
    root.set("name", "emailiac")
    root.set("tests", str(sum(len(s.cases) for s in ordered)))
    root.set("failures", str(sum(s.failures for s in ordered)))
    root.set("errors", str(sum(s.errors for s in ordered)))
    root.set("skipped", str(sum(s.skipped for s in ordered)))
    root.set("time", "0")
    root.extend(_suite_element(s) for s in ordered)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
