"""Inline suppressions are comments: the same words in a string or a heredoc are text."""

from __future__ import annotations

import json

from emailiac.sources.terraform.files import parse_text


def _suppressions(text: str, path: str = "main.tf") -> list[tuple[int, tuple[str, ...]]]:
    parsed = parse_text(text, path)
    assert parsed.error is None
    return [(s.line, s.rule_ids) for s in parsed.suppressions]


def test_comment_suppresses() -> None:
    text = 'resource "aws_x" "a" {\n  # emailiac:ignore[SPF001] reviewed\n  name = "a"\n}\n'
    assert _suppressions(text) == [(2, ("SPF001",))]


def test_marker_in_a_string_is_text() -> None:
    text = 'resource "aws_x" "a" {\n  description = "# emailiac:ignore[SPF001] not a comment"\n}\n'
    assert _suppressions(text) == []


def test_marker_in_a_heredoc_is_text() -> None:
    text = (
        'resource "aws_x" "a" {\n'
        "  policy = <<EOT\n"
        "// emailiac:ignore[SES002] inside the document\n"
        "/* emailiac:ignore[SES002] */\n"
        "EOT\n"
        "}\n"
    )
    assert _suppressions(text) == []


def test_comment_after_a_string_holding_a_marker() -> None:
    text = 'resource "aws_x" "a" {\n  a = "emailiac:ignore[X001]" # emailiac:ignore[NET001] real\n}\n'
    assert _suppressions(text) == [(2, ("NET001",))]


def test_block_comment_over_several_lines() -> None:
    text = (
        "/*\n  emailiac:ignore[SPF001] no comment mark on this line\n*/\n"
        '/* note\n# emailiac:ignore[SPF002] */\nresource "aws_x" "a" {\n}\n'
    )
    assert _suppressions(text) == [(5, ("SPF002",))]


def test_tf_json_comment_property_suppresses_and_other_strings_do_not() -> None:
    doc = {
        "resource": {
            "aws_x": {
                "a": {
                    "//": "emailiac:ignore[SPF001] reviewed",
                    "description": "# emailiac:ignore[NET001] just text",
                }
            }
        }
    }
    assert _suppressions(json.dumps(doc, indent=2), "main.tf.json") == [(5, ("SPF001",))]
