"""Variables convert to their declared type as Terraform converts them (answers recorded from
`terraform console`, Terraform 1.11, with `jsonencode([...])` of the same variables)."""

from __future__ import annotations

from pathlib import Path

from emailiac.model import Unknown
from emailiac.sources.terraform.loader import load_terraform

MAIN = """
variable "mail" {
  type = object({
    domain = string
    policy = optional(string, "reject")
    pct    = optional(number)
    rua    = optional(list(string), ["mailto:d@example.com"])
    nested = optional(object({ a = optional(string, "x") }), {})
  })
  default = { domain = "example.com", extra = "dropped", pct = "50" }
}
variable "n" {
  type     = string
  default  = "dflt"
  nullable = false
}
variable "ports" {
  type    = set(number)
  default = ["25", 25, 587]
}
variable "flag" {
  type    = bool
  default = "true"
}
variable "s" {
  type    = string
  default = 12
}
variable "bad" {
  type    = number
  default = "abc"
}
module "m" {
  source = "./m"
  n      = null
}
resource "null_resource" "r" {
  values = [var.mail, var.ports, var.flag, var.s, var.n, module.m.n]
  bad    = try(var.bad, "fallback")
}
"""
MODULE = """
variable "n" {
  type     = string
  default  = "module-default"
  nullable = false
}
output "n" { value = var.n }
"""
TERRAFORM_SAYS = [
    {
        "domain": "example.com",
        "nested": {"a": "x"},
        "pct": 50,
        "policy": "reject",
        "rua": ["mailto:d@example.com"],
    },
    [25, 587],
    True,
    "12",
    "dflt",
    "module-default",
]


def _body(root: Path, tfvars: str = "") -> dict[str, object]:
    (root / "m").mkdir(exist_ok=True)
    (root / "main.tf").write_text(MAIN, encoding="utf-8")
    (root / "m" / "main.tf").write_text(MODULE, encoding="utf-8")
    if tfvars:
        (root / "terraform.tfvars").write_text(tfvars, encoding="utf-8")
    load = load_terraform([root], env={})
    return next(r for r in load.resources if r.address == "null_resource.r").body.attrs


def test_values_convert_like_terraform(tmp_path: Path) -> None:
    body = _body(tmp_path)
    assert body["values"] == TERRAFORM_SAYS


def test_a_value_of_the_wrong_type_is_unknown_not_a_fallback(tmp_path: Path) -> None:
    # Terraform rejects the configuration ("a number is required"): try() does not catch that.
    bad = _body(tmp_path)["bad"]
    assert isinstance(bad, Unknown) and "a number is required" in bad.reason


def test_tfvars_objects_are_filtered_and_take_optional_defaults(tmp_path: Path) -> None:
    body = _body(tmp_path, 'mail = { domain = "example.org", policy = null, other = 1 }\n')
    values = body["values"]
    assert isinstance(values, list)
    assert values[0] == {
        "domain": "example.org",
        "nested": {"a": "x"},
        "pct": None,
        "policy": "reject",
        "rua": ["mailto:d@example.com"],
    }


def test_a_missing_required_attribute_is_unknown(tmp_path: Path) -> None:
    values = _body(tmp_path, 'mail = { policy = "none" }\n')["values"]
    assert isinstance(values, list)
    assert isinstance(values[0], Unknown) and "'domain' is required" in values[0].reason
