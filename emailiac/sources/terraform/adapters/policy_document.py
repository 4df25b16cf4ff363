"""IAM policy documents as JSON-shaped data: a string (heredoc, `jsonencode`), or a reference to a
`data "aws_iam_policy_document"`, whose JSON is known only after apply and so is built here from its
`statement` blocks (with `source_policy_documents` and `override_policy_documents` merged by Sid).
Identity policies of SES (SES002) and IAM policies (RBAC004) read documents the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emailiac.model import Unknown
from emailiac.sources.terraform.adapters.coerce import as_json, as_str
from emailiac.sources.terraform.adapters.references import referenced_resource
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

__all__ = ["policy_document"]

_MAX_DOCUMENT_DEPTH = 8
# aws_iam_policy_document statement attributes and the JSON keys they become.
_STATEMENT_LISTS = (
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def policy_document(value: Any, res: TfResource, index: ResourceIndex, depth: int = 0) -> Mapping[str, Any] | Unknown:
    """A policy JSON document: a string (heredoc, jsonencode) or `data.aws_iam_policy_document.x.json`,
    which is built here from the data source's `statement` blocks (its JSON is known only after apply)."""
    doc = as_json(value, "policy")
    if doc is None:
        return Unknown("policy is not set")
    if not isinstance(doc, Unknown):
        return doc
    target = referenced_resource(value, res, index)
    if target is None or target.type != "aws_iam_policy_document" or depth >= _MAX_DOCUMENT_DEPTH:
        return doc
    return _document_from_data(target, index, depth + 1)


def _principals(blocks: list[Body]) -> dict[str, Any]:
    principals: dict[str, Any] = {}
    for block in blocks:
        kind = as_str(block.get("type"), "principals.type")
        if isinstance(kind, str):
            principals[kind] = block.get("identifiers")
    return principals


def _statement(block: Body) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    sid = block.get("sid")
    if sid is not None:
        statement["Sid"] = sid
    effect = block.get("effect")
    statement["Effect"] = "Allow" if effect is None else effect
    for attr, key in _STATEMENT_LISTS:
        if block.get(attr) is not None:
            statement[key] = block.get(attr)
    for attr, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if block.blocks_of(attr):
            statement[key] = _principals(block.blocks_of(attr))
    pending = block.unknown_blocks("condition")
    if pending is not None:
        statement["Condition"] = Unknown(f"condition is not known ({pending.reason})", pending.refs)
    elif block.blocks_of("condition"):
        condition: dict[str, Any] = {}
        for cond in block.blocks_of("condition"):
            test, variable = as_str(cond.get("test"), "test"), as_str(cond.get("variable"), "variable")
            if isinstance(test, str) and isinstance(variable, str):
                condition.setdefault(test, {})[variable] = cond.get("values")
            else:
                condition[f"unknown{len(condition)}"] = Unknown("a condition's test or variable is not known")
        statement["Condition"] = condition
    return statement


def _merge_statements(base: list[Any], extra: list[Any]) -> list[Any]:
    """Statements of `extra` replace those of `base` with the same Sid; the others are appended."""
    merged = list(base)
    for statement in extra:
        sid = statement.get("Sid") if isinstance(statement, Mapping) else None
        same = [i for i, s in enumerate(merged) if isinstance(s, Mapping) and sid and s.get("Sid") == sid]
        if same:
            merged[same[0]] = statement
        else:
            merged.append(statement)
    return merged


def _document_list(value: Any, res: TfResource, index: ResourceIndex, depth: int) -> list[Any] | Unknown:
    """Statements of `source_policy_documents` / `override_policy_documents`."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    statements: list[Any] = []
    for item in value if isinstance(value, list) else [value]:
        doc = policy_document(item, res, index, depth)
        if isinstance(doc, Unknown):
            return doc
        raw = doc.get("Statement", [])
        statements = _merge_statements(statements, raw if isinstance(raw, list) else [raw])
    return statements


def _document_from_data(data: TfResource, index: ResourceIndex, depth: int) -> Mapping[str, Any] | Unknown:
    body = data.body
    pending = body.unknown_blocks("statement")
    if pending is not None:
        return Unknown(f"{data.address}: statement blocks are not known ({pending.reason})", pending.refs)
    sources = _document_list(body.get("source_policy_documents"), data, index, depth)
    overrides = _document_list(body.get("override_policy_documents"), data, index, depth)
    for part in (sources, overrides):
        if isinstance(part, Unknown):
            return Unknown(f"{data.address}: {part.reason}", part.refs)
    assert not isinstance(sources, Unknown) and not isinstance(overrides, Unknown)
    own = [_statement(block) for block in body.blocks_of("statement")]
    statements = _merge_statements(_merge_statements(sources, own), overrides)
    document: dict[str, Any] = {"Version": body.get("version") or "2012-10-17", "Statement": statements}
    if body.get("policy_id") is not None:
        document["Id"] = body.get("policy_id")
    return document
