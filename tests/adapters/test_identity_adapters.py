"""Identity and logging adapters: real HCL loaded by the Terraform loader, facts out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emailiac.model import (
    AuditTrail,
    ConditionalAccessPolicy,
    Fact,
    IamPolicy,
    LogExport,
    PasswordPolicy,
    RoleAssignment,
    Unknown,
)
from emailiac.sources.terraform.adapters import facts_from_resources
from emailiac.sources.terraform.loader import load_terraform
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

GA = "62e90394-69f5-4237-9190-012177145e10"


def facts(tmp_path: Path, hcl: str, tfvars: str = "") -> list[Fact]:
    (tmp_path / "main.tf").write_text(hcl, encoding="utf-8")
    if tfvars:
        (tmp_path / "terraform.tfvars").write_text(tfvars, encoding="utf-8")
    load = load_terraform([tmp_path])
    assert not load.errors, load.errors
    return facts_from_resources(ResourceIndex(load.resources))


def only(found: list[Fact], kind: type[Any], address: str | None = None) -> Any:
    matching = [f for f in found if isinstance(f, kind) and (address is None or f.prov.address == address)]
    assert len(matching) == 1, matching
    return matching[0]


# ---------------------------------------------------------------- conditional access

_POLICY = """
variable "break_glass" {
  type = list(string)
}

resource "azuread_user" "bg" {
  user_principal_name = "bg2@contoso.onmicrosoft.com"
  display_name        = "Break glass 2"
}

resource "azuread_conditional_access_policy" "mfa" {
  display_name = "Require MFA"
  state        = "enabledForReportingButNotEnforced"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
      excluded_applications = []
    }
    users {
      included_users = ["All"]
      excluded_users = concat(var.break_glass, [azuread_user.bg.object_id])
      excluded_roles = [azuread_directory_role.ga.template_id]
    }
    locations {
      included_locations = ["All"]
      excluded_locations = ["AllTrusted"]
    }
    platforms {
      included_platforms = ["all"]
    }
  }

  grant_controls {
    operator          = "or"
    built_in_controls = ["mfa"]
  }
}

resource "azuread_directory_role" "ga" {
  display_name = "Global Administrator"
}
"""


def test_conditional_access_policy(tmp_path: Path) -> None:
    policy = only(facts(tmp_path, _POLICY, 'break_glass = ["0f1e-bg1"]\n'), ConditionalAccessPolicy)
    assert policy.display_name == "Require MFA"
    assert policy.state == "enabledForReportingButNotEnforced"
    assert policy.include_users == ("All",) and policy.include_apps == ("All",)
    assert policy.exclude_users == ("0f1e-bg1", "bg2@contoso.onmicrosoft.com")
    assert policy.exclude_roles == (GA,)
    assert policy.exclude_apps == ()
    assert policy.client_app_types == ("all",)
    assert policy.built_in_controls == ("mfa",) and policy.operator == "OR"
    assert policy.strength_id is None and policy.strength_combinations is None
    assert policy.has_locations is True  # trusted locations are excluded
    assert policy.has_platforms is False  # all platforms is no narrowing
    assert policy.has_risk_levels is False and policy.has_device_filter is False
    assert policy.prov.file and policy.prov.line == 11


def test_unknown_exclusion_stays_in_place(tmp_path: Path) -> None:
    policy = only(facts(tmp_path, _POLICY), ConditionalAccessPolicy)
    assert isinstance(policy.exclude_users, Unknown) or any(isinstance(u, Unknown) for u in policy.exclude_users)


_STRENGTHS = """
resource "azuread_authentication_strength_policy" "phishing_resistant" {
  display_name         = "Phishing-resistant only"
  allowed_combinations = ["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"]
}

resource "azuread_conditional_access_policy" "custom" {
  display_name = "Admins"
  state        = "enabled"
  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_roles = ["62e90394-69f5-4237-9190-012177145e10"]
    }
    devices {
      filter {
        mode = "exclude"
        rule = "device.isCompliant -eq True"
      }
    }
    sign_in_risk_levels = ["high"]
  }
  grant_controls {
    operator                          = "OR"
    authentication_strength_policy_id = azuread_authentication_strength_policy.phishing_resistant.id
  }
}

