"""Module instances: variables, locals, outputs, references between resources, count/for_each expansion.

A `ModuleInstance` is one instance of a module (the root, or `module.mail["eu"]`); it resolves references for
expressions evaluated inside it. Resources are evaluated lazily when another block refers to them, and
fully when the instance is expanded into `TfResource`s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emailiac.model import Note, Unknown
from emailiac.sensitive import mark
from emailiac.sources.terraform.ast import Block, BodyAst, Expr, HclFile
from emailiac.sources.terraform.evaluate import evaluate, path_value
from emailiac.sources.terraform.fn_base import MAX_ITEMS, EvalContext
from emailiac.sources.terraform.fn_collections import keyed_items
from emailiac.sources.terraform.local_data import local_file_attribute
from emailiac.sources.terraform.resource import Body, Span, TfResource
from emailiac.sources.terraform.unknowns import unknowns_in
from emailiac.sources.terraform.variables import bind_variables

if TYPE_CHECKING:
    from emailiac.sources.terraform.loader import Loader

__all__ = ["ModuleInstance", "ModuleSource"]

_META_ATTRS = frozenset({"count", "for_each", "depends_on", "provider", "providers", "source", "version"})
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})

# Computed attributes whose value Terraform takes from an argument, so references to them are known.
_ID_FROM = {
    ("aws_ses_domain_identity", "id"): "domain",
    ("aws_ses_email_identity", "id"): "email",
    ("aws_sesv2_email_identity", "id"): "email_identity",
    ("aws_ses_configuration_set", "id"): "name",
    ("aws_sesv2_configuration_set", "id"): "configuration_set_name",
    ("aws_ses_receipt_rule_set", "id"): "rule_set_name",
    ("aws_route53_zone", "name"): "name",
    ("aws_iam_policy", "id"): "arn",
    ("azurerm_dns_zone", "name"): "name",
    ("cloudflare_zone", "zone"): "zone",
    ("google_dns_managed_zone", "dns_name"): "dns_name",
}


@dataclass
class ModuleSource:
    """The parsed files of one module directory, indexed by block kind."""

    dir: Path
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[Expr, str]] = field(default_factory=dict)  # name -> (expression, file)
    outputs: dict[str, Block] = field(default_factory=dict)
    resources: list[tuple[Block, str]] = field(default_factory=list)  # (block, file)
    modules: list[tuple[Block, str]] = field(default_factory=list)
    unparsed: tuple[str, ...] = ()  # files of the folder that did not parse: what they declare is not known

    @classmethod
    def from_files(cls, directory: Path, files: list[HclFile], unparsed: tuple[str, ...] = ()) -> ModuleSource:
        src = cls(directory, unparsed=unparsed)
        for f in files:
            for block in f.body.blocks:
                if block.type == "variable" and block.labels:
                    src.variables[block.labels[0]] = block
                elif block.type == "locals":
                    for attr in block.body.attributes:
                        src.locals[attr.name] = (attr.expr, f.path)
                elif block.type == "output" and block.labels:
                    src.outputs[block.labels[0]] = block
                elif block.type in ("resource", "data") and len(block.labels) == 2:
                    src.resources.append((block, f.path))
                elif block.type == "module" and block.labels:
                    src.modules.append((block, f.path))
        return src

    def missing(self, what: str, usual: str) -> str:
        """Why `what` (var.x, local.y, a resource) has no value: `usual`, unless the folder has files that did
        not parse, which may declare it."""
        if self.unparsed:
            return f"{what} is not declared in {self.dir}, unless in {', '.join(self.unparsed)}, which did not parse"
        return usual


def _span(pos: Any) -> Span:
    return Span(pos.start, pos.end, pos.line, pos.end_line)


def _key_text(key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    if isinstance(key, Unknown):
        return "[*]"
    return f"[{json.dumps(key)}]"


def _instances(value: Any, what: str, kind: str) -> list[tuple[Any, dict[str, Any]]] | Unknown:
    """Instance keys and their `each`/`count` scope for a count or for_each value."""
    if isinstance(value, Unknown):
        return value
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return Unknown(f"{what}: count is not a whole number ({value!r})")
        if value > MAX_ITEMS:
            return Unknown(f"{what}: a count of {value} exceeds emailiac's budget of {MAX_ITEMS} instances")
        return [(i, {"count": {"index": i}}) for i in range(int(value))]
    if isinstance(value, Mapping):
        items = sorted(value.items())
    elif isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, Unknown):
                return Unknown(f"{what}: a for_each element is not known ({item.reason})", item.refs)
            if not isinstance(item, str):
                return Unknown(f"{what}: for_each needs a map or a set of strings")
            items.append((item, item))
    else:
        return Unknown(f"{what}: for_each needs a map or a set of strings")
    return [(k, {"each": {"key": k, "value": v}}) for k, v in items]


class _BlockValue(dict[str, Any]):
    """A nested block seen from a reference; an attribute it does not set is computed by the provider
    (`dkim_signing_attributes[0].tokens`), so it is unknown but keeps the reference."""

    def __init__(self, values: dict[str, Any], address: str, owner: _LazyResource) -> None:
        super().__init__(values)
        self.address = address
        self.owner = owner

    def missing(self, key: str) -> Unknown:
        return self.owner.computed(f"{self.address}.{key}")


class _LazyResource(Mapping[str, Any]):
    """A resource instance seen from a reference: its arguments, evaluated on demand."""

    def __init__(self, module: ModuleInstance, block: Block, scope: dict[str, Any], address: str, ref: str) -> None:
        self._module = module
        self._block = block
        self._scope = scope
        self._address = address
        self._ref = ref  # config address used in Unknown.refs
        self._cache: dict[str, Any] = {}

    def _names(self) -> list[str]:
        body = self._block.body
        return [a.name for a in body.attributes if a.name not in _META_ATTRS] + [
            b.type for b in body.blocks if b.type not in _META_BLOCKS and b.type != "dynamic"
        ]

    def __getitem__(self, key: str) -> Any:
        if key in self._cache:
            return self._cache[key]
        body = self._block.body
        attr = body.attribute(key)
        if attr is not None and key not in _META_ATTRS:
            value = self._module.eval(attr.expr, self._scope, f"{self._address}.{key}")
        elif any(b.type == key for b in body.blocks):
            blocks = [b for b in body.blocks if b.type == key]
            value = [
                _BlockValue(self._module.plain_body(b.body, self._scope), f"{self._address}.{key}[{i}]", self)
                for i, b in enumerate(blocks)
            ]
        else:
            raise KeyError(key)
        self._cache[key] = value
        return value

    def missing(self, key: str) -> Any:
        rtype = self._block.labels[0]
        if self._block.type == "data" and rtype == "local_file":
            # Read while Terraform plans: as known as file() of the same name.
            filename = self.get("filename", Unknown(f"{self._address}.filename is not set"))
            return local_file_attribute(self._module.context, self._address, filename, key)
        source = _ID_FROM.get((rtype, key))
        if source and source != key and self._block.body.attribute(source) is not None:
            return self[source]
        # The reference keeps the instance key it named (aws_x.y["k"].id), so adapters find that instance.
        return self.computed(f"{self._address}.{key}")

    def computed(self, path: str) -> Unknown:
        """An attribute the provider computes: a managed resource's is known only after apply; a data
        source's is read during plan once its arguments are known, so a plan JSON holds it."""
        if self._block.type != "data":
            return Unknown(f"{path} is known only after apply", (path,))
        pending = next((u for name in self._names() for u in unknowns_in(self[name])), None)
        if pending is not None:
            return Unknown(f"{path} is read from the provider once its arguments are known: {pending.reason}", (path,))
        if self._block.body.attribute("depends_on") is not None:
            return Unknown(
                f"{path} is read from the provider at plan time, or at apply when what it depends on changes "
                "(lint a plan JSON to judge it)",
                (path,),
            )
        return Unknown(f"{path} is read from the provider at plan time (lint a plan JSON to judge it)", (path,))

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


