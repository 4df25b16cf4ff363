"""Hand-built Terraform resources for adapter tests: the shapes the HCL loader and plan JSON produce."""

from __future__ import annotations

from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import Body, ResourceIndex, Span, TfResource


def block(line: int | None = None, **attrs: Any) -> Body:
    """A nested block as the HCL loader writes it (with its span when `line` is given)."""
    return Body(attrs=attrs, span=Span(0, 0, line, line + 3) if line else None)


def resource(
    rtype: str,
    name: str,
    attrs: dict[str, Any] | None = None,
    blocks: dict[str, list[Body]] | None = None,
    *,
    module: str = "",
    line: int | None = 10,
    key: str = "",
) -> TfResource:
    prefix = f"{module}." if module else ""
    body = Body(attrs=dict(attrs or {}), blocks=dict(blocks or {}))
    end = line + 20 if line is not None else None
    return TfResource("managed", rtype, name, f"{prefix}{rtype}.{name}{key}", module, "main.tf", line, end, body)


def ref(target: str) -> Unknown:
    """A reference known only after apply (`aws_lb.mail.arn`)."""
    return Unknown(f"{target} is known only after apply", (target,))


def adapt(adapters: dict[str, Adapter], subject: TfResource, *others: TfResource) -> list[Any]:
    index = ResourceIndex([subject, *others])
    return list(adapters[subject.type](subject, index))
