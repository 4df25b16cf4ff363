"""`terraform show -json` output (a plan or a state) as evaluated resources.

Values are exact; attributes the plan marks as known only after apply become Unknown, with the references
the configuration gives for them (so a record still points at its zone).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emailiac.model import Unknown
from emailiac.result import InputError
from emailiac.sources.terraform.loader import TerraformLoad
from emailiac.sources.terraform.resource import Body, TfResource

__all__ = ["load_plan"]


def _config_refs(module: dict[str, Any], prefix: str, out: dict[str, dict[str, list[str]]]) -> None:
    """config address -> attribute -> references, from the plan's `configuration` section."""
    for res in module.get("resources", []):
        refs: dict[str, list[str]] = {}
        for attr, expr in (res.get("expressions") or {}).items():
            if isinstance(expr, dict) and expr.get("references"):
                refs[attr] = [f"{prefix}{r}" for r in expr["references"]]
        out[f"{prefix}{res['address']}"] = refs
    for name, call in (module.get("module_calls") or {}).items():
        child = call.get("module") or {}
        _config_refs(child, f"{prefix}module.{name}.", out)


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


def _walk(module: dict[str, Any], found: list[dict[str, Any]]) -> None:
    found.extend(module.get("resources", []))
    for child in module.get("child_modules", []):
        _walk(child, found)


def load_plan(path: Path, text: str) -> TerraformLoad:
    result = TerraformLoad(files=[str(path)])
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(InputError(f"invalid JSON: {exc.msg}", str(path), exc.lineno, exc.colno))
        return result
    root = (doc.get("planned_values") or doc.get("values") or {}).get("root_module") or {}
    unknowns = {
        rc["address"]: (rc.get("change") or {}).get("after_unknown") or {}
        for rc in doc.get("resource_changes", [])
        if "address" in rc
    }
    refs: dict[str, dict[str, list[str]]] = {}
    _config_refs((doc.get("configuration") or {}).get("root_module") or {}, "", refs)
    resources: list[dict[str, Any]] = []
    _walk(root, resources)
    for res in resources:
        address = res.get("address", "")
        values = dict(res.get("values") or {})
        after_unknown = unknowns.get(address, {})
        config_refs = refs.get(_strip_index(address), {})
        for attr, flag in after_unknown.items():
            values[attr] = _mark_unknown(values.get(attr), flag, f"{address}.{attr}", config_refs.get(attr, []))
        module = (
            address.rsplit(f"{res.get('type')}.", 1)[0].removesuffix("data.").rstrip(".")
            if "module." in address
            else ""
        )
        result.resources.append(
            TfResource(
                mode=res.get("mode", "managed"),
                type=res.get("type", ""),
                name=res.get("name", ""),
                address=address,
                module=module,
                file=str(path),
                line=None,
                end_line=None,
                body=Body(attrs=values),
                key=res.get("index"),
            )
        )
    return result
