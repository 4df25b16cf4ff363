"""The Terraform source: values, precedence, modules, expansion, plan JSON, errors, suppressions."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from emailiac.model import Unknown
from emailiac.sources.terraform.loader import load_terraform
from emailiac.sources.terraform.resource import TfResource


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def resources(root: Path, **kwargs: Any) -> dict[str, TfResource]:
    load = load_terraform([root], env=kwargs.pop("env", {}), **kwargs)
    assert not load.errors, load.errors
    return {r.address: r for r in load.resources}


VARIABLE = """
variable "cidr" {
  type = string
  default = "from-default"
}
resource "aws_security_group" "sg" { description = var.cidr }
"""


@pytest.mark.parametrize(
    ("files", "env", "var_files", "cli_vars", "expected"),
    [
        ({}, {}, [], {}, "from-default"),
        ({}, {"TF_VAR_cidr": "from-env"}, [], {}, "from-env"),
        ({"terraform.tfvars": 'cidr = "tfvars"'}, {"TF_VAR_cidr": "from-env"}, [], {}, "tfvars"),
        ({"terraform.tfvars": 'cidr = "tfvars"', "terraform.tfvars.json": '{"cidr": "json"}'}, {}, [], {}, "json"),
        (
            {"terraform.tfvars.json": '{"cidr": "json"}', "a.auto.tfvars": 'cidr = "a"', "b.auto.tfvars": 'cidr = "b"'},
            {},
            [],
            {},
            "b",
        ),
        ({"b.auto.tfvars": 'cidr = "b"', "x.tfvars": 'cidr = "file"'}, {}, ["x.tfvars"], {}, "file"),
        ({"x.tfvars": 'cidr = "file"'}, {}, ["x.tfvars"], {"cidr": "cli"}, "cli"),
    ],
)
def test_variable_precedence(
    tmp_path: Path,
    files: dict[str, str],
    env: dict[str, str],
    var_files: list[str],
    cli_vars: dict[str, str],
    expected: str,
) -> None:
    write(tmp_path, {"main.tf": VARIABLE, **files})
    got = resources(tmp_path, env=env, var_files=[tmp_path / f for f in var_files], cli_vars=cli_vars)
    assert got["aws_security_group.sg"].body.get("description") == expected


def test_variable_without_value_is_unknown_with_reason(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "x" {}\nresource "aws_security_group" "sg" { description = var.x }\n'})
    value = resources(tmp_path)["aws_security_group.sg"].body.get("description")
    assert isinstance(value, Unknown)
    assert value.reason == "var.x has no value"


def test_a_name_maybe_declared_in_a_file_that_did_not_parse_says_so(tmp_path: Path) -> None:
    """Not "not declared": the file that did not parse may declare it (and is reported as an error)."""
    write(
        tmp_path,
        {
            "main.tf": 'resource "null_resource" "r" {\n  a = var.env\n  b = local.l\n  c = aws_s3_bucket.b.id\n}\n',
            "vars.tf": 'variable "a" { type = "string"   default = "" }\nvariable "env" {}\n',
        },
    )
    load = load_terraform([tmp_path], env={})
    assert [(e.file, e.line) for e in load.errors] == [(str(tmp_path / "vars.tf"), 1)]
    body = load.resources[0].body
    unless = "unless in vars.tf, which did not parse"
    assert body.get("a") == Unknown(f"var.env is not declared in {tmp_path}, {unless}")
    assert body.get("b") == Unknown(f"local.l is not declared in {tmp_path}, {unless}")
    assert body.get("c") == Unknown(f"aws_s3_bucket.b is not declared in {tmp_path}, {unless}")


def test_a_local_file_data_source_is_read_like_file(tmp_path: Path) -> None:
    """hashicorp/local's data source is read while Terraform plans: its attributes are known from the file,
    read only inside the linted tree; a file that does not exist is the error Terraform reports."""
    (tmp_path / "outside.json").write_text("{}")
    root = write(
        tmp_path / "repo",
        {
            "policy.json": '{"state": "enabledForReportingButNotEnforced"}\n',
            "main.tf": (
                'data "local_file" "p" { filename = "${path.module}/policy.json" }\n'
                'data "local_file" "out" { filename = "../outside.json" }\n'
                'data "local_file" "gone" { filename = "nope.json" }\n'
                'resource "null_resource" "r" {\n'
                "  state  = jsondecode(data.local_file.p.content).state\n"
                "  id     = data.local_file.p.id\n"
                "  b64    = data.local_file.p.content_base64\n"
                "  sha256 = data.local_file.p.content_base64sha256\n"
                "  out    = data.local_file.out.content\n"
                '  gone   = try(data.local_file.gone.content, "fallback")\n'
                "}\n"
            ),
        },
    )
    data = (root / "policy.json").read_bytes()
    body = resources(root)["null_resource.r"].body
    assert body.get("state") == "enabledForReportingButNotEnforced"
    assert body.get("id") == hashlib.sha1(data, usedforsecurity=False).hexdigest()
    assert body.get("b64") == base64.b64encode(data).decode()
    assert body.get("sha256") == base64.b64encode(hashlib.sha256(data).digest()).decode()
    out = body.get("out")
    assert isinstance(out, Unknown) and "outside the linted folder" in out.reason
    assert body.get("gone") == "fallback"


def test_a_null_default_under_nullable_false_is_terraforms_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": (
                'variable "rua" {\n  type     = string\n  default  = null\n  nullable = false\n}\n'
                'variable "p" {\n  default  = "reject"\n  nullable = false\n}\n'
                'variable "q" {\n  default = null\n}\n'
            ),
        },
    )
    load = load_terraform([tmp_path], env={})
    assert [(e.file, e.line, e.message) for e in load.errors] == [
        (
            str(tmp_path / "main.tf"),
            3,
            "invalid default value for variable: a null default is not valid when nullable = false",
        )
    ]


def test_typed_environment_values_are_parsed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "ports" { type = list(number) }\nvariable "n" { type = number }\n'
            'resource "aws_security_group" "sg" {\n  ingress { from_port = var.n\n to_port = var.ports[1] }\n}\n'
        },
    )
    got = resources(tmp_path, env={"TF_VAR_ports": "[22, 3389]", "TF_VAR_n": "25"})
    block = got["aws_security_group.sg"].body.blocks_of("ingress")[0]
    assert (block.get("from_port"), block.get("to_port")) == (25, 3389)


def test_locals_functions_and_templates(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "env" { default = "Prod" }
locals {
  domain  = lower("Example.COM")
  senders = concat(["include:amazonses.com"], var.env == "Prod" ? ["include:spf.protection.outlook.com"] : [])
  spf     = format("v=spf1 %s -all", join(" ", local.senders))
  tags    = merge({ a = 1 }, { b = 2 })
  ports   = { for p in [25, 587] : tostring(p) => p if p != 25 }
  first   = element(split(",", "a,b,c"), 4)
  fallback = try(local.tags.missing, "dflt")
  n = 1 + 2 * 3 - 1 - 1
  json = jsonencode({ Version = "2012-10-17" })
}
resource "aws_route53_record" "spf" {
  name    = local.domain
  records = [local.spf]
  ttl     = local.n
  type    = "${upper("txt")}"
  set_identifier = "${local.first}-${local.fallback}-${length(local.tags)}-${keys(local.ports)[0]}"
  health_check_id = local.json
}
"""
        },
    )
    body = resources(tmp_path)["aws_route53_record.spf"].body
    assert body.get("name") == "example.com"
    assert body.get("records") == ["v=spf1 include:amazonses.com include:spf.protection.outlook.com -all"]
    assert body.get("ttl") == 5
    assert body.get("type") == "TXT"
    assert body.get("set_identifier") == "b-dflt-2-587"
    assert json.loads(body.get("health_check_id")) == {"Version": "2012-10-17"}


