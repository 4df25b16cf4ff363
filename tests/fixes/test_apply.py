"""Applying fixes: ordered non-overlapping edits, conflicts set aside, new blocks appended once, a unified
diff, and an all-or-nothing write."""

from __future__ import annotations

from pathlib import Path

import pytest

from emailiac.fixes.apply import EditConflict, apply_edits, build_changes, unified_diff, write_changes
from emailiac.fixes.model import SAFE, UNSAFE, Edit, Fix, Import, NewBlock, applicable

TEXT = 'resource "a" "b" {\n  x = 1\n  long = 2\n}\n'
ONE = TEXT.index("1")
TWO = TEXT.index("2")


def _fix(rule: str, *edits: Edit, blocks: tuple[NewBlock, ...] = (), imports: tuple[Import, ...] = ()) -> Fix:
    return Fix(rule, f"fix {rule}", SAFE, f"a.{rule.lower()}", edits=edits, new_blocks=blocks, imports=imports)


def test_edits_apply_in_position_order_and_duplicates_once() -> None:
    one = Edit("f", ONE, ONE + 1, "10")
    two = Edit("f", TWO, TWO + 1, "20")
    text, touched = apply_edits(TEXT, [two, one, one])
    assert text == 'resource "a" "b" {\n  x = 10\n  long = 20\n}\n'
    assert touched == {1, 2}


def test_insertions_at_one_place_go_in_order_and_next_to_a_replacement() -> None:
    text, _ = apply_edits("abc", [Edit("f", 1, 1, "X"), Edit("f", 1, 1, "Y"), Edit("f", 1, 2, "B")])
    assert text == "aXYBc"


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(EditConflict):
        apply_edits(TEXT, [Edit("f", ONE - 5, ONE + 5, ""), Edit("f", ONE, ONE + 1, "x")])
    with pytest.raises(EditConflict):
        apply_edits(TEXT, [Edit("f", ONE - 5, ONE + 5, ""), Edit("f", ONE, ONE, "x")])


def test_a_conflicting_fix_is_set_aside_and_lines_are_realigned() -> None:
    first = _fix("A001", Edit("f", TEXT.index("\n"), ONE + 1, "\n  x = 10"))
    second = _fix("B001", Edit("f", ONE, ONE + 1, "99"))
    changes = build_changes([first, second], {"f": TEXT}.get)
    assert changes.applied == [first]
    assert [f for f, _ in changes.conflicts] == [second]
    assert changes.new["f"] == 'resource "a" "b" {\n  x    = 10\n  long = 2\n}\n'


def test_new_blocks_are_appended_once_with_their_imports(tmp_path: Path) -> None:
    target = str(tmp_path / "fixes.tf")
    block = NewBlock(target, 'resource "x" "y" {}\n')
    one = _fix("A001", blocks=(block,), imports=(Import("x.y", "id-1"),))
    two = _fix("A002", blocks=(block,))
    changes = build_changes([one, two], lambda f: None)
    assert changes.new[target] == 'import {\n  to = x.y\n  id = "id-1"\n}\n\nresource "x" "y" {}\n'
    assert "+++ b/fixes.tf" in unified_diff(changes, tmp_path)
    assert "--- /dev/null" in unified_diff(changes, tmp_path)


def test_a_block_already_in_its_file_is_not_added_again() -> None:
    block = NewBlock("f", 'resource "x" "y" {}\n')
    changes = build_changes([_fix("A001", blocks=(block,))], {"f": 'resource "x" "y" {}\n'}.get)
    assert changes.changed == []


def test_writes_are_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "a.tf"
    good.write_text("a = 1\n")
    (tmp_path / "afile").write_text("")  # a file where a directory should be: the second write fails
    fix = _fix(
        "A001",
        Edit(str(good), 4, 5, "2"),
        blocks=(NewBlock(str(tmp_path / "afile" / "b.tf"), 'resource "x" "y" {}\n'),),
    )
    changes = build_changes([fix], lambda f: Path(f).read_text() if Path(f).is_file() else None)
    assert changes.changed == [str(good), str(tmp_path / "afile" / "b.tf")]
    with pytest.raises(OSError):
        write_changes(changes)
    assert good.read_text() == "a = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tf", "afile"]  # no temporary file left


def test_applicability() -> None:
    fix = _fix("A001", Edit("f", 0, 0, "x"))
    assert applicable(fix, unsafe=False)
    risky = Fix("A001", "t", UNSAFE, "a", edits=fix.edits)
    assert not applicable(risky, unsafe=False) and applicable(risky, unsafe=True)
    advice = Fix("A001", "t", "display-only", "a", edits=fix.edits)
    assert not applicable(advice, unsafe=True)
    assert not applicable(Fix("A001", "t", SAFE, "a"), unsafe=True)
