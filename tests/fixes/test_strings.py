"""Edits inside string literals: only the words that change, escapes and interpolations kept."""

from __future__ import annotations

import pytest

from emailiac.fixes.apply import apply_edits
from emailiac.fixes.strings import string_edits, text_changes
from emailiac.sources.terraform.ast import Expr
from emailiac.sources.terraform.hcl import parse_hcl

SOURCE = (
    'plain    = "v=DMARC1; p=none; pct=50"\n'
    'template = "v=spf1 include:${var.esp} ~all"\n'
    'tail     = "v=DMARC1; p=none; rua=mailto:d@${local.domain}"\n'
    'split    = "v=spf1 a \\"\\"mx ~all"\n'
    'google   = "\\"v=spf1 mx \\" \\"~all\\""\n'
)


def _edit(name: str, old: str, new: str) -> str | None:
    parsed = parse_hcl(SOURCE)
    attr = parsed.body.attribute(name)
    assert attr is not None
    edits = string_edits("main.tf", SOURCE, attr.expr, old, new)
    if edits is None:
        return None
    text, _ = apply_edits(SOURCE, edits)
    return text.split("\n")[[a.name for a in parsed.body.attributes].index(name)]


def test_a_word_changes_in_place() -> None:
    line = _edit("plain", "v=DMARC1; p=none; pct=50", "v=DMARC1; p=reject; pct=50")
    assert line == 'plain    = "v=DMARC1; p=reject; pct=50"'


def test_text_around_an_interpolation_is_edited_and_the_interpolation_kept() -> None:
    old = "v=spf1 include:amazonses.com ~all"
    assert _edit("template", old, old.replace("~all", "-all")) == 'template = "v=spf1 include:${var.esp} -all"'
    tail = "v=DMARC1; p=none; rua=mailto:d@example.com"
    edited = _edit("tail", tail, tail.replace("p=none", "p=reject") + "; sp=reject")
    assert edited == 'tail     = "v=DMARC1; p=reject; rua=mailto:d@${local.domain}; sp=reject"'


def test_a_change_inside_an_interpolated_value_is_refused() -> None:
    old = "v=spf1 include:amazonses.com ~all"
    assert _edit("template", old, "v=spf1 include:other.example ~all") is None


@pytest.mark.parametrize(
    ("name", "old", "line"),
    [
        ("split", "v=spf1 a mx ~all", 'split    = "v=spf1 a \\"\\"mx -all"'),
        ("google", "v=spf1 mx ~all", 'google   = "\\"v=spf1 mx \\" \\"-all\\""'),
    ],
)
def test_character_string_spellings_are_kept(name: str, old: str, line: str) -> None:
    assert _edit(name, old, old.replace("~all", "-all")) == line


def test_edits_of_one_record_for_several_findings_do_not_overlap() -> None:
    old = "v=DMARC1; p=none; pct=50"
    parsed = parse_hcl(SOURCE)
    attr = parsed.body.attribute("plain")
    assert attr is not None
    edits = []
    for new in (
        "v=DMARC1; p=reject; pct=50",
        "v=DMARC1; p=none",
        "v=DMARC1; p=none; rua=mailto:r@example.com; pct=50",
    ):
        found = string_edits("main.tf", SOURCE, attr.expr, old, new)
        assert found is not None
        edits += found
    text, _ = apply_edits(SOURCE, edits)
    assert text.startswith('plain    = "v=DMARC1; p=reject; rua=mailto:r@example.com"\n')


def test_inserted_text_is_escaped() -> None:
    line = _edit("plain", "v=DMARC1; p=none; pct=50", 'v=DMARC1; p=none; pct=50; x="${y}"')
    assert line == 'plain    = "v=DMARC1; p=none; pct=50; x=\\"$\\u007by}\\""'


def test_changes_stay_on_word_boundaries() -> None:
    assert text_changes("v=DMARC1; p=none; pct=50", "v=DMARC1; p=none; rua=mailto:a@b.example; pct=50") == [
        (16, 16, "; rua=mailto:a@b.example")
    ]
    assert text_changes("a ~all", "a -all") == [(2, 6, "-all")]


def test_long_records_are_edited_in_linear_time() -> None:
    """A record with thousands of tags: the changed words are found between the common prefix and suffix
    (difflib alone took minutes), and a middle too long to match is replaced whole."""
    import time

    tags = "; ".join(f"x{i}=y{i}" for i in range(3000))
    old = f"v=DMARC1; p=none; {tags}"
    started = time.perf_counter()
    changes = text_changes(old, old.replace("p=none", "p=reject"))
    assert changes == [(12, 16, "reject")]
    split = '""'.join(old[i : i + 255] for i in range(0, len(old), 255))
    text = old
    for start, end, piece in sorted(text_changes(old, split), reverse=True):
        text = text[:start] + piece + text[end:]
    assert text == split
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    "new",
    [
        "v=DMARC1; p=reject; pct=50",
        "v=DMARC1; p=none",
        "p=none; v=DMARC1",
        "",
        'v=DMARC1; p=none; note="quoted\\path"\nnext',
        "v=DMARC1; p=none; pct=50; x=${y}",  # a `$`: the literal is aligned slot by slot
        "v=DMARC1; p=none; pct=50%{",
    ],
)
def test_a_plain_literal_is_edited_as_the_slot_alignment_edits_it(new: str) -> None:
    """A literal written exactly as its value is edited character for character, without aligning its slots;
    the edits are the ones the slot alignment makes."""
    from emailiac.fixes import strings

    old = "v=DMARC1; p=none; pct=50"
    attr = parse_hcl(SOURCE).body.attribute("plain")
    assert attr is not None
    plain = strings._plain_edits("main.tf", SOURCE, attr.expr, old, new)
    assert (plain is None) == ("$" in new or "%" in new)
    if plain is not None:
        assert plain == strings._slot_edits("main.tf", SOURCE, attr.expr, old, new)
    assert strings._plain_edits("main.tf", SOURCE, attr.expr, old + " ", new) is None  # not the written value


def test_a_literal_written_alike_in_two_places_is_edited_in_each() -> None:
    """The same templated literal, value and change at another offset of another file: the edits answered
    for the first are moved to the second, and a different change is worked out anew."""
    old = "v=spf1 include:amazonses.com ~all"
    first = string_edits("a.tf", SOURCE, _expr(SOURCE, "template"), old, old.replace("~all", "-all"))
    moved = "# a comment first\n" + SOURCE
    second = string_edits("b.tf", moved, _expr(moved, "template"), old, old.replace("~all", "-all"))
    assert first is not None and second is not None
    shift = len("# a comment first\n")
    assert [(e.file, e.start, e.end, e.replacement) for e in second] == [
        ("b.tf", e.start + shift, e.end + shift, e.replacement) for e in first
    ]
    assert apply_edits(moved, second)[0].split("\n")[2] == 'template = "v=spf1 include:${var.esp} -all"'
    other = string_edits("b.tf", moved, _expr(moved, "template"), old, old.replace("~all", "?all"))
    assert other is not None
    assert apply_edits(moved, other)[0].split("\n")[2] == 'template = "v=spf1 include:${var.esp} ?all"'
    assert string_edits("b.tf", moved, _expr(moved, "template"), old, "v=spf1 include:x.example ~all") is None


def _expr(source: str, name: str) -> Expr:
    attr = parse_hcl(source).body.attribute(name)
    assert attr is not None
    return attr.expr