def test_count_and_for_each_expand_to_instance_addresses(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "rules" {
  default = { ssh = 22, rdp = 3389 }
}
resource "aws_security_group_rule" "r" {
  for_each  = var.rules
  type      = "ingress"
  from_port = each.value
  description = each.key
}
resource "aws_guardduty_detector" "d" {
  count  = 2
  enable = count.index == 0
}
resource "aws_guardduty_detector" "none" {
  count = 0
}
"""
        },
    )
    got = resources(tmp_path)
    assert sorted(got) == [
        "aws_guardduty_detector.d[0]",
        "aws_guardduty_detector.d[1]",
        'aws_security_group_rule.r["rdp"]',
        'aws_security_group_rule.r["ssh"]',
    ]
    assert got['aws_security_group_rule.r["rdp"]'].body.get("from_port") == 3389
    assert got["aws_guardduty_detector.d[1]"].body.get("enable") is False


def test_references_between_resources_and_computed_attributes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_route53_zone" "main" { name = "example.com" }
resource "aws_ses_domain_identity" "id" { domain = aws_route53_zone.main.name }
resource "aws_route53_record" "dkim" {
  count   = 3
  zone_id = aws_route53_zone.main.zone_id
  name    = "${element(aws_ses_domain_dkim.d.dkim_tokens, count.index)}._domainkey.${aws_ses_domain_identity.id.id}"
}
resource "aws_ses_domain_dkim" "d" { domain = aws_ses_domain_identity.id.domain }
"""
        },
    )
    got = resources(tmp_path)
    record = got["aws_route53_record.dkim[2]"].body
    zone_id = record.get("zone_id")
    assert isinstance(zone_id, Unknown) and zone_id.refs == ("aws_route53_zone.main.zone_id",)
    name = record.get("name")
    assert isinstance(name, Unknown)
    assert name.pattern == "*._domainkey.example.com"
    assert name.refs == ("aws_ses_domain_dkim.d.dkim_tokens",)


