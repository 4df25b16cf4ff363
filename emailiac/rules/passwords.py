"""Rules of the passwords family: the AWS account password policy (PWD001), M365 password expiry (PWD002)."""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.model import DirectoryDomain, Inventory, PasswordPolicy, Unknown
from emailiac.result import Severity
from emailiac.rules.account_scope import is_authoritative, not_authoritative, scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.gaps import gap_verdicts

__all__ = ["RULES"]

NEVER_EXPIRES = 2147483647  # Graph's passwordValidityPeriodInDays for "passwords never expire"


# ---------------------------------------------------------------- PWD001


def _weak_settings(policy: PasswordPolicy, baseline: Baseline) -> tuple[list[str], list[Unknown]]:
    """The settings weaker than the baseline (0 counts as unset), and those that are not known."""
    want = baseline.passwords.aws
    weak: list[str] = []
    unknown: list[Unknown] = []

    def at_least(value: int | Unknown | None, minimum: int, what: str) -> None:
        if minimum <= 0:
            return
        if isinstance(value, Unknown):
            unknown.append(value)
        elif not value:
            weak.append(f"{what} is not set (baseline: {minimum})")
        elif value < minimum:
            weak.append(f"{what} is {value} (baseline: {minimum})")

    def required(value: bool | Unknown | None, wanted: bool, what: str) -> None:
        if not wanted:
            return
        if isinstance(value, Unknown):
            unknown.append(value)
        elif not value:
            weak.append(f"{what} is not required")

    at_least(policy.min_length, want.min_length, "minimum_password_length")
    required(policy.require_uppercase, want.require_uppercase, "require_uppercase_characters")
    required(policy.require_lowercase, want.require_lowercase, "require_lowercase_characters")
    required(policy.require_numbers, want.require_numbers, "require_numbers")
    required(policy.require_symbols, want.require_symbols, "require_symbols")
    at_least(policy.reuse_prevention, want.reuse_prevention, "password_reuse_prevention")
    if want.max_age_days > 0:
        age = policy.max_age_days
        if isinstance(age, Unknown):
            unknown.append(age)
        elif not age:
            weak.append(f"max_password_age is not set: passwords never expire (baseline: {want.max_age_days})")
        elif age > want.max_age_days:
            weak.append(f"max_password_age is {age} (baseline: at most {want.max_age_days})")
    return weak, unknown


def _check_password_policy(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, PasswordPolicy, "aws", "iam/account-password-policy")
    policies = sorted(inventory.of(PasswordPolicy), key=lambda p: p.prov.address)
    for policy in policies:
        weak, unknown = _weak_settings(policy, baseline)
        if weak:
            yield fail(
                policy.prov,
                f"account password policy is weaker than the baseline: {'; '.join(weak)}",
                evidence=";".join(w.split(" ", 1)[0] for w in weak),
                fix_hint="Raise the password policy settings to the baseline",
                settings=[w.split(" ", 1)[0] for w in weak],
            )
        elif unknown:
            yield not_assessed(policy.prov, unknown[0].reason)
        else:
            yield passed(policy.prov, "account password policy meets the baseline", evidence="password-policy")
    if policies or inventory.gap(PasswordPolicy):
        return
    subject = scope_subject(inventory, "aws_account", "aws", "aws://global/iam/account-password-policy")
    if not is_authoritative(inventory, baseline, "aws_account"):
        yield not_authoritative(subject, "aws_account", "no aws_iam_account_password_policy is declared")
        return
    yield fail(
        subject,
        "the AWS account has no password policy: IAM users may set any password that never expires",
        evidence="password-policy absent",
        fix_hint='Add resource "aws_iam_account_password_policy" with the baseline settings',
        resource="aws_iam_account_password_policy",
    )


_PWD_GOOD = """\
resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_uppercase_characters   = true
  require_lowercase_characters   = true
  require_numbers                = true
  require_symbols                = true
  password_reuse_prevention      = 24
  max_password_age               = 90
  allow_users_to_change_password = true
}
"""

PWD001 = Rule(
    id="PWD001",
    slug="aws-password-policy",
    title="AWS account password policy is absent or weaker than the baseline",
    severity=Severity.MEDIUM,
    family="passwords",
    sources=("terraform", "aws"),
    summary=(
        "Compares `aws_iam_account_password_policy` (or the live account password policy) with the baseline: "
        "minimum length 14, upper case, lower case, numbers and symbols required, 24 passwords remembered, "
        "expiry within 90 days. A value of 0 counts as unset. Each weak setting is named. With no policy at "
        "all it fails where the configuration is authoritative for `aws_account`."
    ),
    rationale=(
        "IAM users with console passwords can change SES sending authorisation, DNS and trails; short or "
        "reused passwords are what credential stuffing finds first."
    ),
    bad_example=_PWD_GOOD.replace("= 14", "= 8").replace("= 24", "= 0"),
    good_example=_PWD_GOOD,
    check=_check_password_policy,
    controls=("CIS AWS 1.8", "CIS AWS 1.9"),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",),
    fix="safe",
    fix_title="Set the account password policy to the baseline",
    presence=True,
)


# ---------------------------------------------------------------- PWD002


def _describe(days: int) -> str:
    return "never expire" if days >= NEVER_EXPIRES else f"expire after {days} days"


def _check_password_expiry(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, DirectoryDomain, "m365", "domains")
    wanted = baseline.passwords.m365_validity_days
    want = NEVER_EXPIRES if wanted is None else wanted
    for domain in sorted(inventory.of(DirectoryDomain), key=lambda d: d.name):
        auth = domain.authentication
        if isinstance(auth, Unknown):
            yield not_assessed(domain.prov, auth.reason)
            continue
        if auth.lower() != "managed":
            continue  # a federated domain's passwords are the identity provider's business
        days = domain.password_validity_days
        if isinstance(days, Unknown):
            yield not_assessed(domain.prov, days.reason)
        elif days is None:
            yield not_assessed(domain.prov, f"the password validity of {domain.name} was not reported")
        elif (days >= NEVER_EXPIRES) if want >= NEVER_EXPIRES else days == want:
            yield passed(domain.prov, f"passwords of {domain.name} {_describe(days)}, as the baseline wants")
        else:
            yield fail(
                domain.prov,
                f"passwords of {domain.name} {_describe(days)}; the baseline wants them to {_describe(want)}",
                evidence=f"{domain.name}:{days}",
                fix_hint=f"Set the domain's password validity to {_describe(want)}",
            )


PWD002 = Rule(
    id="PWD002",
    slug="m365-password-expiry",
    title="Microsoft 365 password expiry differs from the baseline",
    severity=Severity.LOW,
    family="passwords",
    sources=("m365",),
    summary=(
        "Reads the password validity period of each managed (not federated) domain of the tenant and "
        "compares it with the baseline: by default passwords never expire, as SCuBA and NIST SP 800-63B "
        "advise; a baseline may demand a rotation period instead."
    ),
    rationale=(
        "Forced periodic changes push users to predictable variants (Spring2024!, Summer2024!) without "
        "stopping a thief who already has the password; MFA and breach detection do that job."
    ),
    bad_example="# Live only: passwordValidityPeriodInDays = 90 on a managed domain.",
    good_example="# Live only: passwordValidityPeriodInDays = 2147483647 (never expire).",
    check=_check_password_expiry,
    controls=("MS.AAD.6.1v1",),
    references=("https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md",),
    fix="none",
)


RULES: tuple[Rule, ...] = (PWD001, PWD002)
