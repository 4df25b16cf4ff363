"""`==` and `!=` with unknowns, against what `terraform plan` (Terraform 1.11) computed for the same
expressions: `terraform_data.u.id` and `.v.id` are known only after apply, and a `terraform_data` resource's
`input` shows each answer in the plan as true, false or unknown. `test_recorded_answers_still_hold` re-plans
when terraform is installed (terraform_data is built in: no provider download).

Where emailiac's answer is unknown but Terraform's is known (`TERRAFORM_ONLY`), Terraform used what emailiac
does not track: the type of an unknown (a string is never equal to a number), a provider's promise that an
attribute is never null, or a set holding an unknown element (emailiac keeps no such set). Unknown is then
the honest answer, never a wrong one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from emailiac.model import Unknown
from emailiac.sources.terraform.loader import load_terraform
from tests.terraform.support import console_json

UNKNOWN = "unknown"

# (name, expression, Terraform's answer in the plan)
ANSWERS: list[tuple[str, str, Any]] = [
    ("list_ne_null", "[local.u] != null", True),
    ("list_eq_null", "[local.u] == null", False),
    ("object_ne_null", "{ a = [local.u] } != null", True),
    ("null_eq_null", "null == null", True),
    ("unknowns", "local.u == local.v", UNKNOWN),
    ("same_unknown", "local.u == local.u", UNKNOWN),
    ("lengths_differ", '[local.u] == ["a", "b"]', False),
    ("first_pair_unknown", '[local.u, "a"] == ["x", "b"]', UNKNOWN),
    ("first_pair_unequal", '["a", local.u] == ["b", "x"]', False),
    ("equal_but_one_unknown", '["a", local.u] == ["a", "x"]', UNKNOWN),
    ("attributes_differ", "{ a = local.u } == { b = 1 }", False),
    ("attribute_types_differ", '{ a = local.u, b = 1 } == { a = "x", b = "y" }', False),
    ("element_types_differ", '[local.u, 1] == ["x", "y"]', False),
    ("list_vs_string", '[local.u] == "a"', False),
    ("template_other_prefix", '"abc${local.u}" == "xyz"', False),
    ("template_eq_null", '"abc${local.u}" == null', False),
    ("template_same_prefix", '"abc${local.u}" == "abcd"', UNKNOWN),
    ("template_vs_number", '"abc${local.u}" == 5', False),
    ("template_no_prefix", '"${local.u}x" == "y"', UNKNOWN),
    ("list_of_templates", '["p-${local.u}"] == ["q-1"]', False),
    ("maybe_null_eq_null", "local.maybe_null == null", UNKNOWN),
    ("maybe_null_in_list_ne_null", "[local.maybe_null] != null", True),
    ("maybe_null_ne_null", "local.maybe_null != null", UNKNOWN),
    ("length_of_list", "length([local.u])", 1),
    ("sets_with_unknown", 'toset([local.u, "a"]) == toset(["b"])', UNKNOWN),
    # Terraform knows these from types and provider refinements emailiac does not track.
    ("id_eq_null", "local.u == null", False),
    ("id_eq_number", "local.u == 5", False),
    ("string_vs_tuple", 'local.maybe_null == ["x"]', False),
    ("set_with_unknown_ne_null", "toset([local.u]) != null", True),
]
TERRAFORM_ONLY = {"id_eq_null", "id_eq_number", "string_vs_tuple", "set_with_unknown_ne_null"}

_CONFIG = """resource "terraform_data" "u" {}
resource "terraform_data" "v" {}
locals {
  u          = terraform_data.u.id
  v          = terraform_data.v.id
  maybe_null = local.u == "a" ? null : "x"
}
resource "terraform_data" "probe" {
  input = {
%s
  }
}
"""


def _write(root: Path) -> None:
    rows = "\n".join(f"    {name} = {expression}" for name, expression, _ in ANSWERS)
    (root / "main.tf").write_text(_CONFIG % rows, encoding="utf-8")


def _emailiac_answers(root: Path) -> dict[str, Any]:
    _write(root)
    load = load_terraform([root], env={})
    assert not load.errors, load.errors
    [probe] = [r for r in load.resources if r.address == "terraform_data.probe"]
    values = probe.body.get("input")
    assert isinstance(values, dict)
    return {k: UNKNOWN if isinstance(v, Unknown) else v for k, v in values.items()}


def test_equality_with_unknowns_gives_terraforms_answers(tmp_path: Path) -> None:
    got = _emailiac_answers(tmp_path)
    expected = {name: UNKNOWN if name in TERRAFORM_ONLY else answer for name, _, answer in ANSWERS}
    assert got == expected


# Known operands, from `terraform console`; `sensitive("x") == "x"` printed (sensitive value), a marked true.
KNOWN_ANSWERS: list[tuple[str, bool]] = [
    ('sensitive("x") == "x"', True),
    ("[true] == [1]", False),
    ("1 == 1.0", True),
    ('[1, "a"] == [1, 3]', False),
    ("{ a = null } == { a = 1 }", False),
    ("[null] == [null]", True),
    ("{} == []", False),
    ('1 == "1"', False),
    ('toset(["a", "b"]) == toset(["b", "a"])', True),
    ('toset(["a"]) == ["a"]', False),
    ('toset([1]) == toset(["1"])', False),
    ('toset([["a"]]) == toset([["a"]])', True),
]


@pytest.mark.parametrize(("expression", "expected"), KNOWN_ANSWERS, ids=[e for e, _ in KNOWN_ANSWERS])
def test_known_operands_compare_as_in_terraform(tmp_path: Path, expression: str, expected: bool) -> None:
    (tmp_path / "main.tf").write_text(f'resource "null_resource" "r" {{\n  v = {expression}\n}}\n', encoding="utf-8")
    [r] = load_terraform([tmp_path], env={}).resources
    assert r.body.get("v") is expected


def test_an_open_comparison_keeps_the_reason_of_the_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "u" {}\n'
        'resource "null_resource" "r" {\n  v = ["a", terraform_data.u.id] != ["a", "x"]\n}\n',
        encoding="utf-8",
    )
    [_, r] = load_terraform([tmp_path], env={}).resources
    value = r.body.get("v")
    assert isinstance(value, Unknown)
    assert value.reason == "terraform_data.u.id is known only after apply"
    assert value.refs == ("terraform_data.u.id",)


def test_objects_with_an_unknown_and_an_unequal_attribute_are_unknown(tmp_path: Path) -> None:
    """cty visits object attributes in Go's random map order and answers false or unknown by the order it
    happens to take (`{a = <unknown>, b = "x"} == {a = "y", b = "z"}`): only unknown is always right."""
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "u" {}\n'
        'resource "null_resource" "r" {\n  v = { a = terraform_data.u.id, b = "x" } == { a = "y", b = "z" }\n}\n',
        encoding="utf-8",
    )
    [_, r] = load_terraform([tmp_path], env={}).resources
    assert isinstance(r.body.get("v"), Unknown)


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_recorded_answers_still_hold(tmp_path: Path) -> None:
    _write(tmp_path)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1"}
    for command in (["init", "-input=false"], ["plan", "-input=false", "-out=plan.bin"]):
        subprocess.run(["terraform", *command], cwd=tmp_path, env=env, capture_output=True, check=True, timeout=300)
    shown = subprocess.run(
        ["terraform", "show", "-json", "plan.bin"], cwd=tmp_path, env=env, capture_output=True, check=True, timeout=300
    )
    [change] = [c for c in json.loads(shown.stdout)["resource_changes"] if c["address"] == "terraform_data.probe"]
    after, unknown = change["change"]["after"]["input"] or {}, change["change"]["after_unknown"].get("input") or {}
    planned = {name: UNKNOWN if unknown.get(name) else after.get(name) for name, _, _ in ANSWERS}
    assert planned == {name: answer for name, _, answer in ANSWERS}


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_recorded_known_answers_still_hold(tmp_path: Path) -> None:
    shown = [f"nonsensitive({e})" if "sensitive(" in e else e for e, _ in KNOWN_ANSWERS]
    assert console_json(tmp_path, "[" + ", ".join(shown) + "]") == [answer for _, answer in KNOWN_ANSWERS]