def test_local_modules_with_arguments_nested_and_counted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
module "mail" {
  source = "./modules/mail"
  count  = 2
  name   = "cs-${count.index}"
}
module "remote" {
  source = "terraform-aws-modules/ses/aws"
}
output "first" { value = module.mail[0].set_name }
""",
            "modules/mail/main.tf": """
variable "name" {}
variable "tls" { default = "REQUIRE" }
resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.name
  delivery_options { tls_policy = var.tls }
}
module "inner" {
  source = "../inner"
  cs     = aws_sesv2_configuration_set.this.configuration_set_name
}
output "set_name" { value = aws_sesv2_configuration_set.this.configuration_set_name }
""",
            "modules/inner/main.tf": """
variable "cs" {}
resource "aws_sesv2_configuration_set_event_destination" "e" { configuration_set_name = var.cs }
""",
        },
    )
    load = load_terraform([tmp_path], env={})
    got = {r.address: r for r in load.resources}
    assert got["module.mail[1].aws_sesv2_configuration_set.this"].body.get("configuration_set_name") == "cs-1"
    inner = got["module.mail[1].module.inner.aws_sesv2_configuration_set_event_destination.e"]
    assert inner.body.get("configuration_set_name") == "cs-1"
    assert inner.file.endswith("modules/inner/main.tf")
    assert [src for src, *_ in load.remote] == ["terraform-aws-modules/ses/aws"]
    assert len([w for w in load.warnings if "is not read: not downloaded" in w]) == 1


def test_dynamic_blocks_expand_and_unknown_ones_say_so(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "ports" { default = [25, 587] }
variable "later" {}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
      to_port   = port.value
    }
  }
  dynamic "egress" {
    for_each = var.later
    content { from_port = egress.value }
  }
}
"""
        },
    )
    body = resources(tmp_path)["aws_security_group.sg"].body
    assert [b.get("from_port") for b in body.blocks_of("ingress")] == [25, 587]
    unknown = body.unknown_blocks("egress")
    assert unknown is not None and "var.later has no value" in unknown.reason


def test_syntax_error_names_file_line_and_other_files_still_load(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "bad.tf": 'resource "aws_security_group" "a" {\n  name = \n}\n',
            "good.tf": 'resource "aws_security_group" "b" { name = "ok" }\n',
        },
    )
    load = load_terraform([tmp_path], env={})
    assert [r.address for r in load.resources] == ["aws_security_group.b"]
    assert len(load.errors) == 1
    error = load.errors[0]
    assert (Path(error.file or "").name, error.line) == ("bad.tf", 2)
    assert error.message.startswith("syntax error:")


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    load = load_terraform([tmp_path / "nope"], env={})
    assert [e.message for e in load.errors] == ["no such file or directory"]


def test_tf_json_files_are_read(tmp_path: Path) -> None:
    doc = {
        "variable": {"port": {"default": 22}},
        "resource": {"aws_security_group": {"sg": {"description": "ssh ${var.port}", "ingress": [{"from_port": 22}]}}},
    }
    write(tmp_path, {"main.tf.json": json.dumps(doc, indent=2)})
    res = resources(tmp_path)["aws_security_group.sg"]
    assert res.body.get("description") == "ssh 22"
    assert res.body.blocks_of("ingress")[0].get("from_port") == 22
    assert res.line == 9  # the line naming the resource


