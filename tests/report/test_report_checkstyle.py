"""Checkstyle XML: valid against the schema, one <file> per file, severities mapped, hostile text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from emailiac.report import checkstyle
from emailiac.result import Result
from tests.report.report_samples import clean_result, empty_result, full_result, options

SCHEMA = xmlschema.XMLSchema(Path(__file__).parents[1] / "schemas" / "checkstyle.xsd")


def _root(result: Result) -> ET.Element:
    out = checkstyle.render(result, options())
    SCHEMA.validate(out)
    return ET.fromstring(out.encode())


@pytest.mark.parametrize("make", [full_result, clean_result, empty_result])
def test_every_report_is_valid(make: Any) -> None:
    _root(make())


def test_findings_and_errors_by_file() -> None:
    result = full_result()
    root = _root(result)
    errors = root.findall("./file/error")
    assert len(errors) == len(result.active_findings) + len(result.errors)
    by_file = {f.get("name"): [e.get("source") for e in f.findall("error")] for f in root.findall("file")}
    assert "emailiac.NET001" in by_file["main.tf"]
    assert list(by_file) == sorted(by_file)
    net001 = next(e for e in errors if e.get("source") == "emailiac.NET001")
    assert net001.get("severity") == "error"


def test_control_characters_and_quotes_survive() -> None:
    result = full_result()
    first = result.findings[0]
    hostile = replace(first.evaluation, message='a "quoted" <tag> & \x1b[31mred\x1b[0m\nnext')
    result.findings = [replace(first, evaluation=hostile)]
    result.errors = []
    error = _root(result).find("./file/error")
    assert error is not None
    assert error.get("message") == f'{first.title}: a "quoted" <tag> & [31mred[0m\nnext'
