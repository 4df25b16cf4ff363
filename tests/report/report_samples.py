"""Results and rules built by hand for the reporter tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from emailiac.baseline import Baseline
from emailiac.model import Inventory, Provenance
from emailiac.report import ReportOptions, rules_by_id
from emailiac.result import Evaluation, Finding, InputError, Result, Severity, Status, Suppression
from emailiac.rules.base import Rule, Verdict

BASE = PurePosixPath("/work/repo")
HOME = PurePosixPath("/home/alice")
MAIN_TF = str(BASE / "main.tf")
DNS_TF = str(BASE / "dns" / "mail zone.tf")  # a space, to see URIs encoded
SHARED_TF = str(HOME / "shared" / "net.tf")  # outside the base directory, under the home directory


def _no_check(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    return ()


def make_rule(
    rule_id: str,
    severity: Severity,
    family: str,
    *,
    controls: tuple[str, ...] = (),
    fix_title: str = "",
    fix: str = "none",
) -> Rule:
    return Rule(
        id=rule_id,
        slug=f"{family}-{rule_id.lower()}",
        title=f"{rule_id} title",
        severity=severity,
        family=family,
        sources=("terraform",),
        summary=f"Checks what {rule_id} checks.",
        rationale=f"Why {rule_id} matters.",
        bad_example="",
        good_example="",
        check=_no_check,
        controls=controls,
        fix=fix,
        fix_title=fix_title,
    )


RULES = (
    make_rule("SPF002", Severity.HIGH, "spf", controls=("MS.EXO.2.2v3",), fix_title="End the record in -all"),
    make_rule("DMARC003", Severity.MEDIUM, "dmarc"),
    make_rule("TLS001", Severity.HIGH, "tls", controls=("HIPAA 164.312(e)(1)",), fix_title="Require TLS"),
    make_rule("NET001", Severity.CRITICAL, "network", controls=("CIS AWS 5.2", "CIS AWS 5.2"), fix="safe"),
    make_rule("NET002", Severity.HIGH, "network"),
    make_rule("NET004", Severity.LOW, "network"),
    make_rule("IDS001", Severity.MEDIUM, "network"),
)


def options(**overrides: object) -> ReportOptions:
    values: dict[str, object] = {
        "tool_version": "1.2.3",
        "base_dir": BASE,
        "home_dir": HOME,
        "rules": rules_by_id(RULES),
    }
    values.update(overrides)
    return ReportOptions(**values)  # type: ignore[arg-type]


def tf(address: str, file: str | None, line: int | None = None, end_line: int | None = None) -> Provenance:
    return Provenance("terraform", address, file, line, end_line)


def evaluation(
    rule_id: str,
    status: Status,
    subject: Provenance,
    message: str,
    severity: Severity | None = None,
    *,
    evidence: str = "",
    fix_hint: str = "",
    out_of_scope: bool = False,
) -> Evaluation:
    rule = next((r for r in RULES if r.id == rule_id), None)
    return Evaluation(
        rule_id=rule_id,
        status=status,
        subject=subject,
        message=message,
        severity=severity or (rule.severity if rule else Severity.MEDIUM),
        evidence=evidence or message,
        fix_hint=fix_hint,
        out_of_scope=out_of_scope,
    )


def finding(ev: Evaluation, suppressed_by: Suppression | None = None) -> Finding:
    rule = next((r for r in RULES if r.id == ev.rule_id), None)
    title = rule.title if rule else f"{ev.rule_id} title"
    return Finding(ev, title, rule.controls if rule else (), suppressed_by)


ADMIN = tf("aws_security_group.admin", MAIN_TF, 12, 20)
LIVE_SES = Provenance(
    "aws", "aws://us-east-1/ses/configuration-set/mail", None, None, None, import_id="mail", region="us-east-1"
)
SUPPRESSION = Suppression(
    file=MAIN_TF, line=29, first_line=29, last_line=36, rule_ids=("NET004",), reason="reviewed: bastion only"
)

NET001_FAIL = evaluation(
    "NET001",
    Status.FAIL,
    ADMIN,
    "security group 'admin' opens 22/tcp to 0.0.0.0/0",
    fix_hint="Narrow the rule to the admin CIDRs",
)
SPF002_FAIL = evaluation(
    "SPF002",
    Status.FAIL,
    tf("aws_route53_record.spf", DNS_TF, 3, 8),
    'SPF record for example.com ends in "+all": any host may send as the domain',
    Severity.CRITICAL,
    fix_hint='End the record in "-all"',
)
# A message with everything the formats must escape.
DMARC003_FAIL = evaluation(
    "DMARC003",
    Status.FAIL,
    tf("aws_route53_record.dmarc", DNS_TF, 10),
    "pct=50 | `p=reject` applies to 50% of mail,\nnot all: <b>raise it</b>",
)
NET004_FAIL = evaluation("NET004", Status.FAIL, tf("aws_security_group.bastion", MAIN_TF, 30, 36), "no description")
TLS001_LIVE = evaluation(
    "TLS001",
    Status.FAIL,
    LIVE_SES,
    "configuration set 'mail' sends with TLS optional",
    fix_hint='Set tls_policy = "REQUIRE"',
)
SHARED_FAIL = evaluation(
    "NET002", Status.FAIL, tf("aws_security_group.shared", SHARED_TF, 4), "security group 'shared' opens 110/tcp"
)

NET002_PASS = evaluation("NET002", Status.PASS, ADMIN, "security group 'admin' opens no plaintext mail port")
TLS001_PASS = evaluation(
    "TLS001",
    Status.PASS,
    Provenance("aws", "aws://eu-west-1/ses/configuration-set/bulk", region="eu-west-1"),
    "configuration set 'bulk' requires TLS",
)
DYN_NOT_ASSESSED = evaluation(
    "NET001",
    Status.NOT_ASSESSED,
    tf("aws_security_group.dyn", MAIN_TF, 40),
    "var.admin_cidr has no value",
)
IDS001_OUT_OF_SCOPE = evaluation(
    "IDS001",
    Status.NOT_ASSESSED,
    tf("aws_account", None),
    "the Terraform tree does not speak for the whole AWS account",
    out_of_scope=True,
)

SYNTAX_ERROR = InputError("syntax error: unexpected '}'", str(BASE / "broken.tf"), 7, 3)
READ_ERROR = InputError("cannot read variables file: No such file or directory")


def full_result() -> Result:
    """Everything at once, in the engine's order (by file, line, rule)."""
    return Result(
        baseline="default",
        findings=[
            finding(TLS001_LIVE),
            finding(SHARED_FAIL),
            finding(SPF002_FAIL),
            finding(DMARC003_FAIL),
            finding(NET001_FAIL),
            finding(NET004_FAIL, SUPPRESSION),
        ],
        passes=[TLS001_PASS, NET002_PASS],
        not_assessed=[IDS001_OUT_OF_SCOPE, DYN_NOT_ASSESSED],
        errors=[READ_ERROR, SYNTAX_ERROR],
        warnings=["main.tf:29: emailiac:ignore names unknown rule XYZ001"],
        rules_run=tuple(r.id for r in RULES),
        sources=("aws", "terraform"),
    )


def clean_result() -> Result:
    return Result(
        baseline="default",
        passes=[NET002_PASS, TLS001_PASS],
        not_assessed=[IDS001_OUT_OF_SCOPE],
        rules_run=("NET002", "TLS001", "IDS001"),
        sources=("terraform",),
    )


def empty_result() -> Result:
    return Result(baseline="default")
