"""format() and formatlist() against answers recorded from `terraform console` (Terraform 1.11).

Each expression was run as `jsonencode(<expression>)` in an empty folder; the table keeps the decoded JSON,
and "error" marks what Terraform rejects (caught by `try`). `format_answers.json` adds 597 generated cases
(random flags, width, precision, verb and argument), recorded the same way. The `still_hold` tests re-run
both in one console call each when terraform is installed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from emailiac.sources.terraform.loader import load_terraform
from tests.terraform.support import console_json, evaluated

ANSWERS: list[tuple[str, Any]] = [
    ('format("%semergency-access-%02s", "", 1)', "emergency-access-01"),
    ('format("CA%03s-%s", 98, "x")', "CA098-x"),
    ('format("%05v|%-05s|%06q|%-06q|", "ab", "ab", "ab", "ab")', '000ab|ab000|00"ab"|"ab"00|'),
    ('format("%5t|%-5t|%05t|", true, false, "true")', "true|false|true|"),
    (
        'format("%05d|%-05d|%+05d|% 05d|%0-5d|%-+5d|%- 5d|% d|", -42, -42, 42, 42, 5, 5, 5, -5)',
        "-0042|-42  |+0042| 0042|5    |+5   | 5   |-5|",
    ),
    (
        'format("%05x|%-05x|%#05x|%#x|%#o|%#b|%05X|%05b|%05o|%#X|%x|%o|", '
        "255, 255, 255, 255, 8, 5, 255, 5, 8, 255, -255, -8)",
        "000ff|ff   |0x0ff|0xff|010|0b101|000FF|00101|00010|0XFF|-ff|-10|",
    ),
    ('format("%08.3d|%.3d|%.0d|%5.3d|%05.1d|%+.0d|%5.0d|", 5, 5, 0, -5, -3, 0, 0)', "     005|005|| -005|   -3|||"),
    (
        'format("%#x|%x|%d|%x|%d|", 0, 0, 0, 1e21, 123456789012345678901234)',
        "0x0|0|0|3635c9adc5dea00000|123456789012345678901234|",
    ),
    (
        'format("%08.2f|%-08.2f|%+08.2f|%8.2f|%-8.2f|% 8.2f|% 08.2f|%5.1f|", '
        "-3.14159, 3.14159, 3.14159, 3.14159, 3.14159, 3.14159, 3.14159, -0.04)",
        "-0003.14|00003.14|+0003.14|    3.14|3.14    |    3.14| 0003.14| -0.0|",
    ),
    (
        'format("%010.3e|%010g|%-08g|%+.1e|%e|%.2e|%G|%E|%.3G|", '
        "1234.5, 1234.5, 3.14159, -1, 0, 12345.678, 1234567, 1.5, 0.000012345)",
        "01.234e+03|00001234.5|03.14159|-1.0e+00|0.000000e+00|1.23e+04|1.234567E+06|1.500000E+00|1.23E-05|",
    ),
    ('format("%.1f|%.1f|%.2f|%.2f|%.2f|%.1f|", 0.35, 0.45, 2.675, 0.125, 0.375, 0.25)', "0.3|0.4|2.67|0.12|0.38|0.2|"),
    (
        'format("%.0f|%.0f|%.0f|%.3e|%.1e|%.17f|%.20e|", 0.5, 1.5, 2.5, 1.0005, 0.15, 0.1, 0.3)',
        "0|2|2|1.000e+00|1.5e-01|0.10000000000000000|3.00000000000000000000e-01|",
    ),
    (
        'format("%f|%e|%g|%.3g|%#.3g|", '
        "123456789012345678901234, 123456789012345678901234, 123456789012345678901234, 100, 1)",
        "123456789012345678901234.000000|1.234568e+23|1.23456789012345678901234e+23|100|1|",
    ),
    (
        'format("%g|%g|%g|%g|%g|%g|%g|", 0, -0.0001, 1e-5, 123456, 1234567, 100000, 1e21)',
        "0|-0.0001|1e-05|123456|1.234567e+06|100000|1e+21|",
    ),
    (
        'format("%v|%v|%v|%v|%v|%v|%v|%v|%v|", '
        "1234567, 100000, 1000000, 0.0001, 0.00001, -2.5, 1e21, 1e-7, 123456789012345678901234)",
        "1.234567e+06|100000|1e+06|0.0001|1e-05|-2.5|1e+21|1e-07|1.23456789012345678901234e+23|",
    ),
    (
        'format("%05v|%-05v|%5v|%05v|%06v|%-06v|%#05v|%#5v|%+v|", -5, -5, true, true, ["a"], 7, "ab", 1, 1)',
        '000-5|-5000| true|0true|0["a"]|700000|0"ab"|    1|1|',
    ),
    (
        'format("%v|%q|%#v|", ["<a>&", 1e21, 1.0, 1e-7], "<&>", {b = 1, a = "x"})',
        '["\\u003ca\\u003e\\u0026",1000000000000000000000,1,0.0000001]|"\\u003c\\u0026\\u003e"|{"a":"x","b":1}|',
    ),
    ('format("%v|%5v|", tostring(null), tolist([]))', "null|   []|"),
    (
        'format("%05.1s|%.1q|%5.0s|%05s|%03s|%-3s|%05s|%.2s|%+s|%-5q|%#q|", '
        '"abc", "abc", "abc", "héllo", "abcd", "a", true, "héllo", "a", "a", "b")',
        '0000a|"a"|  abc|héllo|abcd|a  |0true|hé|a|"a"  |"b"|',
    ),
    (
        'format("%s|%s|%s|%q|%s|%05d|", 1234567, 1e21, 1e-7, 5, 1.5, 1.0)',
        '1234567|1000000000000000000000|0.0000001|"5"|1.5|00001|',
    ),
    ('format("%[2]d %[1]d|%%|", 1, 2)', "2 1|%|"),
    ('format("%[2]d %d|", 1, 2, 3)', "2 3|"),
    ('formatlist("%03s|%-4t", [1, 22, 333], [true, false, true])', ["001|true", "022|false", "333|true"]),
    ('"${1e21}|${1e-7}|${0.5}"', "1000000000000000000000|0.0000001|0.5"),
    ('jsonencode([1e21, 1e-7, 2.50, "<&>"])', '[1000000000000000000000,0.0000001,2.5,"\\u003c\\u0026\\u003e"]'),
    ('try(format("%[1]d|", 1, 2), "error")', "error"),
    ('try(format("%5%|"), "error")', "error"),
    ('try(format("%F", 1.5), "error")', "error"),
    ('try(format("%s", tostring(null)), "error")', "error"),
    ('try(format("%d", true), "error")', "error"),
    ('try(format("%s", [1]), "error")', "error"),
    ('try(format("%d", 1.5), "error")', "error"),
    ('try(format("%z", 1), "error")', "error"),
    ('try(format("%d"), "error")', "error"),
    (
        'format("%d|%x|%s|%v|%.0f|%e", 1.5e22, 1.5e22, 1.5e22, 1.5e22, 1.5e22, 1.5e22)',
        "15000000000000000000000|32d26d12e980b600000|15000000000000000000000|1.5e+22|15000000000000000000000|1.500000e+22",
    ),
    ('"${1.5e22}|${1.5e-7}"', "15000000000000000000000|0.00000015"),
]


GENERATED: list[tuple[str, Any]] = [
    (e, a) for e, a in json.loads((Path(__file__).parent / "format_answers.json").read_text(encoding="utf-8"))
]


@pytest.mark.parametrize(("expression", "expected"), ANSWERS, ids=[e for e, _ in ANSWERS])
def test_format_gives_terraforms_answer(tmp_path: Path, expression: str, expected: Any) -> None:
    [value] = evaluated(tmp_path, [expression])
    assert value == expected


def test_generated_cases_give_terraforms_answers(tmp_path: Path) -> None:
    got = evaluated(tmp_path, [e for e, _ in GENERATED])
    wrong = [(e, want, value) for (e, want), value in zip(GENERATED, got, strict=True) if value != want]
    assert wrong == []


def test_the_zero_flag_pads_a_for_each_key_as_terraform(tmp_path: Path) -> None:
    """A key built with `%02s` names a different resource instance when padded with spaces."""
    (tmp_path / "main.tf").write_text(
        'resource "null_resource" "u" {\n  for_each = toset([for i in range(1, 3) : format("u%02s", i)])\n'
        '  name = "${each.key}@example.com"\n}\n',
        encoding="utf-8",
    )
    load = load_terraform([tmp_path], env={})
    assert [(r.address, r.body.get("name")) for r in load.resources] == [
        ('null_resource.u["u01"]', "u01@example.com"),
        ('null_resource.u["u02"]', "u02@example.com"),
    ]


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
@pytest.mark.parametrize("table", [ANSWERS, GENERATED], ids=["answers", "generated"])
def test_recorded_answers_still_hold(tmp_path: Path, table: list[tuple[str, Any]]) -> None:
    values = console_json(tmp_path, "[" + ", ".join(e for e, _ in table) + "]")
    assert values == [expected for _, expected in table]
