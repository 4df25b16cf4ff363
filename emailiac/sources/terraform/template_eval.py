"""Templates with `%{if}` / `%{for}` directives, and templatefile() / templatestring().

A template file is parsed as Terraform parses it (literal text, `${...}`, directives; no backslash escapes)
and evaluated with only the variables the call passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from emailiac.model import Unknown
from emailiac.sources.terraform.fn_base import FunctionError, NotEvaluated, as_str
from emailiac.sources.terraform.fn_files import read_text
from emailiac.sources.terraform.template import Directive, TemplateSyntaxError, split_template

if TYPE_CHECKING:
    from emailiac.sources.terraform.evaluate import _Evaluator

__all__ = ["render_directives", "template_file_value"]

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


class _Node:
    def __init__(self, directive: Directive | None) -> None:
        self.directive = directive
        self.body: list[Any] = []
        self.other: list[Any] | None = None  # the else branch of an if


def _tree(parts: Sequence[Any]) -> list[Any]:
    root = _Node(None)
    stack = [root]
    for part in parts:
        top = stack[-1]
        target = top.other if top.other is not None else top.body
        if not isinstance(part, Directive):
            target.append(part)
            continue
        keyword = part.keyword
        if keyword in ("if", "for"):
            node = _Node(part)
            target.append(node)
            stack.append(node)
        elif keyword == "else" and top.directive is not None and top.directive.keyword == "if" and top.other is None:
            top.other = []
        elif keyword == f"end{top.directive.keyword if top.directive else ''}" and len(stack) > 1:
            stack.pop()
        else:
            raise FunctionError(f"unexpected {part!s} in template")
    if len(stack) > 1:
        raise FunctionError(f"unterminated {stack[-1].directive!s} in template")
    return root.body


def _render(nodes: list[Any], ev: _Evaluator, out: list[Any]) -> None:
    from emailiac.sources.terraform.evaluate import _bool, to_string

    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif not isinstance(node, _Node):
            out.append(ev.ev(node))
        elif node.directive is not None and node.directive.keyword == "if":
            cond = _bool(ev.ev(node.directive.expr))  # type: ignore[arg-type]
            if isinstance(cond, Unknown):
                out.append(cond)
                continue
            _render(node.body if cond else (node.other or []), ev, out)
        else:
            assert node.directive is not None
            directive = node.directive
            collection = ev.ev(directive.expr)  # type: ignore[arg-type]
            if isinstance(collection, Unknown):
                out.append(collection)
                continue
            if isinstance(collection, Mapping):
                pairs = sorted(collection.items())
            elif isinstance(collection, list):
                pairs = list(enumerate(collection))
            else:
                raise FunctionError("a template for directive needs a collection")
            for key, value in pairs:
                scope = {str(directive.value_var): value}
                if directive.key_var:
                    scope[directive.key_var] = to_string(key) if isinstance(key, str) else key
                _render(node.body, ev.inner(scope), out)


def render_directives(parts: Sequence[Any], ev: _Evaluator) -> Any:
    from emailiac.sources.terraform.evaluate import EvalError

    try:
        out: list[Any] = []
        _render(_tree(parts), ev, out)
    except FunctionError as exc:
        return EvalError(str(exc))
    return ev.join(out)


def _parse_template(text: str) -> list[Any]:
    from emailiac.sources.terraform.hcl import HclSyntaxError, parse_expression

    def parse(source: str, offset: int) -> object:
        return parse_expression(source, base=offset)

    try:
        parts, _ = split_template(text, parse, quoted=False)
    except (TemplateSyntaxError, HclSyntaxError) as exc:
        raise FunctionError(f"invalid template: {exc}") from None
    return parts


def template_file_value(name: str, args: list[Any], ev: _Evaluator) -> Any:
    """templatefile(path, vars) or templatestring(text, vars)."""
    from emailiac.sources.terraform.evaluate import EvalError, merge_unknown

    source, variables = args
    if isinstance(source, Unknown) or isinstance(variables, Unknown):
        return merge_unknown(source, variables)
    if not isinstance(variables, Mapping):
        return EvalError(f"{name}(): the variables must be a map or object")
    bad = [k for k in variables if not k or not set(k) <= _NAME_CHARS or k[0].isdigit()]
    if bad:
        return EvalError(f"{name}(): invalid template variable name {bad[0]!r}")
    try:
        if name == "templatefile":
            if ev.context is None:
                return Unknown("templatefile() is not evaluated here")
            text = read_text(ev.context, source)
        else:
            text = as_str(source)
        parts = _parse_template(text)
    except FunctionError as exc:
        return EvalError(f"{name}(): {exc}")
    except NotEvaluated as exc:
        return Unknown(f"{name}(): {exc}")
    # Only the given variables are in scope: a template cannot see var., local. or resources.
    from emailiac.sources.terraform.evaluate import _Evaluator

    inner = _Evaluator(_TemplateScope(), dict(variables), ev.context, ev.since)
    if len(parts) == 1 and not isinstance(parts[0], (str, Directive)):
        return inner.ev(parts[0])
    return (
        render_directives(parts, inner)
        if any(isinstance(p, Directive) for p in parts)
        else inner.join([p if isinstance(p, str) else inner.ev(p) for p in parts])
    )


class _TemplateScope:
    def resolve(self, root: str, path: list[str], expr: Any) -> tuple[Any, int]:
        from emailiac.sources.terraform.evaluate import EvalError

        return EvalError(f"{root} is not a variable of this template"), len(path)
