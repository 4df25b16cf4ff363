"""`terraform show -json` output (a plan or a state) as evaluated resources.

Values are exact; attributes the plan marks as known only after apply become Unknown, with the references
the configuration gives for them (so a record still points at its zone). A document of another shape is an
error naming the first field that is wrong, never a plan with nothing in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emailiac.jsoninput import JsonInputError, json_kind, load_json
from emailiac.model import Unknown
from emailiac.result import InputError
from emailiac.sources.terraform.loader import TerraformLoad
from emailiac.sources.terraform.resource import Body, TfResource

__all__ = ["load_plan"]


class _WrongShape(ValueError):
    pass


def _field(parent: dict[str, Any], key: str, want: type, where: str, *, required: bool = False) -> Any:
    """`parent[key]` if it is of the JSON type wanted (absent or null: that type's empty value, unless required)."""
    value = parent.get(key)
    if value is None:
        if required:
            raise _WrongShape(f"{where}{key} is missing")
        return want()
    if type(value) is not want:
        raise _WrongShape(f"{where}{key} is {json_kind(value)}")
    return value


def _items(parent: dict[str, Any], key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    """The objects of the list `parent[key]`, each with where it is."""
    out = []
    for i, item in enumerate(_field(parent, key, list, where)):
        at = f"{where}{key}[{i}]"
        if not isinstance(item, dict):
            raise _WrongShape(f"{at} is {json_kind(item)}")
        out.append((at + ".", item))
    return out


def _config_refs(module: dict[str, Any], where: str, prefix: str, out: dict[str, dict[str, list[str]]]) -> None:
    """config address -> attribute -> references, from the plan's `configuration` section."""
    for at, res in _items(module, "resources", where):
        refs: dict[str, list[str]] = {}
        for attr, expr in _field(res, "expressions", dict, at).items():
            if isinstance(expr, dict) and expr.get("references"):
                references = _field(expr, "references", list, f"{at}expressions.{attr}.")
                if not all(isinstance(r, str) for r in references):
                    raise _WrongShape(f"{at}expressions.{attr}.references holds a non-string")
                refs[attr] = [f"{prefix}{r}" for r in references]
        out[f"{prefix}{_field(res, 'address', str, at, required=True)}"] = refs
    for name, call in _field(module, "module_calls", dict, where).items():
        at = f"{where}module_calls.{name}."
        if not isinstance(call, dict):
            raise _WrongShape(f"{at[:-1]} is {json_kind(call)}")
        _config_refs(_field(call, "module", dict, at), f"{at}module.", f"{prefix}module.{name}.", out)


def _mark_unknown(value: Any, unknown: Any, what: str, refs: list[str]) -> Any:
    if unknown is True:
        attr_refs = tuple(r for r in refs if r.count(".") >= 2)[:1]
        return Unknown(f"{what} is known only after apply", attr_refs)
    if isinstance(unknown, dict) and isinstance(value, dict):
        return {k: _mark_unknown(value.get(k), unknown.get(k), f"{what}.{k}", []) for k in set(value) | set(unknown)}
    if isinstance(unknown, list) and isinstance(value, list):
        return [
            _mark_unknown(v, unknown[i] if i < len(unknown) else False, f"{what}[{i}]", []) for i, v in enumerate(value)
        ]
    return value


def _strip_index(address: str) -> str:
    """module.a["x"].aws_y.z[0] -> module.a.aws_y.z (configuration addresses have no instance keys)."""
    out = []
    depth = 0
    for ch in address:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _walk(module: dict[str, Any], where: str, found: list[tuple[str, dict[str, Any]]]) -> None:
    found.extend(_items(module, "resources", where))
    for at, child in _items(module, "child_modules", where):
        _walk(child, at, found)


def load_plan(path: Path, text: str) -> TerraformLoad:
    result = TerraformLoad(files=[str(path)])
    try:
        doc = load_json(text)
    except JsonInputError as exc:
        result.errors.append(InputError(exc.message, str(path), exc.line, exc.column))
        return result
    try:
        if not isinstance(doc, dict):
            raise _WrongShape(f"the document is {json_kind(doc)}")
        _resources(path, doc, result)
    except _WrongShape as exc:
        result.resources.clear()
        result.errors.append(InputError(f"not a Terraform plan or state (terraform show -json): {exc}", str(path), 1))
    return result


def _resources(path: Path, doc: dict[str, Any], result: TerraformLoad) -> None:
    section = "planned_values" if "planned_values" in doc else "values"
    values = _field(doc, section, dict, "", required=True)
    root = _field(values, "root_module", dict, f"{section}.", required=True)
    unknowns: dict[str, dict[str, Any]] = {}
    for at, rc in _items(doc, "resource_changes", ""):
        change = _field(rc, "change", dict, at)
        after_unknown = change.get("after_unknown")
        # `after_unknown` is an object of flags for a resource (true alone: the whole value is unknown).
        unknowns[_field(rc, "address", str, at, required=True)] = (
            after_unknown if isinstance(after_unknown, dict) else {}
        )
    refs: dict[str, dict[str, list[str]]] = {}
    configuration = _field(doc, "configuration", dict, "")
    _config_refs(_field(configuration, "root_module", dict, "configuration."), "configuration.root_module.", "", refs)
    resources: list[tuple[str, dict[str, Any]]] = []
    _walk(root, f"{section}.root_module.", resources)
    for at, res in resources:
        address = _field(res, "address", str, at, required=True)
        rtype = _field(res, "type", str, at)
        values = dict(_field(res, "values", dict, at))
        key = res.get("index")
        if not isinstance(key, (str, int, type(None))) or isinstance(key, bool):
            raise _WrongShape(f"{at}index is {json_kind(key)}")
        after_unknown = unknowns.get(address, {})
        config_refs = refs.get(_strip_index(address), {})
        for attr, flag in after_unknown.items():
            values[attr] = _mark_unknown(values.get(attr), flag, f"{address}.{attr}", config_refs.get(attr, []))
        module = address.rsplit(f"{rtype}.", 1)[0].removesuffix("data.").rstrip(".") if "module." in address else ""
        result.resources.append(
            TfResource(
                mode=_field(res, "mode", str, at) or "managed",
                type=rtype,
                name=_field(res, "name", str, at),
                address=address,
                module=module,
                file=str(path),
                line=None,
                end_line=None,
                body=Body(attrs=values),
                key=key,
            )
        )
