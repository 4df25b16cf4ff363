"""Fixes as data: in-place edits, new blocks and `import {}` blocks, with an applicability.

A fix never touches a file by itself: `apply.py` turns a set of fixes into new file texts (all or nothing),
and reporters show the same data (JSON `fix`, SARIF `fixes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = [
    "APPLICABILITIES",
    "DISPLAY_ONLY",
    "SAFE",
    "UNSAFE",
    "Edit",
    "Fix",
    "Import",
    "NewBlock",
    "applicable",
]

SAFE = "safe"
UNSAFE = "unsafe"
DISPLAY_ONLY = "display-only"
APPLICABILITIES = (SAFE, UNSAFE, DISPLAY_ONLY)


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the characters [start, end) of `file` with `replacement` (start == end inserts)."""

    file: str
    start: int
    end: int
    replacement: str

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True)
class NewBlock:
    """Terraform text to add: appended to `file` (created when missing).

    `module` is the module address the block belongs to ("" for the root module): a block that refers to a
    module's own resources must stay in that module's directory, whatever `--out` says.
    """

    file: str
    hcl: str
    module: str = ""
    movable: bool = True  # False: must stay in `file` (a tfvars override), even with `--out`


@dataclass(frozen=True)
class Import:
    """A Terraform >= 1.5 `import {}` block bringing a live object under the address `to`."""

    to: str
    id: str


@dataclass(frozen=True)
class Fix:
    """What corrects one finding."""

    rule_id: str
    title: str  # the rule's imperative fix title
    applicability: str  # one of APPLICABILITIES
    subject: str  # the finding's resource address or live URI
    fingerprint: str = ""
    edits: tuple[Edit, ...] = ()
    new_blocks: tuple[NewBlock, ...] = ()
    imports: tuple[Import, ...] = ()
    # Why the fix is what it is (a value set elsewhere, something left to do by hand).
    notes: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.edits or self.new_blocks or self.imports)

    def with_notes(self, *notes: str) -> Fix:
        return replace(self, notes=(*self.notes, *notes))


def applicable(fix: Fix, *, unsafe: bool) -> bool:
    """Whether `fix --write` applies the fix: safe ones always, unsafe ones when asked, display-only never."""
    if fix.is_empty or fix.applicability == DISPLAY_ONLY:
        return False
    return fix.applicability == SAFE or unsafe
