"""Evaluated Terraform resources: what adapters turn into facts.

A `TfResource` is one instance (after count/for_each) of a `resource` or `data` block with its attributes
evaluated. Values are plain Python (str, int, float, bool, None, list, dict) or `Unknown` (also inside
lists and dicts). HCL sources and plan JSON both produce this shape, so adapters serve both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import Provenance, Unknown

__all__ = ["Body", "ResourceIndex", "Span", "TfResource"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a source file: character offsets and lines (1-based, inclusive)."""

    start: int
    end: int
    line: int
    end_line: int

    def __reduce__(self) -> tuple[type, tuple[int, int, int, int]]:
        return (Span, (self.start, self.end, self.line, self.end_line))


@dataclass
class Body:
    """The evaluated contents of a block: attributes, nested blocks, and where each attribute is written."""

    attrs: dict[str, Any] = field(default_factory=dict)
    blocks: dict[str, list[Body]] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)  # attribute name -> its expression in the file
    span: Span | None = None  # the whole block
    key: str = ""  # path inside the resource: "ingress[1]", "delivery_options[0]"

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.attrs

    def blocks_of(self, name: str) -> list[Body]:
        """Nested blocks of a type. Plan JSON writes blocks as lists of objects; those are converted."""
        if name in self.blocks:
            return self.blocks[name]
        value = self.attrs.get(name)
        if isinstance(value, Mapping):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            return [_body_from_value(v, f"{self.key}{name}[{i}]") for i, v in enumerate(value)]
        return []

    def unknown_blocks(self, name: str) -> Unknown | None:
        """Unknown when the blocks of this type could not be expanded (a dynamic block over an unknown)."""
        value = self.attrs.get(name)
        return value if isinstance(value, Unknown) else None


def _body_from_value(value: Mapping[str, Any], key: str) -> Body:
    body = Body(key=f"{key}.")
    for k, v in value.items():
        if isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
            body.blocks[k] = [_body_from_value(x, f"{key}.{k}[{i}]") for i, x in enumerate(v)]
        body.attrs[k] = v
    return body


@dataclass
class TfResource:
    mode: str  # managed | data
    type: str
    name: str
    address: str  # module.mail.aws_route53_record.dkim["abc"]
    module: str  # "" for the root module, else "module.mail" (instance keys included)
    file: str
    line: int | None  # None for plan JSON, which has no positions
    end_line: int | None
    body: Body
    key: int | str | Unknown | None = None  # count index or for_each key
    root: str = ""  # the root module directory (or plan file) this instance was loaded from
    call: str | None = None  # inside a module: "file:line" of the root module's `module` block calling it

    @property
    def prov(self) -> Provenance:
        maybe_absent = self.key.reason if isinstance(self.key, Unknown) else None
        return Provenance(
            "terraform", self.address, self.file, self.line, self.end_line, call=self.call, maybe_absent=maybe_absent
        )

    @property
    def config_address(self) -> str:
        """The address without the instance key: what references name (aws_route53_zone.main)."""
        prefix = f"{self.module}." if self.module else ""
        mode = "data." if self.mode == "data" else ""
        return f"{prefix}{mode}{self.type}.{self.name}"


class ResourceIndex:
    """All evaluated resources of a run, for adapters that look across resources."""

    def __init__(self, resources: list[TfResource]) -> None:
        self.resources = resources
        self._by_config: dict[str, list[TfResource]] = {}
        self._by_type: dict[str, list[TfResource]] = {}
        self._memo: dict[str, Any] = {}
        for res in resources:
            self._by_config.setdefault(res.config_address, []).append(res)
            self._by_type.setdefault(res.type, []).append(res)

    def __iter__(self) -> Iterator[TfResource]:
        return iter(self.resources)

    def of_type(self, *types: str) -> list[TfResource]:
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        return [r for r in self.resources if r.type in types]

    def memo(self, key: str, build: Callable[[ResourceIndex], Any]) -> Any:
        """A value derived from all resources, built once per index (adapters run once per resource, and a
        scan across all resources for each would make large trees quadratic)."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]

    def by_config_address(self, address: str) -> list[TfResource]:
        return self._by_config.get(address, [])
