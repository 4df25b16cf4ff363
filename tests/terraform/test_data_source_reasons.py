"""Why a provider-computed attribute is not known: a managed resource's is known only after apply; a data
source's is read from the provider during plan once its arguments are known (Terraform defers the read to
apply only while an argument is unknown or something it depends on changes)."""

from __future__ import annotations

from pathlib import Path

from emailiac.model import Unknown
from emailiac.sources.terraform.loader import load_terraform

_CONFIG = """
variable "zone_id" { default = "Z1" }
variable "other_zone_id" {}
resource "aws_route53_zone" "managed" { name = "example.org" }
resource "aws_iam_user" "u" { name = "u" }
data "aws_route53_zone" "by_id" { zone_id = var.zone_id }
data "aws_route53_zone" "by_unset_id" { zone_id = var.other_zone_id }
data "aws_route53_zone" "after_user" {
  zone_id    = var.zone_id
  depends_on = [aws_iam_user.u]
}
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ses:SendEmail"]
  }
}
resource "null_resource" "probe" {
  managed     = aws_route53_zone.managed.zone_id
  by_id       = data.aws_route53_zone.by_id.name
  by_unset_id = data.aws_route53_zone.by_unset_id.name
  after_user  = data.aws_route53_zone.after_user.name
  nested      = data.aws_iam_policy_document.doc.statement[0].sid
}
"""

_PLAN_TIME = "is read from the provider at plan time (lint a plan JSON to judge it)"


def test_reasons_say_when_terraform_knows_the_value(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(_CONFIG, encoding="utf-8")
    [probe] = [r for r in load_terraform([tmp_path], env={}).resources if r.address == "null_resource.probe"]
    got = {}
    for name in ("managed", "by_id", "by_unset_id", "after_user", "nested"):
        value = probe.body.get(name)
        assert isinstance(value, Unknown), name
        got[name] = (value.reason, value.refs)
    assert got == {
        "managed": (
            "aws_route53_zone.managed.zone_id is known only after apply",
            ("aws_route53_zone.managed.zone_id",),
        ),
        "by_id": (f"data.aws_route53_zone.by_id.name {_PLAN_TIME}", ("data.aws_route53_zone.by_id.name",)),
        "by_unset_id": (
            "data.aws_route53_zone.by_unset_id.name is read from the provider once its arguments are known: "
            "var.other_zone_id has no value",
            ("data.aws_route53_zone.by_unset_id.name",),
        ),
        "after_user": (
            "data.aws_route53_zone.after_user.name is read from the provider at plan time, or at apply when what "
            "it depends on changes (lint a plan JSON to judge it)",
            ("data.aws_route53_zone.after_user.name",),
        ),
        "nested": (
            f"data.aws_iam_policy_document.doc.statement[0].sid {_PLAN_TIME}",
            ("data.aws_iam_policy_document.doc.statement[0].sid",),
        ),
    }
