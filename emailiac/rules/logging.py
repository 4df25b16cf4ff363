"""Rules of the logging family: CloudTrail (LOG001), SES event destinations (LOG002), Entra ID (LOG003)."""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.model import AuditTrail, Inventory, LogExport, SesConfigSet, SesEventDestination, Unknown
from emailiac.result import Severity
from emailiac.rules.account_scope import is_authoritative, not_authoritative, scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.gaps import gap_verdicts

__all__ = ["RULES"]


def _label(name: str | Unknown, address: str) -> str:
    return f"'{name}'" if isinstance(name, str) else address


# ---------------------------------------------------------------- LOG001


def _trail_shortfalls(trail: AuditTrail) -> tuple[list[str], Unknown | None]:
    shortfalls: list[str] = []
    unknown: Unknown | None = None
    for value, missing in (
        (trail.logging, "is not logging"),
        (trail.multi_region, "is single-region"),
        (trail.log_validation, "has no log-file validation"),
    ):
        if isinstance(value, Unknown):
            unknown = unknown or value
        elif not value:
            shortfalls.append(missing)
    return shortfalls, unknown


def _check_cloudtrail(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    subject = scope_subject(inventory, "aws_account", "aws", "aws://global/cloudtrail")
    trails = sorted(inventory.of(AuditTrail), key=lambda t: t.prov.address)
    judged = [(t, *_trail_shortfalls(t)) for t in trails]
    for trail, shortfalls, unknown in judged:
        if not shortfalls and unknown is None:
            label = _label(trail.name, trail.prov.address)
            yield passed(trail.prov, f"trail {label} logs all regions with log-file validation", evidence="cloudtrail")
            return
    gap = inventory.gap(AuditTrail)
    if gap is not None:
        yield not_assessed(subject, gap.reason)
        return
    for trail, shortfalls, unknown in judged:
        if not shortfalls and unknown is not None:
            yield not_assessed(trail.prov, unknown.reason)
            return
    summary = "no logging multi-region CloudTrail trail with log-file validation"
    if trails:
        summary += ": " + "; ".join(
            f"trail {_label(t.name, t.prov.address)} {' and '.join(s)}" for t, s, _ in judged if s
        )
    if not is_authoritative(inventory, baseline, "aws_account"):
        yield not_authoritative(subject, "aws_account", summary)
        return
    yield fail(
        subject,
        summary,
        evidence="cloudtrail absent",
        fix_hint="Declare an aws_cloudtrail with is_multi_region_trail and enable_log_file_validation true",
        resource="aws_cloudtrail",
        trails=[t.prov.address for t in trails],
    )


_TRAIL_GOOD = """\
resource "aws_cloudtrail" "main" {
  name                          = "account-trail"
  s3_bucket_name                = aws_s3_bucket.trail.id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
}
"""

LOG001 = Rule(
    id="LOG001",
    slug="cloudtrail-multi-region",
    title="No multi-region CloudTrail with log-file validation",
    severity=Severity.MEDIUM,
    family="logging",
    sources=("terraform", "aws"),
    summary=(
        "Looks for a CloudTrail trail that is logging (`enable_logging`, true by default), covers every "
        "region (`is_multi_region_trail`) and validates its log files (`enable_log_file_validation`). "
        "Absence-style: in Terraform it fails only where the configuration is authoritative for "
        "`aws_account`."
    ),
    rationale=(
        "SES sending authorisation, identity policies and IAM keys change through API calls; without a "
        "trail in every region, tamper-evident, there is no record of who allowed whom to send as the domain."
    ),
    bad_example=_TRAIL_GOOD.replace(" = true\n  include", " = false\n  include"),
    good_example=_TRAIL_GOOD,
    check=_check_cloudtrail,
    controls=("CIS AWS 3.1", "CIS AWS 3.2", "HIPAA 164.312(b)"),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html",
    ),
    fix="safe",
    fix_title="Declare a multi-region CloudTrail with log-file validation",
    presence=True,
)


# ---------------------------------------------------------------- LOG002


