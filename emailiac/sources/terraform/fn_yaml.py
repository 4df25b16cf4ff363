"""yamldecode() with the scalar rules Terraform's decoder has (YAML 1.1 bools such as `yes`, `n` and `off`;
decimal `017`; `0o` and `0x` integers; timestamps as RFC 3339 strings; no `0b`, `_` or sexagesimal numbers)
and yamlencode() in the style Terraform writes (quoted keys and strings, literal blocks for multi-line
strings)."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime
from typing import Any

from emailiac.sources.terraform.fn_base import MAX_ITEMS, BudgetExceeded, Function, FunctionError, NotEvaluated, as_str

__all__ = ["YAML_FUNCTIONS"]


_RESOLVERS = (
    (
        "tag:yaml.org,2002:bool",
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        "yYnNtTfFoO",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
)
_TIMESTAMP = (
    r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
)


@functools.cache
def _core_loader() -> Any:
    """SafeLoader with the scalar resolution of Terraform's YAML decoder (recorded in the tests); built on the
    first yamldecode() call, so that a run without one never imports PyYAML."""
    import yaml

    class CoreLoader(yaml.SafeLoader):
        pass

    def construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
        text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
        if text.startswith("0o"):
            return int(text[2:], 8)
        return int(text, 0) if text.startswith("0x") else int(text)

    def construct_bool(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
        return str(loader.construct_scalar(node)).lower() in ("y", "yes", "true", "on")  # type: ignore[arg-type]

    def construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> str:
        moment = yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
        if not isinstance(moment, datetime):
            moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.isoformat().replace("+00:00", "Z")

    CoreLoader.yaml_implicit_resolvers = {}
    for tag, regex, first in _RESOLVERS:
        CoreLoader.add_implicit_resolver(tag, re.compile(regex), list(first))
    CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
    CoreLoader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
    CoreLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    CoreLoader.add_implicit_resolver("tag:yaml.org,2002:timestamp", re.compile(_TIMESTAMP), list("0123456789"))
    return CoreLoader


def _count(value: Any, budget: list[int]) -> None:
    """Walk the decoded value: aliases share objects, so a small document can stand for a huge value."""
    budget[0] -= 1
    if budget[0] < 0:
        raise BudgetExceeded("yamldecode() value exceeds emailiac's budget (alias expansion?)")
    if isinstance(value, list):
        for item in value:
            _count(item, budget)
    elif isinstance(value, dict):
        for item in value.values():
            _count(item, budget)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {as_str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, (bytes, bytearray)):
        raise FunctionError("binary YAML values are not supported")
    return value


def _yamldecode(text: Any) -> Any:
    import yaml

    source = as_str(text)
    try:
        docs = list(yaml.load_all(source, Loader=_core_loader()))
    except yaml.YAMLError as exc:
        raise FunctionError(f"invalid YAML: {exc}".splitlines()[0]) from None
    except RecursionError:
        raise BudgetExceeded("YAML nests too deeply") from None
    if len(docs) > 1:
        raise FunctionError("unsupported YAML: a stream of several documents")
    value = docs[0] if docs else None
    _count(value, [MAX_ITEMS])
    return _plain(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value) if isinstance(value, int) or not value.is_integer() else str(int(value))
    return json.dumps(as_str(value), ensure_ascii=False)


def _block(text: str, indent: str) -> str:
    if any(line != line.rstrip() for line in text.split("\n")) or text.startswith((" ", "\n")):
        raise NotEvaluated("yamlencode() of this multi-line string is not evaluated")
    chomp = "-" if not text.endswith("\n") else ("" if not text.endswith("\n\n") else "+")
    body = text[:-1] if text.endswith("\n") else text
    return f"|{chomp}\n" + "\n".join(indent + line if line else "" for line in body.split("\n"))


def _emit(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            item = value[key]
            head = f"{indent}{json.dumps(key, ensure_ascii=False)}:"
            _emit_item(head, item, indent, out, nested_list_indent=indent)
    elif isinstance(value, list):
        for item in value:
            _emit_item(f"{indent}-", item, indent, out, nested_list_indent=indent + "  ")


def _emit_item(head: str, item: Any, indent: str, out: list[str], nested_list_indent: str) -> None:
    if isinstance(item, dict) and item:
        out.append(head)
        _emit(item, indent + "  ", out)
    elif isinstance(item, list) and item:
        out.append(head)
        _emit(item, nested_list_indent if head.endswith(":") else indent + "  ", out)
    elif isinstance(item, (dict, list)):
        out.append(f"{head} {'{}' if isinstance(item, dict) else '[]'}")
    elif isinstance(item, str) and "\n" in item:
        out.append(f"{head} {_block(item, indent + '  ')}")
    else:
        out.append(f"{head} {_scalar(item)}")


def _yamlencode(value: Any) -> str:
    if isinstance(value, (dict, list)) and value:
        if isinstance(value, list) and any(isinstance(v, (dict, list)) and v for v in value):
            raise NotEvaluated("yamlencode() of nested lists is not evaluated")
        out: list[str] = []
        _emit(value, "", out)
        return "\n".join(out) + "\n"
    if isinstance(value, (dict, list)):
        return ("{}" if isinstance(value, dict) else "[]") + "\n"
    if isinstance(value, str) and "\n" in value:
        return _block(value, "  ") + "\n"
    return _scalar(value) + "\n"


YAML_FUNCTIONS: dict[str, Function] = {
    "yamldecode": Function(_yamldecode),
    "yamlencode": Function(_yamlencode),
}
