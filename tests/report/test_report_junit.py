"""JUnit XML: parsed back, counts must add up."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from emailiac.report import junit
from emailiac.result import Result, Status
from tests.report.report_samples import (
    clean_result,
    empty_result,
    evaluation,
    finding,
    full_result,
    options,
    tf,
)

SCHEMA = xmlschema.XMLSchema(Path(__file__).parents[1] / "schemas" / "junit.xsd")


def _parse(result: Result) -> ET.Element:
    out = junit.render(result, options())
    SCHEMA.validate(out)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.encode())


@pytest.mark.parametrize("make", [full_result, clean_result, empty_result])
def test_counts_are_consistent(make: object) -> None:
    assert callable(make)
    root = _parse(make())
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        assert {k: int(suite.attrib[k]) for k in counted} == counted
        for key, value in counted.items():
            totals[key] += value
    assert {k: int(root.attrib[k]) for k in totals} == totals


def test_one_suite_per_rule_family_plus_input_errors() -> None:
    root = _parse(full_result())
    assert root.tag == "testsuites"
    assert [s.attrib["name"] for s in root.findall("testsuite")] == ["dmarc", "network", "spf", "tls", "input"]
    assert (root.attrib["tests"], root.attrib["failures"], root.attrib["errors"], root.attrib["skipped"]) == (
        "12",
        "5",
        "2",
        "3",
    )


def test_each_kind_of_evaluation() -> None:
    root = _parse(full_result())
    cases = {(c.attrib["classname"], c.attrib["name"]): c for c in root.iter("testcase")}
    failed = cases[("emailiac.network.NET001", "NET001 aws_security_group.admin")]
    failure = failed.find("failure")
    assert failure is not None
    assert failure.attrib == {"message": "security group 'admin' opens 22/tcp to 0.0.0.0/0", "type": "CRITICAL"}
    assert failure.text is not None and "fix: Narrow the rule to the admin CIDRs" in failure.text
    assert failed.attrib["file"] == "main.tf"

    passed = cases[("emailiac.network.NET002", "NET002 aws_security_group.admin")]
    assert list(passed) == []

    unresolved = cases[("emailiac.network.NET001", "NET001 aws_security_group.dyn")].find("skipped")
    assert unresolved is not None and unresolved.attrib["message"] == "var.admin_cidr has no value"
    out_of_scope = cases[("emailiac.network.IDS001", "IDS001 aws_account")].find("skipped")
    assert out_of_scope is not None and out_of_scope.attrib["message"].startswith("out of scope: ")
    suppressed = cases[("emailiac.network.NET004", "NET004 aws_security_group.bastion")].find("skipped")
    assert suppressed is not None
    assert suppressed.attrib["message"] == "suppressed: reviewed: bastion only"

    error = cases[("emailiac.input", "broken.tf:7:3")].find("error")
    assert error is not None and error.attrib["message"] == "syntax error: unexpected '}'"
    live = cases[("emailiac.tls.TLS001", "TLS001 aws://us-east-1/ses/configuration-set/mail")]
    assert "file" not in live.attrib


def test_special_characters_survive_the_round_trip() -> None:
    message = 'a <b> & "c" \' d\nnext line\x00\x1b end'
    ev = evaluation("DMARC003", Status.FAIL, tf('aws_route53_record.x["<&>"]', "/work/repo/a.tf", 1), message)
    root = _parse(Result("default", findings=[finding(ev)]))
    case = next(root.iter("testcase"))
    assert case.attrib["name"] == 'DMARC003 aws_route53_record.x["<&>"]'
    failure = case.find("failure")
    assert failure is not None
    # Characters XML cannot carry at all are replaced; the rest come back as they were.
    assert failure.attrib["message"] == 'a <b> & "c" \' d\nnext line\ufffd\ufffd end'


def test_rule_family_falls_back_to_the_id_without_metadata() -> None:
    out = junit.render(full_result(), options(rules={}))
    names = [s.attrib["name"] for s in ET.fromstring(out).findall("testsuite")]
    assert names == ["dmarc", "ids", "net", "spf", "tls", "input"]