def _same_set(destination: SesEventDestination, config_set: SesConfigSet) -> bool | Unknown:
    """Whether a destination belongs to a configuration set: by name, or by a reference to its resource
    (`aws_sesv2_configuration_set.mail.configuration_set_name` before the name is known)."""
    target = destination.config_set
    if isinstance(target, str):
        return isinstance(config_set.name, str) and target == config_set.name
    if len(target.refs) == 1 and target.refs[0].count(".") >= 2:
        pointed = target.refs[0].rsplit(".", 1)[0]
        address = config_set.prov.address
        return pointed == address or address.startswith(pointed + "[")
    return target


class _DestinationIndex:
    """Event destinations by the configuration-set name or resource they point at, so each set looks only
    at its own candidates (plus those whose target is unknown) instead of at every destination."""

    def __init__(self, destinations: list[SesEventDestination]) -> None:
        self.by_key: dict[str, list[SesEventDestination]] = {}
        self.open: list[SesEventDestination] = []
        for d in destinations:
            target = d.config_set
            if isinstance(target, str):
                self.by_key.setdefault(f"name:{target}", []).append(d)
            elif len(target.refs) == 1 and target.refs[0].count(".") >= 2:
                self.by_key.setdefault(f"ref:{target.refs[0].rsplit('.', 1)[0]}", []).append(d)
            else:
                self.open.append(d)

    def for_set(self, config_set: SesConfigSet) -> list[SesEventDestination]:
        address = config_set.prov.address
        keys = [f"ref:{address}", f"ref:{address.split('[', 1)[0]}"]
        if isinstance(config_set.name, str):
            keys.append(f"name:{config_set.name}")
        found = [d for key in dict.fromkeys(keys) for d in self.by_key.get(key, [])]
        return found + self.open


def _check_event_destinations(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, SesConfigSet, "aws", "ses/configuration-sets")
    gap = inventory.gap(SesEventDestination)
    candidates = _DestinationIndex(list(inventory.of(SesEventDestination)))
    for config_set in sorted(inventory.of(SesConfigSet), key=lambda c: c.prov.address):
        label = f"configuration set {_label(config_set.name, config_set.prov.address)}"
        unknown: Unknown | None = None
        found: SesEventDestination | None = None
        for destination in candidates.for_set(config_set):
            same = _same_set(destination, config_set)
            enabled = destination.enabled
            if same is True and enabled is True:
                found = destination
                break
            if same is not False and enabled is not False and unknown is None:
                unknown = same if isinstance(same, Unknown) else enabled if isinstance(enabled, Unknown) else None
        if found is not None:
            yield passed(
                config_set.prov,
                f"{label} publishes events to {found.destination}",
                evidence="event-destination",
            )
        elif gap is not None:
            yield not_assessed(config_set.prov, gap.reason)
        elif unknown is not None:
            yield not_assessed(config_set.prov, unknown.reason)
        else:
            yield fail(
                config_set.prov,
                f"{label} has no enabled event destination: deliveries, bounces and complaints go unrecorded",
                evidence="no event destination",
                fix_hint="Add an aws_sesv2_configuration_set_event_destination for the configuration set",
                config_set=config_set.name if isinstance(config_set.name, str) else None,
            )


_EVENTS_GOOD = """\
resource "aws_sesv2_configuration_set" "mail" {
  configuration_set_name = "mail"
}

resource "aws_sesv2_configuration_set_event_destination" "mail" {
  configuration_set_name = aws_sesv2_configuration_set.mail.configuration_set_name
  event_destination_name = "siem"

  event_destination {
    enabled              = true
    matching_event_types = ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT"]

    sns_destination {
      topic_arn = aws_sns_topic.mail_events.arn
    }
  }
}
"""

