"""Terraform's built-in functions, by name (the table is assembled from one module per family).

Each takes evaluated values. Most need fully known arguments (the evaluator checks, unless the function
declares it handles unknowns inside containers itself, like concat or merge). A function raises
`FunctionError` for what Terraform would reject (try() and can() catch that) and `NotEvaluated` for what
emailiac cannot know (never caught: the value is unknown).
"""

from __future__ import annotations

from typing import Any

from emailiac.model import Unknown, is_known
from emailiac.sources.terraform.fn_base import Function, FunctionError, NotEvaluated
from emailiac.sources.terraform.fn_collections import COLLECTION_FUNCTIONS
from emailiac.sources.terraform.fn_files import FILE_FUNCTIONS, PATH_FUNCTIONS
from emailiac.sources.terraform.fn_network import NETWORK_FUNCTIONS
from emailiac.sources.terraform.fn_numbers import NUMBER_FUNCTIONS
from emailiac.sources.terraform.fn_text import TEXT_FUNCTIONS, jsonencode_text
from emailiac.sources.terraform.fn_time import TIME_FUNCTIONS
from emailiac.sources.terraform.fn_yaml import YAML_FUNCTIONS

__all__ = ["EVALUATOR_FUNCTIONS", "FUNCTIONS", "Function", "FunctionError", "NotEvaluated", "PartialJson"]


class PartialJson(dict[str, Any]):
    """jsonencode() of an object with unknown parts: kept as the object, so a policy document whose
    Resource is known only after apply can still be judged on its known Principal and Action."""


def _jsonencode(value: Any) -> Any:
    if is_known(value):
        return jsonencode_text(value)
    if isinstance(value, dict):
        return PartialJson(value)
    return Unknown("jsonencode() of a value that is not fully known")


def _type(_value: Any) -> Any:
    raise NotEvaluated("type() is available only in terraform console")


FUNCTIONS: dict[str, Function] = {
    **COLLECTION_FUNCTIONS,
    **NUMBER_FUNCTIONS,
    **TEXT_FUNCTIONS,
    **NETWORK_FUNCTIONS,
    **FILE_FUNCTIONS,
    **PATH_FUNCTIONS,
    **YAML_FUNCTIONS,
    **TIME_FUNCTIONS,
    "jsonencode": Function(_jsonencode, True),
    "ephemeralasnull": Function(lambda v: v, True),
    "type": Function(_type, True),
}

# Handled by the evaluator itself: they see unevaluated arguments, templates or sensitivity marks.
EVALUATOR_FUNCTIONS = frozenset(
    {"try", "can", "templatefile", "templatestring", "sensitive", "nonsensitive", "issensitive"}
)