resource "azuread_conditional_access_policy" "builtin" {
  display_name = "Builtin"
  state        = "enabled"
  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
    }
  }
  grant_controls {
    operator                          = "OR"
    authentication_strength_policy_id = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004"
  }
}
"""


def test_authentication_strengths(tmp_path: Path) -> None:
    found = facts(tmp_path, _STRENGTHS)
    custom = only(found, ConditionalAccessPolicy, "azuread_conditional_access_policy.custom")
    assert isinstance(custom.strength_id, Unknown)
    assert custom.strength_combinations == ("fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor")
    assert custom.built_in_controls == ()
    assert custom.has_device_filter is True and custom.has_risk_levels is True
    assert custom.include_users == () and custom.include_roles == (GA,)
    builtin = only(found, ConditionalAccessPolicy, "azuread_conditional_access_policy.builtin")
    assert builtin.strength_id == "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004"
    assert builtin.strength_combinations is None


def test_state_from_a_variable_without_value(tmp_path: Path) -> None:
    hcl = _STRENGTHS.replace('state        = "enabled"', "state        = var.cap_state", 1)
    hcl = 'variable "cap_state" {\n  type = string\n}\n' + hcl
    custom = only(facts(tmp_path, hcl), ConditionalAccessPolicy, "azuread_conditional_access_policy.custom")
    assert isinstance(custom.state, Unknown) and "var.cap_state" in custom.state.reason


# ---------------------------------------------------------------- directory roles

_ROLES = """
variable "global_admins" {
  type = map(string)
}

resource "azuread_directory_role" "ga" {
  display_name = "Global Administrator"
}

resource "azuread_directory_role" "exchange" {
  template_id = "29232cdf-9323-42fd-ade2-1d097af3e4de"
}

resource "azuread_directory_role" "readers" {
  display_name = "Directory Readers"
}

data "azuread_user" "mail_admin" {
  user_principal_name = "mail.admin@contoso.com"
}

resource "azuread_directory_role_assignment" "ga" {
  for_each            = var.global_admins
  role_id             = azuread_directory_role.ga.template_id
  principal_object_id = each.value
}

resource "azuread_directory_role_member" "exchange" {
  role_object_id   = azuread_directory_role.exchange.object_id
  member_object_id = data.azuread_user.mail_admin.object_id
}

resource "azuread_directory_role_member" "readers" {
  role_object_id   = azuread_directory_role.readers.object_id
  member_object_id = "11111111-2222-3333-4444-555555555555"
}

resource "azuread_directory_role_member" "literal" {
  role_object_id   = "aaaaaaaa-2222-3333-4444-555555555555"
  member_object_id = "11111111-2222-3333-4444-555555555555"
}

resource "azuread_directory_role_eligibility_schedule_request" "pim" {
  role_definition_id = azuread_directory_role.exchange.template_id
  principal_id       = data.azuread_user.mail_admin.object_id
  directory_scope_id = "/"
  justification      = "PIM"
}
"""


def test_role_assignments(tmp_path: Path) -> None:
    found = facts(tmp_path, _ROLES, 'global_admins = { alice = "a-1", bob = "b-2" }\n')
    roles = {f.prov.address: f for f in found if isinstance(f, RoleAssignment)}
    alice = roles['azuread_directory_role_assignment.ga["alice"]']
    assert (alice.role_template_id, alice.role_name, alice.principal, alice.permanent) == (
        GA,
        "Global Administrator",
        "a-1",
        True,
    )
    exchange = roles["azuread_directory_role_member.exchange"]
    assert exchange.role_template_id == "29232cdf-9323-42fd-ade2-1d097af3e4de"
    assert exchange.principal == "mail.admin@contoso.com" and exchange.principal_kind == "user"
    readers = roles["azuread_directory_role_member.readers"]
    assert isinstance(readers.role_template_id, Unknown) and readers.role_name == "Directory Readers"
    literal = roles["azuread_directory_role_member.literal"]
    assert isinstance(literal.role_template_id, Unknown) and "object ID" in literal.role_template_id.reason
    pim = roles["azuread_directory_role_eligibility_schedule_request.pim"]
    assert pim.permanent is False and pim.role_template_id == "29232cdf-9323-42fd-ade2-1d097af3e4de"


# ---------------------------------------------------------------- IAM

_IAM = """
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Read"
    actions   = ["ses:GetSendQuota"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "send" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]

  statement {
    sid       = "Send"
    actions   = ["ses:SendEmail", "ses:SendRawEmail"]
    resources = [aws_ses_domain_identity.main.arn]

    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = ["noreply@example.com"]
    }
  }
}

resource "aws_ses_domain_identity" "main" {
  domain = "example.com"
}

resource "aws_iam_policy" "send" {
  name   = "ses-send"
  policy = data.aws_iam_policy_document.send.json
}

resource "aws_iam_policy" "unused" {
  name   = "unused"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]
    }
  EOT
}

resource "aws_iam_policy" "managed_by_arn" {
  name   = "by-arn"
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_iam_role_policy_attachment" "send" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.send.arn
}

resource "aws_iam_user_policy_attachment" "by_arn" {
  user       = "legacy"
  policy_arn = "arn:aws:iam::111122223333:policy/by-arn"
}

resource "aws_iam_group_policy_attachment" "aws_managed" {
  group      = "admins"
  policy_arn = "arn:aws:iam::aws:policy/AmazonSESFullAccess"
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })

  inline_policy {
    name   = "inline"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ses:Send*", Resource = "*" }]
    })
  }
}

