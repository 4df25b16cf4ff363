"""Rendering fix templates (`templates/*.tf.j2`) with Jinja2.

Every value reaches HCL through a filter: `hcl_string` for text, `hcl` for any literal, `hcl_list` for a
list written one item a line. Templates name expressions (references such as `aws_route53_zone.main.zone_id`)
with `expr`, which marks text the planner built from the configuration's own syntax. Output is aligned the
way `terraform fmt` writes it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from emailiac.fixes.hcl_align import align
from emailiac.fixes.hcl_emit import hcl_string, hcl_value
from emailiac.resources import resource_path

if TYPE_CHECKING:
    import jinja2

__all__ = ["Expr", "render"]


class Expr(str):
    """HCL expression text written as is (a reference, a function call), never quoted."""

    __slots__ = ()


def _hcl(value: Any) -> str:
    if isinstance(value, Expr):
        return str(value)
    return hcl_value(value)


def _hcl_list(values: list[Any], indent: int = 2, comments: list[str] | None = None) -> str:
    """A list with one item a line, as `terraform fmt` keeps long lists."""
    if not values:
        return "[]"
    pad = " " * indent
    lines = ["["]
    for i, value in enumerate(values):
        comment = f" # {comments[i]}" if comments and i < len(comments) and comments[i] else ""
        lines.append(f"{pad}  {_hcl(value)},{comment}")
    lines.append(f"{pad}]")
    return "\n".join(lines)


def _source(template: str) -> tuple[str, str, Any]:
    path = resource_path("templates", template)
    return path.read_text(encoding="utf-8"), str(path), None


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # only a fix that writes a new block renders a template

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_source),
        autoescape=False,  # HCL, not HTML: escaping is the filters' job
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["hcl_string"] = hcl_string
    env.filters["hcl"] = _hcl
    env.filters["hcl_list"] = _hcl_list
    return env


@cache
def _template(name: str) -> jinja2.Template:
    """A template of the package, compiled once per process (the package's templates do not change)."""
    return _environment().get_template(name)


def render(template: str, **values: Any) -> str:
    """The rendered template, `=` aligned, ending in exactly one newline."""
    text = _template(template).render(**values)
    return align(text).rstrip("\n") + "\n"
