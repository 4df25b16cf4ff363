"""Safe HCL emission: any string survives a template and a parse unchanged, never becoming an
interpolation; `=` and trailing comments are aligned the way `terraform fmt` aligns them."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emailiac.fixes.hcl_align import align
from emailiac.fixes.hcl_emit import hcl_string, hcl_value
from emailiac.fixes.render import Expr, render
from emailiac.sources.terraform.ast import Lit, Template
from emailiac.sources.terraform.evaluate import evaluate
from emailiac.sources.terraform.hcl import parse_hcl
from emailiac.sources.terraform.template import unescape
from emailiac.sources.terraform.variables import NoReferences

# Text a UTF-8 file can hold: any code point but lone surrogates.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
TRICKY = st.lists(
    st.sampled_from(
        ["${", "%{", "$${", "%%{", "}", "$", "%", "\\", '"', "\n", "\r", "\t", "\x00", "\x7f", "\u2028", "~"]
    ),
    max_size=12,
).map("".join)


def _read_back(hcl: str, name: str) -> object:
    parsed = parse_hcl(hcl)
    block = parsed.body.blocks[0]
    attr = block.body.attribute(name)
    assert attr is not None
    expr = attr.expr
    # Never an interpolation or a directive: a literal, or a template made of literal text only.
    assert isinstance(expr, (Lit, Template))
    if isinstance(expr, Template):
        assert all(isinstance(p, str) for p in expr.parts) and not expr.directive
    return evaluate(expr, NoReferences())


def _read_back_with_python_hcl2(hcl: str) -> str:
    """python-hcl2 4 returns a string's source text: decode its escapes as HCL does (`%%{` is `%{`)."""
    raw = hcl2.loads(hcl)["resource"][0]["aws_guardduty_detector"]["main"]["note"]
    assert isinstance(raw, str)
    return unescape(raw).replace("%%{", "%{")


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(TEXT, TRICKY, st.tuples(TEXT, TRICKY, TEXT).map("".join)))
def test_any_string_survives_a_template_and_a_parse(value: str) -> None:
    hcl = render("guardduty_detector.tf.j2", name="main").replace("enable = true", f"note = {hcl_string(value)}")
    assert _read_back(hcl, "note") == value
    assert _read_back_with_python_hcl2(hcl) == value


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(TEXT, TRICKY))
def test_rendered_values_go_through_the_filter(value: str) -> None:
    hcl = render("cloudtrail.tf.j2", name="main", trail_name=value, bucket=Expr("var.bucket"))
    assert _read_back(hcl, "name") == value
    hcl2.loads(hcl)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("${var.x}", '"$\\u007bvar.x}"'),
        ("${", '"$\\u007b"'),
        ("%{if}", '"%%{if}"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("line\nnext", '"line\\nnext"'),
        ("\x01", '"\\u0001"'),
        ("$$ and %%", '"$$ and %%"'),
        ("\x7f\x9f\u2028", '"\\u007f\\u009f\\u2028"'),
        ("v=DMARC1; p=reject; \xa0é {x}", '"v=DMARC1; p=reject; \xa0é {x}"'),  # written as it is
    ],
)
def test_hcl_string_escapes(value: str, written: str) -> None:
    assert hcl_string(value) == written


def test_hcl_string_refuses_lone_surrogates() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        hcl_string("\ud800")


def test_hcl_value_literals() -> None:
    assert hcl_value(True) == "true"
    assert hcl_value(None) == "null"
    assert hcl_value(14) == "14"
    assert hcl_value(["a", 1, False]) == '["a", 1, false]'
    assert hcl_value({"Name": "x", "a b": 2}) == '{ Name = "x", "a b" = 2 }'


def test_align_lines_up_a_chain_and_stops_at_breaks() -> None:
    text = 'resource "x" "y" {\n  a = 1\n  long_name = 2\n  tags = {\n    k = 1\n    longer = 2\n  }\n\n  b = 3\n}\n'
    assert align(text) == (
        'resource "x" "y" {\n'
        "  a         = 1\n"
        "  long_name = 2\n"
        "  tags = {\n"
        "    k      = 1\n"
        "    longer = 2\n"
        "  }\n"
        "\n"
        "  b = 3\n"
        "}\n"
    )


def test_align_only_touched_chains_and_trailing_comments() -> None:
    text = 'a = 1\nbb = 2\n\nc   = 3\nlist = [\n  "x", # one\n  "long", # two\n]\n'
    assert align(text, touched=[0]) == 'a  = 1\nbb = 2\n\nc   = 3\nlist = [\n  "x", # one\n  "long", # two\n]\n'
    assert align(text, touched=[5]).split("\n")[5:7] == ['  "x",    # one', '  "long", # two']