LOG002 = Rule(
    id="LOG002",
    slug="ses-event-destination",
    title="SES configuration set has no event destination",
    severity=Severity.LOW,
    family="logging",
    sources=("terraform", "aws"),
    summary=(
        "Fails each SES configuration set that no enabled event destination (CloudWatch, Firehose, SNS, "
        "EventBridge, Pinpoint) belongs to, matched by configuration set name or by reference."
    ),
    rationale=(
        "Without delivery, bounce and complaint events there is no record of what was sent in the domain's "
        "name, and the SIEM cannot see a compromised sender or a reputation problem building up."
    ),
    bad_example=_EVENTS_GOOD.split("\n\n")[0] + "\n",
    good_example=_EVENTS_GOOD,
    check=_check_event_destinations,
    controls=("HIPAA 164.312(b)",),
    references=("https://docs.aws.amazon.com/ses/latest/dg/monitor-using-event-publishing.html",),
    fix="safe",
    fix_title="Add an event destination to the configuration set",
    presence=True,
)


# ---------------------------------------------------------------- LOG003


def _missing_categories(export: LogExport, wanted: tuple[str, ...]) -> list[str] | Unknown:
    categories = export.categories
    if isinstance(categories, Unknown):
        return categories
    have = {c.lower() for c in categories}
    return [c for c in wanted if c.lower() not in have]


def _check_entra_logs(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    wanted = baseline.logging.entra_categories
    if not wanted:
        return
    subject = scope_subject(inventory, "m365_tenant", "m365", "m365://tenant/diagnosticSettings")
    exports = sorted(inventory.of(LogExport), key=lambda e: e.prov.address)
    judged = [(e, _missing_categories(e, wanted)) for e in exports]
    for export, missing in judged:
        if missing == []:
            label = _label(export.name, export.prov.address)
            yield passed(export.prov, f"diagnostic setting {label} exports {', '.join(wanted)}", evidence="entra-logs")
            return
    gap = inventory.gap(LogExport)
    if gap is not None:
        yield not_assessed(subject, gap.reason)
        return
    for export, missing in judged:
        if isinstance(missing, Unknown):
            yield not_assessed(export.prov, missing.reason)
            return
    summary = f"Entra ID {' and '.join(wanted)} are not exported by one diagnostic setting"
    details = [f"{_label(e.name, e.prov.address)} lacks {', '.join(m)}" for e, m in judged if isinstance(m, list) and m]
    if details:
        summary += ": " + "; ".join(details)
    if not is_authoritative(inventory, baseline, "m365_tenant"):
        yield not_authoritative(subject, "m365_tenant", summary)
        return
    yield fail(
        subject,
        summary,
        evidence="entra-logs absent",
        fix_hint="Declare an azurerm_monitor_aad_diagnostic_setting with an enabled_log block per category",
        resource="azurerm_monitor_aad_diagnostic_setting",
        categories=list(wanted),
    )


_AAD_GOOD = """\
resource "azurerm_monitor_aad_diagnostic_setting" "entra" {
  name                       = "entra-to-siem"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.siem.id

  enabled_log {
    category = "SignInLogs"
  }

  enabled_log {
    category = "AuditLogs"
  }
}
"""

LOG003 = Rule(
    id="LOG003",
    slug="entra-logs-exported",
    title="Entra ID sign-in and audit logs are not exported",
    severity=Severity.MEDIUM,
    family="logging",
    sources=("terraform",),
    summary=(
        "Looks for an `azurerm_monitor_aad_diagnostic_setting` that exports every category of the baseline "
        "(SignInLogs and AuditLogs by default), through `enabled_log` blocks or enabled `log` blocks. "
        "Absence-style: it fails only where the configuration is authoritative for `m365_tenant`."
    ),
    rationale=(
        "Entra ID keeps sign-in and audit logs for 30 days at most; mailbox compromises are often found "
        "later than that, and a SIEM cannot correlate mail abuse with the sign-ins it never received."
    ),
    bad_example=_AAD_GOOD.replace('  enabled_log {\n    category = "SignInLogs"\n  }\n\n', ""),
    good_example=_AAD_GOOD,
    check=_check_entra_logs,
    controls=("HIPAA 164.312(b)",),
    references=("https://learn.microsoft.com/entra/identity/monitoring-health/howto-configure-diagnostic-settings",),
    fix="safe",
    fix_title="Export Entra ID sign-in and audit logs",
    presence=True,
)


RULES: tuple[Rule, ...] = (LOG001, LOG002, LOG003)
