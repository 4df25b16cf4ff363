"""The Terraform files a fix edits: their text, their syntax trees, modules and where variables are set.

The loader evaluates; this module only locates. It parses files again with the loader's own pure
our parser (positions included) and follows local module calls, so a fix can go from an attribute back to
the text that sets it: a tfvars line, a variable default, a module argument, a local.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emailiac.sources.terraform.ast import Attribute, Block, Expr, HclFile, Lit, Template
from emailiac.sources.terraform.files import ParsedFile, read_text
from emailiac.sources.terraform.loader import discover_roots
from emailiac.sources.terraform.parallel import parse_many_for
from emailiac.sources.terraform.resource import TfResource
from emailiac.sources.terraform.variables import VariableValues, collect_root_values

__all__ = ["ModuleDir", "SourceTree", "expr_text", "module_address", "norm"]

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")
# A var./local. reference, found by its text and then checked for a name or `.` before it: a look-behind
# at every character would be tried at every character.
_REFERENCE = re.compile(r"(?:var|local)\.[\w-]+")
_PART_OF_NAME = re.compile(r"[\w.]")


def _references(text: str) -> Iterator[str]:
    """What `(?<![\\w.])(?:var|local)\\.[\\w-]+` finds in `text`."""
    pos = 0
    while match := _REFERENCE.search(text, pos):
        at = match.start()
        if at and _PART_OF_NAME.match(text, at - 1):
            pos = at + 1
            continue
        yield match.group()
        pos = match.end()


_NORMED: dict[str | Path, str] = {}  # planners normalise the same few paths once per finding


def norm(path: str | Path) -> str:
    normed = _NORMED.get(path)
    if normed is None:
        if len(_NORMED) > 100_000:
            _NORMED.clear()
        normed = _NORMED[path] = os.path.normpath(str(path))
    return normed


def module_address(address: str) -> str:
    """`module.a["x"].module.b[0]` -> `module.a.module.b` (the configuration's module path)."""
    return _INSTANCE_KEY.sub("", address)


@dataclass
class ModuleDir:
    """One module of the configuration: where its files are and how its parent calls it."""

    address: str  # "" for a root module, else module.a.module.b
    dir: str
    root: str  # the root module's directory
    parent: ModuleDir | None = None
    call: Block | None = None  # the `module` block in the parent
    call_file: str | None = None

    @property
    def is_root(self) -> bool:
        return self.parent is None


@dataclass
class SourceTree:
    """Files of the root modules named by `paths` and of the local modules they call."""

    paths: Sequence[Path]
    var_files: Sequence[Path] = ()
    cli_vars: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    exclude: Sequence[str] = ()
    # Where new root-module blocks go when no Terraform root is among the paths (a saved live inventory).
    default_root: Path | None = None
    use_cache: bool = True  # the parse cache (files lint has just parsed in this process are reused anyway)
    # Files the caller has parsed already (a root judged in a worker): taken from it, never parsed again.
    parsed_by: Callable[[Path], ParsedFile | None] | None = None
    _texts: dict[str, str | None] = field(default_factory=dict)
    _parsed: dict[str, HclFile | None] = field(default_factory=dict)
    modules: list[ModuleDir] = field(default_factory=list)
    _values: dict[str, VariableValues] = field(default_factory=dict)
    _uses: dict[str, Counter[str]] = field(default_factory=dict)
    _listings: dict[str, list[str]] = field(default_factory=dict)
    _places: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _by_place: dict[tuple[str, str], ModuleDir] = field(default_factory=dict)
    _placed: int = -1  # how many of `modules` _by_place holds
    _declared: dict[str, dict[tuple[str, tuple[str, ...], int | None], Block]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for root in self._roots():
            self._walk(ModuleDir("", norm(root), norm(root)), 0)
        if not self.modules and self.default_root is not None:
            self.modules.append(ModuleDir("", norm(self.default_root), norm(self.default_root)))

    # -- files

    def _roots(self) -> list[Path]:
        roots: list[Path] = []
        for path in self.paths:
            if path.is_dir():
                roots.extend([path] if self.tf_files(norm(path)) else discover_roots(path, self.exclude))
            elif path.is_file() and path.name.endswith(".tf"):
                roots.append(path.parent)
        return list(dict.fromkeys(roots))

    def tf_files(self, directory: str) -> list[str]:
        """The .tf files of a folder (listed once: planners ask once per finding)."""
        if directory not in self._listings:
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                names = []
            self._listings[directory] = [
                norm(os.path.join(directory, n))
                for n in names
                if n.endswith(".tf") and os.path.isfile(os.path.join(directory, n))
            ]
        return self._listings[directory]

    def read(self, file: str) -> str | None:
        key = norm(file)
        if key not in self._texts:
            # The text lint parsed, when it did: the spans of its syntax trees point into that text.
            known = self.parsed_by(Path(key)) if self.parsed_by is not None else None
            text = known.text if known is not None and known.text is not None else None
            if text is None:
                read = read_text(Path(key)) if os.path.isfile(key) else None
                text = read if isinstance(read, str) else None
            self._texts[key] = text
        return self._texts[key]

    def hcl(self, file: str) -> HclFile | None:
        key = norm(file)
        if key not in self._parsed:
            parsed = None
            if not key.endswith(".json"):
                # Files lint has just parsed are taken from its parse, not read or parsed again.
                known = self.parsed_by(Path(key)) if self.parsed_by is not None else None
                if known is None and self.read(key) is not None:
                    known = parse_many_for(1, use_cache=self.use_cache, reuse_parsed=True)([Path(key)])[0]
                parsed = known.hcl if known is not None else None
            self._parsed[key] = parsed
        return self._parsed[key]

    def blocks(self, directory: str, kind: str) -> Iterator[tuple[Block, str]]:
        for file in self.tf_files(directory):
            parsed = self.hcl(file)
            if parsed is None:
                continue
            for block in parsed.body.blocks:
                if block.type == kind:
                    yield block, file

    # -- modules

    def _walk(self, module: ModuleDir, depth: int) -> None:
        self.modules.append(module)
        if depth > 16:
            return
        for block, file in self.blocks(module.dir, "module"):
            source = block.body.attribute("source")
            if not block.labels or source is None or not isinstance(source.expr, (Lit, Template)):
                continue
            value = (
                source.expr.value
                if isinstance(source.expr, Lit)
                else "".join(p for p in source.expr.parts if isinstance(p, str))
            )
            if not isinstance(value, str) or not value.startswith(("./", "../")):
                continue
            child_dir = norm(os.path.join(module.dir, value))
            if not os.path.isdir(child_dir):
                continue
            prefix = f"{module.address}." if module.address else ""
            child = ModuleDir(f"{prefix}module.{block.labels[0]}", child_dir, module.root, module, block, file)
            self._walk(child, depth + 1)

    def place_of(self, res: TfResource) -> tuple[str, str]:
        """The configuration's module path and the folder of the resource's module (worked out once per
        module and file: planners ask once per finding)."""
        place = self._places.get((res.module, res.file))
        if place is None:
            place = self._places[res.module, res.file] = (module_address(res.module), norm(os.path.dirname(res.file)))
        return place

    def module_for(self, res: TfResource) -> ModuleDir | None:
        if self._placed != len(self.modules):  # indexed once the walk is done: asked once per finding
            self._by_place = {}
            for module in self.modules:
                self._by_place.setdefault((module.address, module.dir), module)
            self._placed = len(self.modules)
        return self._by_place.get(self.place_of(res))

    def module_of_file(self, file: str) -> ModuleDir | None:
        directory = norm(os.path.dirname(file))
        return next((m for m in self.modules if m.dir == directory), None)

    def first_root(self) -> ModuleDir | None:
        return next((m for m in self.modules if m.is_root), None)

    def root_module(self, directory: str) -> ModuleDir | None:
        key = norm(directory)
        return next((m for m in self.modules if m.is_root and m.dir == key), None)

    # -- resources, variables, locals

    def resource_block(self, res: TfResource) -> Block | None:
        key = norm(res.file)
        declared = self._declared.get(key)
        if declared is None:  # indexed once per file: planners ask once per finding
            parsed = self.hcl(key)
            declared = self._declared[key] = {}
            for block in parsed.body.blocks if parsed is not None else ():
                declared.setdefault((block.type, block.labels, block.pos.line), block)
        kind = "data" if res.mode == "data" else "resource"
        return declared.get((kind, (res.type, res.name), res.line))

    def resource_blocks(self, module: ModuleDir) -> Iterator[tuple[Block, str]]:
        yield from self.blocks(module.dir, "resource")

    def variable(self, module: ModuleDir, name: str) -> tuple[Block, str] | None:
        for block, file in self.blocks(module.dir, "variable"):
            if block.labels and block.labels[0] == name:
                return block, file
        return None

    def local(self, module: ModuleDir, name: str) -> tuple[Attribute, str] | None:
        for block, file in self.blocks(module.dir, "locals"):
            attr = block.body.attribute(name)
            if attr is not None:
                return attr, file
        return None

    def uses(self, module: ModuleDir, reference: str) -> int:
        """How many times `reference` (var.x, local.y, or any other) is written in the module's files."""
        if module.dir not in self._uses:  # var. and local. counted once per module: asked once per finding
            counts: Counter[str] = Counter()
            for file in self.tf_files(module.dir):
                counts.update(_references(self.read(file) or ""))
            self._uses[module.dir] = counts
        counts = self._uses[module.dir]
        if reference not in counts and not reference.startswith(("var.", "local.")):
            pattern = re.compile(rf"(?<![\w.]){re.escape(reference)}(?![\w-])")
            counts[reference] = sum(len(pattern.findall(self.read(f) or "")) for f in self.tf_files(module.dir))
        return counts[reference]

    def root_values(self, module: ModuleDir) -> VariableValues:
        root = module.root
        if root not in self._values:
            declared = {b.labels[0]: b for b, _ in self.blocks(root, "variable") if b.labels}
            self._values[root] = collect_root_values(
                Path(root), declared, var_files=self.var_files, cli_vars=self.cli_vars, env=self.env
            )
        return self._values[root]

    def attribute_in(self, file: str, name: str) -> Attribute | None:
        """A top-level attribute of a file (a tfvars assignment)."""
        parsed = self.hcl(file)
        return parsed.body.attribute(name) if parsed is not None else None


def expr_text(tree: SourceTree, file: str, expr: Expr | Attribute | Block) -> str:
    text = tree.read(file) or ""
    return text[expr.pos.start : expr.pos.end]
