"""Every fix template renders to HCL that both parsers read and that `terraform fmt` leaves as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from emailiac.baseline import AwsPasswordBaseline
from emailiac.fixes.hcl_align import align
from emailiac.fixes.render import Expr, render
from emailiac.resources import resource_path
from emailiac.sources.terraform.hcl import parse_hcl

ZONE = {"zone_id": Expr("aws_route53_zone.main.zone_id")}
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "route53_record.tf.j2": [
        {
            **ZONE,
            "name": "spf",
            "count": None,
            "record_name": "example.com",
            "type": "TXT",
            "ttl": 300,
            "values": ["v=spf1 include:amazonses.com -all"],
        },
        {
            **ZONE,
            "name": "dkim",
            "count": 3,
            "record_name": Expr('"${aws_ses_domain_dkim.x.dkim_tokens[count.index]}._domainkey"'),
            "type": "CNAME",
            "ttl": 600,
            "values": [Expr('"${aws_ses_domain_dkim.x.dkim_tokens[count.index]}.dkim.amazonses.com"')],
        },
    ],
    "azurerm_dns_record.tf.j2": [
        {
            "name": n,
            "count": None,
            "record_name": "@",
            "zone_name": Expr("azurerm_dns_zone.main.name"),
            "resource_group_name": Expr("azurerm_dns_zone.main.resource_group_name"),
            "ttl": 3600,
            "type": t,
            "values": v,
        }
        for n, t, v in (
            ("spf", "TXT", ["v=spf1 -all"]),
            ("mx", "MX", [{"preference": 10, "exchange": "mx.example.com"}]),
            ("dkim", "CNAME", ["x.dkim.amazonses.com"]),
        )
    ],
    "cloudflare_record.tf.j2": [
        {
            "resource_type": "cloudflare_dns_record",
            "name": "spf",
            "count": None,
            "zone_id": Expr("cloudflare_zone.main.id"),
            "record_name": "@",
            "type": "TXT",
            "content": "v=spf1 -all",
            "priority": None,
            "ttl": 1,
        },
        {
            "resource_type": "cloudflare_record",
            "name": "mx",
            "count": None,
            "zone_id": Expr("cloudflare_zone.main.id"),
            "record_name": "mail",
            "type": "MX",
            "content": "feedback-smtp.eu-west-1.amazonses.com",
            "priority": 10,
            "ttl": None,
        },
    ],
    "google_dns_record_set.tf.j2": [
        {
            "name": "spf",
            "count": None,
            "record_name": "example.com.",
            "managed_zone": Expr("google_dns_managed_zone.main.name"),
            "type": "TXT",
            "ttl": 300,
            "values": ['"v=spf1 -all"'],
        },
    ],
    "data_source.tf.j2": [{"type": "aws_region", "name": "current"}],
    "variable.tf.j2": [
        {"name": "admin_cidrs", "type": "list(string)", "description": "Admin ranges.", "default": ["10.0.0.0/24"]},
        {"name": "bucket", "type": "string", "description": "A bucket."},
    ],
    "guardduty_detector.tf.j2": [{"name": "main"}],
    "iam_account_password_policy.tf.j2": [{"name": "main", "policy": AwsPasswordBaseline()}],
    "cloudtrail.tf.j2": [{"name": "main", "trail_name": "account-trail", "bucket": Expr("var.bucket")}],
    "sesv2_event_destination.tf.j2": [
        {
            "name": "main",
            "config_set": Expr("aws_sesv2_configuration_set.main.configuration_set_name"),
            "destination_name": "cloudwatch",
            "event_types": ["SEND", "BOUNCE"],
            "default_dimension": "main",
        }
    ],
    "ses_event_destination.tf.j2": [
        {
            "name": "main",
            "config_set": Expr("aws_ses_configuration_set.main.name"),
            "destination_name": "cloudwatch",
            "event_types": ["send", "bounce"],
            "default_dimension": "main",
        }
    ],
    "aad_diagnostic_setting.tf.j2": [
        {
            "name": "entra",
            "setting_name": "entra",
            "workspace": Expr("var.workspace"),
            "categories": ["SignInLogs", "AuditLogs"],
        }
    ],
    "ses_mail_from.tf.j2": [
        {
            "v1": v1,
            "name": "main",
            "identity": Expr("aws_ses_domain_identity.main.domain"),
            "mail_from_domain": Expr('"mail.${aws_ses_domain_identity.main.domain}"'),
        }
        for v1 in (True, False)
    ],
    "ses_domain_dkim.tf.j2": [{"name": "main", "domain": Expr("aws_ses_domain_identity.main.domain")}],
    "sesv2_configuration_set.tf.j2": [{"name": "main", "config_set": "main"}],
    "ca_require_mfa.tf.j2": [
        {"name": "mfa", "display_name": "Require MFA", "excluded_users": ["id-1"], "excluded_groups": None},
        {"name": "mfa", "display_name": "Require MFA", "excluded_users": None, "excluded_groups": None},
    ],
    "ca_block_legacy_auth.tf.j2": [
        {
            "name": "legacy",
            "display_name": "Block legacy",
            "excluded_users": Expr("var.break_glass"),
            "excluded_groups": ["g"],
        }
    ],
    "ca_phishing_resistant_admins.tf.j2": [
        {
            "name": "admins",
            "display_name": "Admins",
            "roles": ["r1", "r2"],
            "role_names": ["Role one", ""],
            "strength": "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004",
            "excluded_users": None,
            "excluded_groups": None,
        }
    ],
    "role_eligibility_schedule_request.tf.j2": [
        {
            "name": "ga",
            "meta": ["for_each = var.admins"],
            "role": Expr("azuread_directory_role.ga.template_id"),
            "principal": Expr("each.value"),
            "justification": "PIM",
        },
        {
            "name": "ga",
            "meta": [],
            "role": "62e90394-69f5-4237-9190-012177145e10",
            "principal": "id",
            "justification": "PIM",
        },
    ],
}

RENDERED = [(name, i, values) for name, variants in SAMPLES.items() for i, values in enumerate(variants)]


def test_every_template_has_samples() -> None:
    templates = {p.name for p in resource_path("templates", "route53_record.tf.j2").parent.glob("*.tf.j2")}
    assert templates == set(SAMPLES)


@pytest.mark.parametrize(("name", "index", "values"), RENDERED, ids=[f"{n}-{i}" for n, i, _ in RENDERED])
def test_template_renders_parsable_aligned_hcl(name: str, index: int, values: dict[str, Any]) -> None:
    text = render(name, **values)
    parse_hcl(text)
    hcl2.loads(text)
    assert align(text) == text
    assert text.endswith("}\n") and "\n\n\n" not in text


def test_templates_are_terraform_fmt_clean(tmp_path: Path) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("a terraform binary is needed to check the templates with `terraform fmt -check`")
    for name, index, values in RENDERED:
        (tmp_path / f"{name.removesuffix('.tf.j2')}_{index}.tf").write_text(render(name, **values))
    config = tmp_path / "empty.tfrc"
    config.write_text("")
    proc = subprocess.run(
        [terraform, "fmt", "-check", "-diff", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
