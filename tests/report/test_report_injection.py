"""Names and messages from the input cannot forge report structure: no line breaks, no terminal escapes, no
workflow commands, no Markdown mentions."""

from __future__ import annotations

from dataclasses import replace

from emailiac.report import github, markdown, text
from emailiac.result import Result
from tests.report.report_samples import BASE, full_result, options

HOSTILE_FILE = str(BASE / "evil\n::error file=x::forged\x1b[2J@octocat.tf")
HOSTILE_MESSAGE = "opens 22\r\n::warning::forged \x1b]0;title\x07 cc @security-team"


def _hostile() -> Result:
    result = full_result()
    first = result.findings[0]
    subject = replace(first.evaluation.subject, file=HOSTILE_FILE, line=3)
    result.findings = [replace(first, evaluation=replace(first.evaluation, subject=subject, message=HOSTILE_MESSAGE))]
    result.errors = [replace(result.errors[0], file=HOSTILE_FILE)]
    return result


def test_text_has_no_control_characters_and_no_forged_lines() -> None:
    out = text.render(_hostile(), options())
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "\\x1b[2J" in out  # shown, not obeyed


def test_github_annotations_cannot_be_forged() -> None:
    out = github.render(_hostile(), options())
    lines = out.splitlines()
    assert len(lines) == 2  # one finding, one error
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert "\x1b" not in out and "\x07" not in out
    assert "%0A%3A%3Aerror file=x%3A%3Aforged" in lines[0]


def test_markdown_neutralises_mentions_and_controls() -> None:
    out = markdown.render(_hostile(), options())
    assert "@security-team" not in out and "@octocat" not in out
    assert "@&#8203;security-team" in out
    assert "\x1b" not in out and "\x07" not in out
    table_rows = [line for line in out.splitlines() if "forged" in line]
    assert table_rows and all(line.startswith(("| ", "- ")) for line in table_rows)
