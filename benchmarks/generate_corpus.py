"""Generate a deterministic email-infrastructure Terraform corpus for benchmarks.

    python benchmarks/generate_corpus.py OUT_DIR --files 2000 --files-per-root 20 --seed 7

Each root module gets variables, locals, a call to a shared local module and files of realistic resources:
Route 53 mail records, SES identities and configuration sets, receipt rules, security groups, load-balancer
listeners, IAM policies and Entra ID conditional-access policies. Files are about 5 KB.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

MODULE = """
variable "domain" {
  type = string
}

variable "zone_id" {
  type = string
}

resource "aws_ses_domain_identity" "this" {
  domain = var.domain
}

resource "aws_ses_domain_dkim" "this" {
  domain = aws_ses_domain_identity.this.domain
}

resource "aws_route53_record" "dkim" {
  count   = 3
  zone_id = var.zone_id
  name    = "${aws_ses_domain_dkim.this.dkim_tokens[count.index]}._domainkey.${var.domain}"
  type    = "CNAME"
  ttl     = 600
  records = ["${aws_ses_domain_dkim.this.dkim_tokens[count.index]}.dkim.amazonses.com"]
}

output "identity" {
  value = aws_ses_domain_identity.this.domain
}
"""


def _root_files(rng: random.Random, root: int) -> dict[str, str]:
    domain = f"brand{root}.example"
    variables = f"""
variable "environment" {{
  type    = string
  default = "{rng.choice(["prod", "staging", "dev"])}"
}}

variable "admin_cidrs" {{
  type    = list(string)
  default = ["10.{root % 250}.0.0/16"]
}}

variable "require_tls" {{
  type    = bool
  default = {rng.choice(["true", "false"])}
}}

locals {{
  domain = "{domain}"
  tags   = {{ team = "messaging", env = var.environment, root = "{root}" }}
  mail_ports = {{ smtp = 25, submission = 587, imaps = 993 }}
}}

resource "aws_route53_zone" "main" {{
  name = local.domain
  tags = local.tags
}}

module "sender" {{
  source  = "../modules/ses_sender"
  domain  = local.domain
  zone_id = aws_route53_zone.main.zone_id
}}
"""
    return {"main.tf": variables}


def _resource_file(rng: random.Random, root: int, index: int) -> str:
    parts: list[str] = []
    size = 0
    n = 0
    while size < 4800:
        n += 1
        kind = rng.randrange(7)
        name = f"r{index}_{n}"
        if kind == 0:
            port = rng.choice([22, 25, 143, 443, 587, 993, 3389])
            cidr = rng.choice(['"0.0.0.0/0"', '"10.0.0.0/8"', "var.admin_cidrs[0]", '"192.168.10.0/24"'])
            block = f"""