def test_suppression_comments(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
# emailiac:ignore[NET004] reviewed by security until=2999-01-01
resource "aws_security_group" "a" {
  name = "a"
}
resource "aws_security_group" "b" {
  // emailiac:ignore[net001, NET002] bastion
  name = "b"
}
/* emailiac:ignore[TLS001] */
"""
        },
    )
    load = load_terraform([tmp_path], env={})
    sups = [(s.line, s.first_line, s.last_line, s.rule_ids, s.reason, s.until) for s in load.suppressions]
    assert sups == [
        (2, 3, 5, ("NET004",), "reviewed by security", "2999-01-01"),
        (7, 6, 9, ("NET001", "NET002"), "bastion", None),
    ]
    assert len(load.warnings) == 1 and "not inside or directly above a block" in load.warnings[0]


def test_directory_without_terraform_discovers_roots_but_not_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "live/main.tf": 'module "m" { source = "../modules/m" }\n',
            "modules/m/main.tf": 'resource "aws_guardduty_detector" "d" {}\n',
            "other/main.tf": 'resource "aws_guardduty_detector" "o" {}\n',
        },
    )
    got = resources(tmp_path)
    assert sorted(got) == ["aws_guardduty_detector.o", "module.m.aws_guardduty_detector.d"]


def test_maps_iterate_in_lexical_key_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "m" {
  default = { b = 2, a = 1 }
}
resource "aws_security_group" "x" {
  description = join(",", [for k, v in var.m : k])
  dynamic "ingress" {
    for_each = var.m
    content { from_port = ingress.value }
  }
}
"""
        },
    )
    body = resources(tmp_path)["aws_security_group.x"].body
    assert body.get("description") == "a,b"
    assert [b.get("from_port") for b in body.blocks_of("ingress")] == [1, 2]


def test_references_keep_the_instance_key_they_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "azuread_directory_role" "r" {
  for_each     = toset(["Global Administrator"])
  display_name = each.value
}
resource "azuread_directory_role_assignment" "a" {
  role_id = azuread_directory_role.r["Global Administrator"].template_id
}
"""
        },
    )
    role_id = resources(tmp_path)["azuread_directory_role_assignment.a"].body.get("role_id")
    assert isinstance(role_id, Unknown)
    assert role_id.refs == ('azuread_directory_role.r["Global Administrator"].template_id',)


def test_jsonencode_keeps_objects_with_unknown_parts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_ses_domain_identity" "i" { domain = "example.com" }
resource "aws_ses_identity_policy" "p" {
  policy = jsonencode({ Statement = [{ Principal = "*", Resource = aws_ses_domain_identity.i.arn }] })
  name   = "p-${jsonencode({ a = aws_ses_domain_identity.i.arn })}"
}
"""
        },
    )
    body = resources(tmp_path)["aws_ses_identity_policy.p"].body
    statement = body.get("policy")["Statement"][0]
    assert statement["Principal"] == "*"
    assert isinstance(statement["Resource"], Unknown)
    assert isinstance(body.get("name"), Unknown)


def test_invalid_template_directive_is_a_syntax_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_route53_record" "x" {\n  records = ["v=spf1 exists:%{i}.a.example -all"]\n}\n',
            "ok.tf": 'resource "aws_route53_record" "y" {\n  records = ["v=spf1 exists:%%{i}.a.example -all"]\n}\n',
        },
    )
    load = load_terraform([tmp_path], env={})
    assert [(Path(e.file or "").name, e.line) for e in load.errors] == [("main.tf", 2)]
    assert "invalid template directive '%{i}'" in load.errors[0].message
    record = {r.address: r for r in load.resources}["aws_route53_record.y"]
    assert record.body.get("records") == ["v=spf1 exists:%{i}.a.example -all"]


def test_computed_attributes_of_nested_blocks_keep_their_reference(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_sesv2_email_identity" "x" {
  email_identity = "example.com"
  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
}
resource "aws_route53_record" "dkim" {
  count = 3
  name  = "${aws_sesv2_email_identity.x.dkim_signing_attributes[0].tokens[count.index]}._domainkey.example.com"
}
"""
        },
    )
    name = resources(tmp_path)["aws_route53_record.dkim[1]"].body.get("name")
    assert isinstance(name, Unknown)
    assert name.refs == ("aws_sesv2_email_identity.x.dkim_signing_attributes[0].tokens",)
    assert name.pattern == "*._domainkey.example.com"