class ModuleInstance:
    def __init__(
        self,
        loader: Loader,
        source: ModuleSource,
        address: str,
        inputs: dict[str, Any],
        depth: int = 0,
        call: str | None = None,
    ) -> None:
        self.loader = loader
        self.source = source
        self.address = address  # "" or module.mail["eu"]
        self.depth = depth
        self.call = call  # "file:line" of the root module's `module` block this instance descends from
        self.inputs = inputs
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self._resource_values: dict[str, Any] = {}
        self._children: dict[str, Any] = {}
        self._child_values: dict[str, Any] = {}
        self._by_name: dict[tuple[str, str, str], Block] = {
            (b.type, b.labels[0], b.labels[1]): b for b, _ in source.resources
        }

    @property
    def context(self) -> EvalContext:
        """File functions' folder and tree, and the work budget, shared by the whole root."""
        return self.loader.context

    # -- references

    def prefix(self, text: str) -> str:
        return f"{self.address}.{text}" if self.address else text

    def eval(self, expr: Expr, scope: Mapping[str, Any] | None = None, what: str = "") -> Any:
        if what in self._evaluating:
            return Unknown(f"{what} refers to itself")
        if what:
            self._evaluating.add(what)
        try:
            return evaluate(expr, self, scope)
        finally:
            self._evaluating.discard(what)

    def resolve(self, root: str, path: list[str], expr: Expr) -> tuple[Any, int]:
        if root == "var":
            return (self.var(path[0]), 1) if path else (Unknown("`var` needs a name"), 0)
        if root == "local":
            return (self.local(path[0]), 1) if path else (Unknown("`local` needs a name"), 0)
        if root == "path":
            return (path_value(path[0], self.source.dir, self.loader.root_dir), 1) if path else (None, 0)
        if root == "terraform":
            return ("default", 1) if path and path[0] == "workspace" else (Unknown("terraform.* value"), len(path))
        if root == "module":
            return (self.child_module_value(path[0]), 1) if path else (Unknown("`module` needs a name"), 0)
        if root in ("each", "count", "self"):
            return Unknown(f"{root} is not available here"), len(path)
        if root == "data":
            if len(path) < 2:
                return Unknown("`data` needs a type and a name"), len(path)
            return self.resource_value("data", path[0], path[1]), 2
        if not path:
            return Unknown(f"unknown name {root!r}"), 0
        return self.resource_value("resource", root, path[0]), 1

    def var(self, name: str) -> Any:
        if name not in self.source.variables:
            return Unknown(self.source.missing(f"var.{name}", f"var.{name} is not declared in {self.source.dir}"))
        return self.inputs.get(name, Unknown(f"var.{name} has no value", (self.prefix(f"var.{name}"),)))

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        entry = self.source.locals.get(name)
        if entry is None:
            return Unknown(self.source.missing(f"local.{name}", f"local.{name} is not defined"))
        value = self.eval(entry[0], None, f"local.{name}")
        self._locals[name] = value
        return value

    def resource_value(self, mode: str, rtype: str, name: str) -> Any:
        key = f"{mode}.{rtype}.{name}"
        if key in self._resource_values:
            return self._resource_values[key]
        block = self._by_name.get((mode, rtype, name))
        label = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
        if block is None:
            return Unknown(self.source.missing(label, f"{label} is not declared in this module"))
        ref = self.prefix(label)
        self._resource_values[key] = Unknown(f"{label} refers to itself")
        expansion = self.expansion(block, ref)
        value: Any
        if isinstance(expansion, Unknown):
            value = expansion
        elif expansion is None:
            value = _LazyResource(self, block, {}, ref, ref)
        elif block.body.attribute("count") is not None:
            value = [_LazyResource(self, block, scope, f"{ref}{_key_text(k)}", ref) for k, scope in expansion]
        else:
            value = {k: _LazyResource(self, block, scope, f"{ref}{_key_text(k)}", ref) for k, scope in expansion}
        self._resource_values[key] = value
        return value

    def expansion(self, block: Block, what: str) -> list[tuple[Any, dict[str, Any]]] | Unknown | None:
        """None: a single instance; else the instances of count / for_each, or Unknown."""
        for kind in ("count", "for_each"):
            attr = block.body.attribute(kind)
            if attr is not None:
                value = self.eval(attr.expr, None, f"{what}.{kind}")
                result = _instances(value, what, kind)
                if isinstance(result, Unknown):
                    return Unknown(f"{kind} of {what} is not known ({result.reason})", result.refs)
                return result
        return None

    # -- child modules

    def children(self) -> dict[str, Any]:
        """name -> ModuleInstance, list/dict of them (count/for_each), or Unknown (remote, not expandable)."""
        return {block.labels[0]: self.child(block.labels[0]) for block, _ in self.source.modules}

    def child(self, name: str) -> Any:
        """One child module call, instantiated when first needed: a sibling's arguments may refer to it."""
        if name in self._children:
            return self._children[name]
        call = next(((b, f) for b, f in self.source.modules if b.labels[0] == name), None)
        if call is None:
            return Unknown(f"module.{name} is not declared")
        self._children[name] = Unknown(f"module.{name} refers to itself")
        self._children[name] = self.loader.instantiate_child(self, *call)
        return self._children[name]

    def child_module_value(self, name: str) -> Any:
        if name in self._child_values:
            return self._child_values[name]
        child = self.child(name)
        value: Any
        if isinstance(child, ModuleInstance):
            value = child.outputs()
        elif isinstance(child, list):
            value = [c.outputs() for c in child]
        elif isinstance(child, dict):
            value = {k: c.outputs() for k, c in child.items()}
        else:
            value = child
        self._child_values[name] = value
        return value

    def outputs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, block in self.source.outputs.items():
            attr = block.body.attribute("value")
            value = self.eval(attr.expr, None, f"output.{name}") if attr else None
            sensitive = block.body.attribute("sensitive")
            out[name] = (
                mark(value) if sensitive is not None and getattr(sensitive.expr, "value", None) is True else value
            )
        return out

    # -- full evaluation

    def plain_body(self, body: BodyAst, scope: Mapping[str, Any]) -> dict[str, Any]:
        """A nested block as a plain object (what a reference to it sees)."""
        evaluated = self.body(body, scope, "")
        out = dict(evaluated.attrs)
        for name, blocks in evaluated.blocks.items():
            out[name] = [self._plain(b) for b in blocks]
        return out

    def _plain(self, body: Body) -> dict[str, Any]:
        out = dict(body.attrs)
        for name, blocks in body.blocks.items():
            out[name] = [self._plain(b) for b in blocks]
        return out

    def body(self, ast: BodyAst, scope: Mapping[str, Any], key: str) -> Body:
        out = Body(key=key)
        for attr in ast.attributes:
            if attr.name in _META_ATTRS:
                continue
            out.attrs[attr.name] = self.eval(attr.expr, scope)
            out.spans[attr.name] = _span(attr.expr.pos)
        counters: dict[str, int] = {}
        for block in ast.blocks:
            if block.type in _META_BLOCKS:
                continue
            if block.type == "dynamic" and block.labels:
                self._dynamic(block, scope, key, out, counters)
                continue
            index = counters.get(block.type, 0)
            counters[block.type] = index + 1
            child = self.body(block.body, scope, f"{key}{block.type}[{index}].")
            child.span = _span(block.pos)
            out.blocks.setdefault(block.type, []).append(child)
        return out

    def _dynamic(self, block: Block, scope: Mapping[str, Any], key: str, out: Body, counters: dict[str, int]) -> None:
        name = block.labels[0]
        for_each = block.body.attribute("for_each")
        iterator_attr = block.body.attribute("iterator")
        iterator = name
        if iterator_attr is not None:
            it = self.eval(iterator_attr.expr, scope)
            iterator = it if isinstance(it, str) else getattr(iterator_attr.expr, "name", name)
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if for_each is None or content is None:
            return
        collection = self.eval(for_each.expr, scope)
        if isinstance(collection, Unknown):
            out.attrs[name] = Unknown(f"dynamic {name!r} blocks are not known ({collection.reason})", collection.refs)
            return
        pairs = keyed_items(collection)
        if pairs is None:
            out.attrs[name] = Unknown(f"dynamic {name!r}: for_each is not a collection")
            return
        for k, v in pairs:
            inner = dict(scope)
            inner[iterator] = {"key": k, "value": v}
            index = counters.get(name, 0)
            counters[name] = index + 1
            child = self.body(content.body, inner, f"{key}{name}[{index}].")
            child.span = _span(content.pos)
            out.blocks.setdefault(name, []).append(child)

    def expand(self, notes: list[Note]) -> Iterator[TfResource]:
        """Every resource instance of this module instance and its children."""
        for block, file in self.source.resources:
            mode = "data" if block.type == "data" else "managed"
            rtype, name = block.labels
            label = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
            address = self.prefix(label)
            expansion = self.expansion(block, address)
            instances: list[tuple[Any, dict[str, Any]]]
            if isinstance(expansion, Unknown):
                notes.append(Note(address, f"{expansion.reason}; judged as one instance", file, block.pos.line))
                kind = "count" if block.body.attribute("count") is not None else "each"
                unknown = Unknown(expansion.reason, expansion.refs)
                scope: dict[str, Any] = (
                    {"count": {"index": unknown}} if kind == "count" else {"each": {"key": unknown, "value": unknown}}
                )
                instances = [(unknown, scope)]
            elif expansion is None:
                instances = [(None, {})]
            else:
                instances = expansion
            for key, scope in instances:
                body = self.body(block.body, scope, "")
                body.span = _span(block.pos)
                suffix = "" if key is None else _key_text(key)
                yield TfResource(
                    mode=mode,
                    type=rtype,
                    name=name,
                    address=f"{address}{suffix}",
                    module=self.address,
                    file=file,
                    line=block.pos.line,
                    end_line=block.pos.end_line,
                    body=body,
                    key=key,
                    root=str(self.loader.root_dir),
                    call=self.call,
                )
        for child in self.children().values():
            instances_of: list[ModuleInstance] = []
            if isinstance(child, ModuleInstance):
                instances_of = [child]
            elif isinstance(child, list):
                instances_of = child
            elif isinstance(child, dict):
                instances_of = list(child.values())
            for inst in instances_of:
                yield from inst.expand(notes)


def module_inputs(
    parent: ModuleInstance, block: Block, scope: Mapping[str, Any], child: ModuleSource
) -> dict[str, Any]:
    """Values for a child module's variables: call arguments (evaluated in the parent), else defaults."""
    given = {
        name: parent.eval(arg.expr, scope)
        for name in child.variables
        if (arg := block.body.attribute(name)) is not None
    }
    return bind_variables(child.variables, given, parent.loader.secrets)