resource "aws_iam_user_policy" "legacy" {
  name   = "legacy-send"
  user   = "legacy"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"""


def test_iam_policies(tmp_path: Path) -> None:
    found = facts(tmp_path, _IAM)
    send = only(found, IamPolicy, "aws_iam_policy.send")
    assert send.attached is True and send.attachments == ("aws_iam_role_policy_attachment.send",)
    statements = send.document["Statement"]
    assert [s.get("Sid") for s in statements] == ["Read", "Send"]
    assert statements[1]["Condition"] == {"StringEquals": {"ses:FromAddress": ["noreply@example.com"]}}
    assert isinstance(statements[1]["Resource"][0], Unknown)
    unused = only(found, IamPolicy, "aws_iam_policy.unused")
    assert unused.attached is False and unused.document["Statement"][0]["Action"] == "ses:*"
    by_arn = only(found, IamPolicy, "aws_iam_policy.managed_by_arn")
    assert by_arn.attached is True and by_arn.attachments == ("aws_iam_user_policy_attachment.by_arn",)
    inline = only(found, IamPolicy, "aws_iam_role.app")
    assert inline.name == "inline" and inline.attached is True
    legacy = only(found, IamPolicy, "aws_iam_user_policy.legacy")
    assert legacy.attachments == ("user legacy",) and legacy.document["Statement"][0]["Action"] == "*"


def test_attachment_through_an_unknown_arn_leaves_attachment_unknown(tmp_path: Path) -> None:
    hcl = _IAM + '\nvariable "extra_arn" {\n  type = string\n}\n'
    hcl += 'resource "aws_iam_role_policy_attachment" "extra" {\n  role = "x"\n  policy_arn = var.extra_arn\n}\n'
    unused = only(facts(tmp_path, hcl), IamPolicy, "aws_iam_policy.unused")
    assert isinstance(unused.attached, Unknown) and "var.extra_arn" in unused.attached.reason


# ---------------------------------------------------------------- passwords and logging

_ACCOUNT = """
resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length      = "14"
  require_uppercase_characters = true
  require_symbols              = false
  max_password_age             = 0
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "trail-bucket"
  is_multi_region_trail      = true
  enable_log_file_validation = "true"
}

resource "azurerm_monitor_aad_diagnostic_setting" "new" {
  name                       = "entra"
  log_analytics_workspace_id = "/subscriptions/x/workspaces/siem"
  enabled_log {
    category = "SignInLogs"
  }
  enabled_log {
    category = "AuditLogs"
  }
}

resource "azurerm_monitor_aad_diagnostic_setting" "old" {
  name               = "entra-old"
  storage_account_id = "/subscriptions/x/storage/logs"
  log {
    category = "SignInLogs"
    enabled  = false
    retention_policy {}
  }
  log {
    category = "AuditLogs"
    retention_policy {}
  }
}
"""


def test_password_policy_trail_and_log_exports(tmp_path: Path) -> None:
    found = facts(tmp_path, _ACCOUNT)
    policy = only(found, PasswordPolicy)
    assert (policy.min_length, policy.require_uppercase, policy.require_symbols) == (14, True, False)
    assert policy.require_lowercase is None and policy.reuse_prevention is None and policy.max_age_days == 0
    trail = only(found, AuditTrail)
    assert (trail.name, trail.multi_region, trail.log_validation, trail.logging) == ("main", True, True, True)
    new = only(found, LogExport, "azurerm_monitor_aad_diagnostic_setting.new")
    assert new.categories == ("SignInLogs", "AuditLogs")
    old = only(found, LogExport, "azurerm_monitor_aad_diagnostic_setting.old")
    assert old.categories == ("AuditLogs",)


def test_plan_json_shaped_blocks_are_read_too() -> None:
    """Plan JSON writes nested blocks as lists of objects in the attributes."""
    body = Body(
        attrs={
            "display_name": "From plan",
            "state": "enabled",
            "conditions": [
                {
                    "client_app_types": ["exchangeActiveSync", "other"],
                    "applications": [{"included_applications": ["All"]}],
                    "users": [{"included_users": ["All"], "excluded_users": []}],
                    "locations": [],
                }
            ],
            "grant_controls": [{"operator": "OR", "built_in_controls": ["block"]}],
        }
    )
    res = TfResource(
        "managed",
        "azuread_conditional_access_policy",
        "plan",
        "azuread_conditional_access_policy.plan",
        "",
        "plan.json",
        0,
        0,
        body,
    )
    policy = only(facts_from_resources(ResourceIndex([res])), ConditionalAccessPolicy)
    assert policy.client_app_types == ("exchangeActiveSync", "other")
    assert policy.built_in_controls == ("block",) and policy.include_users == ("All",)
    assert policy.has_locations is False
