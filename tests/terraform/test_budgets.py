"""Every evaluation has a budget: pathological expressions end quickly as unknown values or as the errors
Terraform itself gives, never as a hang, a MemoryError or a traceback."""

from __future__ import annotations

import time
from pathlib import Path

from emailiac.model import Unknown
from emailiac.sources.terraform.loader import load_terraform

HOSTILE = """
locals {
  cubed = [for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]]
  long  = join("", [for i in range(1000) : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"])
}
resource "null_resource" "r" {
  cubed     = length(local.cubed)
  wide      = format("%1000000000s", "x")
  precise   = format("%.1000000000f", 1)
  subnet    = try(cidrsubnet("10.0.0.0/8", 100000000, 1), "Terraform: insufficient address space")
  v6        = cidrsubnet("::/0", 128, 12345678901234567890)
  backtrack = can(regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"))
  multiplied = replace(local.long, "/a/", local.long)
  replaced  = replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/(a|aa)+$b/", "x")
  ranged    = try(range(1000000000), "Terraform: more than 1024 values")
  powered   = pow(10, 100000000)
  product   = length(setproduct(range(1000), range(1000), range(1000)))
  digits    = try(tonumber("1${join("", [for i in range(1000) : "0000000000"])}"), "a fallback")
  bad_regex = try(regex("(", "x"), "Terraform: invalid pattern")
  yaml_bomb = yamldecode("YAML_BOMB")
}
resource "null_resource" "many" {
  count = 1000000000
}
module "self" {
  source = "./mod"
  count  = 2
}
"""

# Six levels of nine aliases each: a few hundred bytes that stand for half a million values.
_LEVELS = "abcdef"
YAML_BOMB = "\\n".join(
    f"{name}: &{name} [{', '.join(['x'] * 9 if i == 0 else [f'*{_LEVELS[i - 1]}'] * 9)}]"
    for i, name in enumerate(_LEVELS)
)
HOSTILE = HOSTILE.replace("YAML_BOMB", YAML_BOMB)

SELF_CALL = """
module "again" {
  source = "../mod"
  count  = 3
}
resource "null_resource" "x" {}
"""


def test_pathological_expressions_end_quickly_as_unknown_or_terraforms_error(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "main.tf").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "mod" / "main.tf").write_text(SELF_CALL, encoding="utf-8")
    started = time.process_time()
    load = load_terraform([tmp_path], env={})
    assert time.process_time() - started < 20
    body = next(r for r in load.resources if r.address == "null_resource.r").body
    budget = "exceeds emailiac's budget"
    for name in ("cubed", "wide", "precise", "powered", "product", "yaml_bomb", "multiplied"):
        value = body.get(name)
        assert isinstance(value, Unknown) and budget in value.reason, (name, value)
    assert body.get("subnet") == "Terraform: insufficient address space"
    assert body.get("v6") == "::ab54:a98c:eb1f:ad2/128"
    assert body.get("backtrack") is False
    assert body.get("replaced") == "a" * 58
    assert body.get("ranged") == "Terraform: more than 1024 values"
    digits = body.get("digits")
    assert isinstance(digits, Unknown) and "more than 4000 digits" in digits.reason
    assert body.get("bad_regex") == "Terraform: invalid pattern"
    assert any("null_resource.many" in n.address and "budget" in n.reason for n in load.notes)
    assert any("module instances exceed emailiac's budget" in e.message for e in load.errors)
    assert len(load.resources) < 6000