resource "aws_security_group" "{name}" {{
  name        = "mail-{name}-${{var.environment}}"
  description = "Mail tier {name}"
  vpc_id      = "vpc-{root:08x}"

  ingress {{
    description = "port {port}"
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = [{cidr}]
  }}

  dynamic "ingress" {{
    for_each = local.mail_ports
    content {{
      description = ingress.key
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  tags = merge(local.tags, {{ Name = "{name}" }})
}}
"""
        elif kind == 1:
            qual = rng.choice(["-all", "~all", "?all"])
            block = f"""
resource "aws_route53_record" "{name}_spf" {{
  zone_id = aws_route53_zone.main.zone_id
  name    = "{name}.${{local.domain}}"
  type    = "TXT"
  ttl     = 3600
  records = ["v=spf1 include:amazonses.com ip4:198.51.100.{n % 250}/32 {qual}"]
}}

resource "aws_route53_record" "{name}_dmarc" {{
  zone_id = aws_route53_zone.main.zone_id
  name    = "_dmarc.{name}.${{local.domain}}"
  type    = "TXT"
  ttl     = 3600
  records = ["v=DMARC1; p={rng.choice(["none", "quarantine", "reject"])}; rua=mailto:dmarc@${{local.domain}}"]
}}
"""
        elif kind == 2:
            block = f"""
resource "aws_sesv2_configuration_set" "{name}" {{
  configuration_set_name = "{name}-${{var.environment}}"

  delivery_options {{
    tls_policy = var.require_tls ? "REQUIRE" : "OPTIONAL"
  }}

  reputation_options {{
    reputation_metrics_enabled = true
  }}
}}

resource "aws_sesv2_configuration_set_event_destination" "{name}" {{
  configuration_set_name = aws_sesv2_configuration_set.{name}.configuration_set_name
  event_destination_name = "siem"

  event_destination {{
    enabled              = true
    matching_event_types = ["SEND", "BOUNCE", "COMPLAINT", "DELIVERY"]
    cloud_watch_destination {{
      dimension_configuration {{
        default_dimension_value = "default"
        dimension_name          = "ses:configuration-set"
        dimension_value_source  = "MESSAGE_TAG"
      }}
    }}
  }}
}}
"""
        elif kind == 3:
            block = f"""
resource "aws_ses_receipt_rule" "{name}" {{
  name          = "{name}"
  rule_set_name = "inbound-{root}"
  recipients    = ["support@${{local.domain}}"]
  enabled       = true
  scan_enabled  = {rng.choice(["true", "false"])}
  tls_policy    = "{rng.choice(["Require", "Optional"])}"

  s3_action {{
    bucket_name = "inbound-{root}"
    position    = 1
  }}
}}
"""
        elif kind == 4:
            policy = rng.choice(["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-2-2021-06"])
            block = f"""
resource "aws_lb_listener" "{name}" {{
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/webmail-{root}/{n:016x}"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "{policy}"
  certificate_arn   = "arn:aws:acm:eu-west-1:111122223333:certificate/{root:08d}-0000-0000-0000-{n:012d}"

  default_action {{
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/webmail/{n:016x}"
  }}
}}
"""
        elif kind == 5:
            action = rng.choice(['"ses:SendRawEmail"', '"ses:*"', '["ses:SendEmail", "ses:SendRawEmail"]'])
            block = f"""
resource "aws_iam_policy" "{name}" {{
  name = "{name}-send"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = {action}
      Resource = "*"
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "{name}" {{
  role       = "mailer-{root}"
  policy_arn = aws_iam_policy.{name}.arn
}}
"""
        else:
            state = rng.choice(["enabled", "enabledForReportingButNotEnforced"])
            block = f"""
resource "azuread_conditional_access_policy" "{name}" {{
  display_name = "Require MFA {name}"
  state        = "{state}"

  conditions {{
    client_app_types = ["all"]

    applications {{
      included_applications = ["All"]
    }}

    users {{
      included_users = ["All"]
      excluded_users = ["00000000-0000-0000-0000-{root:012d}"]
    }}
  }}

  grant_controls {{
    operator          = "OR"
    built_in_controls = ["mfa"]
  }}
}}
"""
        parts.append(block)
        size += len(block)
    return "".join(parts)


def generate(out: Path, files: int, per_root: int, seed: int) -> int:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "modules" / "ses_sender").mkdir(parents=True)
    (out / "modules" / "ses_sender" / "main.tf").write_text(MODULE)
    written = 1
    root = 0
    while written < files:
        directory = out / f"root{root:03d}"
        directory.mkdir()
        for name, text in _root_files(rng, root).items():
            (directory / name).write_text(text)
            written += 1
        for index in range(per_root - 1):
            if written >= files:
                break
            (directory / f"resources_{index:02d}.tf").write_text(_resource_file(rng, root, index))
            written += 1
        root += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--files-per-root", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    count = generate(args.out, args.files, args.files_per_root, args.seed)
    print(f"wrote {count} files to {args.out}")


if __name__ == "__main__":
    main()