def test_align_leaves_heredocs_and_comparisons_alone() -> None:
    text = "a = <<EOT\nx = 1\nlonger = 2\nEOT\nb = c == d\nlong = 1\n"
    assert align(text) == "a = <<EOT\nx = 1\nlonger = 2\nEOT\nb    = c == d\nlong = 1\n"


def test_align_ignores_equals_in_strings_and_comments() -> None:
    text = 'a = "x=y" # k = v\nlonger = 1\n'
    assert align(text) == 'a      = "x=y" # k = v\nlonger = 1\n'


def test_aligning_around_touched_lines_matches_aligning_every_chain_scanned() -> None:
    """`align` scans only the chains around the touched lines when no line can carry state to the next
    (no heredoc, no block comment); that shortcut gives what the full scan gives."""
    import random

    from emailiac.fixes.hcl_align import _align_scanned

    def full(text: str, touched: set[int]) -> str:
        lines = text.split("\n")
        _align_scanned(lines, touched)
        return "\n".join(lines)

    rng = random.Random(3)
    root = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"
    checked = 0
    for path in sorted(root.rglob("*.tf")):
        text = "\n".join(
            line.replace(" = ", "   =  ", 1) if rng.random() < 0.5 else line for line in path.read_text().split("\n")
        )
        for _ in range(4):
            touched = {rng.randrange(text.count("\n") + 1) for _ in range(rng.randint(1, 3))}
            assert align(text, touched) == full(text, touched), (path, touched)
            checked += 1
    assert checked > 100


def _fixture_lines() -> list[str]:
    root = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"
    return [line for path in sorted(root.rglob("*.tf")) for line in path.read_text().split("\n")]


def test_common_lines_read_without_the_character_loop_read_as_it_reads_them() -> None:
    """Block headers and simple one-line attributes are read by a pattern; every fixture line, and
    variants with comments, interpolations, comparisons and strings holding `#` or `//`, reads alike."""
    from emailiac.fixes import hcl_align

    checked = 0
    for line in _fixture_lines():
        variants = (
            line,
            f"{line} # note",
            line.replace('"', '"x${a}', 1),
            line.replace("= ", "== ", 1),
            line.replace("= ", "=> ", 1),
            line.replace('"', '"#//x/*', 1),
            line.replace("{", "{ # c", 1),
            line.replace("{", "= {", 1),
        )
        for variant in variants:
            hcl_align._PLAIN_SHAPES.pop(variant, None)
            assert hcl_align._plain_shape(variant) == hcl_align._scan_line(variant, {}), variant
            checked += 1
    assert checked > 10_000


@pytest.mark.parametrize("seed", range(3))
def test_an_edit_that_keeps_its_lines_places_is_settled_by_the_chains_around_it(seed: int) -> None:
    """`realigns_plain` with the file's `AssignChains` answers what the window's realignment answers, on
    fixture files (some with chains knocked out of line) edited at random: values, names, trailing comments,
    spaces around `=`."""
    import random

    from emailiac.fixes.apply import apply_edits
    from emailiac.fixes.hcl_align import AssignChains, realigns_plain
    from emailiac.fixes.model import Edit

    rng = random.Random(seed)
    root = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"
    answers = {True: 0, False: 0}
    for path in sorted(root.rglob("*.tf")):
        text = path.read_text()
        if "<<" in text or "/*" in text:
            continue
        if rng.random() < 0.3:
            text = text.replace(" = ", "   = ", 1)
        lines = text.split("\n")
        chains = AssignChains(lines)
        for _ in range(6):
            at = rng.randrange(len(text))
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            line = text[start:end]
            eq = line.find(" = ")
            edits = {
                "value": Edit("m.tf", start + eq + 3, end, '"changed"') if eq > 0 else None,
                "name": Edit("m.tf", start, start + eq, line[:eq] + "_longer") if eq > 0 else None,
                "comment": Edit("m.tf", end, end, " # why"),
                "spaces": Edit("m.tf", start + eq, start + eq + 3, " =  ") if eq > 0 else None,
                "word": Edit("m.tf", at, at, "x"),
            }
            for edit in edits.values():
                if edit is None:
                    continue
                region, touched = apply_edits(
                    text[start:end], [Edit("m.tf", edit.start - start, edit.end - start, edit.replacement)]
                )
                first = last = text.count("\n", 0, start)
                expected = realigns_plain(lines, first, last, region.split("\n"), touched)
                assert realigns_plain(lines, first, last, region.split("\n"), touched, chains) == expected, (path, edit)
                answers[expected] += 1
    assert answers[True] > 20 and answers[False] > 20
