"""What a fix planner may look at: the finding, the evaluated resources, the files, the inventory, the
baseline; and the helpers every family uses to turn changes into a `Fix`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from emailiac.baseline import Baseline
from emailiac.fixes.model import DISPLAY_ONLY, Edit, Fix, Import, NewBlock
from emailiac.fixes.tree import ModuleDir, SourceTree, norm
from emailiac.fixes.values import Changes
from emailiac.model import Inventory, Provenance
from emailiac.redact import Redactor
from emailiac.result import Finding
from emailiac.rules.base import Rule
from emailiac.sources.terraform.ast import Block
from emailiac.sources.terraform.resource import TfResource

__all__ = ["FIXES_FILE", "FixContext", "slug"]

_Fact = TypeVar("_Fact")

FIXES_FILE = "emailiac_fixes.tf"
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A Terraform name from free text: `_mta-sts.example.com` -> `mta_sts_example_com`."""
    name = _NOT_NAME.sub("_", text.lower()).strip("_")
    if not name or name[0].isdigit():
        name = f"r_{name}"
    return name


@dataclass
class FixContext:
    tree: SourceTree
    resources: list[TfResource]
    inventory: Inventory
    baseline: Baseline
    rules: Mapping[str, Rule]
    file_name: str = FIXES_FILE
    findings: list[Finding] = field(default_factory=list)  # every active finding of the run
    secrets: set[str] = field(default_factory=set)  # values of sensitive variables: never written by a fix
    instances: Mapping[str, set[str]] = field(default_factory=dict)  # module folder -> instances (shared.py)
    root_dir: str | None = None  # the root module whose findings are planned: new root blocks go there
    # Module folder -> what `is_shared` answered: a plan made with an estimate of `instances` is checked
    # against the run's real instances (rootjudge.py) and made again if an answer was wrong.
    shared_answers: dict[str, bool] = field(default_factory=dict)
    _by_address: dict[str, TfResource] = field(default_factory=dict)
    _taken: dict[str, set[str]] = field(default_factory=dict)
    _module_index: dict[tuple[str, str], list[TfResource]] | None = None
    _finding_index: dict[tuple[str, str], list[Finding]] | None = None
    _typed: dict[tuple[str, ...], list[TfResource]] = field(default_factory=dict)
    _redactor: Redactor | None = None
    # What planners derive from the whole run once and ask again for each finding (a zone's record style).
    memo: dict[tuple[object, ...], object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for res in self.resources:
            self._by_address.setdefault(res.address, res)

    # -- resources and modules

    def resource(self, address: str | None) -> TfResource | None:
        return self._by_address.get(address) if address else None

    def fact_at(self, kind: type[_Fact], address: str) -> _Fact | None:
        """The first `kind` fact of the inventory that `address` declares (indexed once per kind: planners
        ask once per finding)."""
        key = ("fact_at", kind)
        index = self.memo.get(key)
        if not isinstance(index, dict):
            by_address: dict[str, object] = {}
            for fact in self.inventory.of(kind):
                prov: Provenance = getattr(fact, "prov")  # noqa: B009 (every fact type has one)
                by_address.setdefault(prov.address, fact)
            index = self.memo[key] = by_address
        found = index.get(address)
        return found if isinstance(found, kind) else None

    def of_type(self, *types: str) -> list[TfResource]:
        return [r for r in self.resources if r.type in types]

    def module_of(self, res: TfResource) -> ModuleDir | None:
        return self.tree.module_for(res)

    def block_of(self, res: TfResource) -> Block | None:
        return self.tree.resource_block(res)

    def root(self) -> ModuleDir | None:
        """The root module of the findings being planned (the first root when none is named)."""
        if self.root_dir is not None:
            mine = self.tree.root_module(self.root_dir)
            if mine is not None:
                return mine
        return self.tree.first_root()

    def fixes_file(self, module: ModuleDir) -> str:
        return norm(os.path.join(module.dir, self.file_name))

    def same_module(self, res: TfResource, *types: str) -> list[TfResource]:
        """The resources of `res`'s module instance (only managed ones of `types`, when named)."""
        mine = self._by_module().get(self.tree.place_of(res), [])
        if not types:
            return mine
        key = (*self.tree.place_of(res), *types)
        if key not in self._typed:  # planners ask once per finding: a module of thousands is filtered once
            self._typed[key] = [r for r in mine if r.type in types and r.mode == "managed"]
        return self._typed[key]

    def _by_module(self) -> dict[tuple[str, str], list[TfResource]]:
        # Built once: planners ask for a module's resources once per finding.
        if self._module_index is None:
            self._module_index = {}
            for r in self.resources:
                self._module_index.setdefault(self.tree.place_of(r), []).append(r)
        return self._module_index

    def unique_name(self, module: ModuleDir, rtype: str, wanted: Iterable[str]) -> str:
        """The first of `wanted` that no `rtype` resource of the module uses yet (reserved once taken)."""
        key = f"{module.dir}|{rtype}"
        taken = self._taken.get(key)
        if taken is None:  # listed once per module and type: planners ask once per finding
            taken = self._taken[key] = {
                b.labels[1] for b, _ in self.tree.resource_blocks(module) if len(b.labels) == 2 and b.labels[0] == rtype
            }
        candidates = [slug(w) for w in wanted]
        for name in candidates:
            if name not in taken:
                taken.add(name)
                return name
        base = candidates[-1]
        n = 2
        while f"{base}_{n}" in taken:
            n += 1
        taken.add(f"{base}_{n}")
        return f"{base}_{n}"

    def is_shared(self, module: ModuleDir) -> bool:
        """Whether several module instances (of any root of the run) are written in `module`'s folder: its
        text serves them all."""
        if module.is_root:
            return False
        shared = self.shared_answers[module.dir] = len(self.instances.get(module.dir, ())) > 1
        return shared

    def findings_of(self, rule_id: str, subject: str) -> list[Finding]:
        """The active findings of `rule_id` about `subject` (indexed once: planners ask once per finding)."""
        if self._finding_index is None:
            self._finding_index = {}
            for f in self.findings:
                self._finding_index.setdefault((f.rule_id, f.evaluation.subject.address), []).append(f)
        return self._finding_index.get((rule_id, subject), [])

    def relative_address(self, res: TfResource) -> str:
        """The address a reference inside the resource's own module uses (no module prefix)."""
        prefix = f"{res.module}." if res.module else ""
        return res.address[len(prefix) :] if res.address.startswith(prefix) else res.address

    def reveals_secret(self, text: str) -> bool:
        if not self.secrets:
            return False
        if self._redactor is None:
            self._redactor = Redactor(self.secrets)
        return self._redactor.reveals(text)

    # -- building fixes

    def rule(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    def fix(
        self,
        finding: Finding,
        changes: Changes | None = None,
        *,
        edits: Iterable[Edit] = (),
        new_blocks: Iterable[NewBlock] = (),
        imports: Iterable[Import] = (),
        notes: Iterable[str] = (),
        applicability: str | None = None,
    ) -> Fix:
        rule = self.rule(finding.rule_id)
        title = rule.fix_title if rule is not None else finding.title
        ev = finding.evaluation
        all_edits = (*changes.edits, *edits) if changes is not None else tuple(edits)
        blocks = (*changes.new_blocks, *new_blocks) if changes is not None else tuple(new_blocks)
        if self.secrets:
            written = [e.replacement for e in all_edits] + [b.hcl for b in blocks]
            seen = [v for v in ev.data.values() if isinstance(v, str)]
            if any(self.reveals_secret(text) for text in (*written, *seen)):
                # A sensitive value (or one computed from it) never goes into written code or a shown diff.
                return Fix(
                    rule_id=finding.rule_id,
                    title=title,
                    applicability=DISPLAY_ONLY,
                    subject=ev.subject.address,
                    fingerprint=ev.fingerprint,
                    notes=(
                        "the value is sensitive: change it where it is set; emailiac does not write sensitive values",
                    ),
                )
        return Fix(
            rule_id=finding.rule_id,
            title=title,
            applicability=applicability or (rule.fix if rule is not None else DISPLAY_ONLY),
            subject=ev.subject.address,
            fingerprint=ev.fingerprint,
            edits=all_edits,
            new_blocks=blocks,
            imports=tuple(imports),
            notes=tuple(dict.fromkeys((*changes.notes, *notes) if changes is not None else notes)),
        )
