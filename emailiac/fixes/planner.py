"""From findings to fixes: one planner per rule (some choose by what the finding found), in catalogue order.

A planner returns None when it cannot write a fix for that finding (a value in plan JSON, a dynamic block);
the finding then simply has no fix. Findings about live objects go to `live`, which writes new blocks with
`import {}` blocks instead of edits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from emailiac.fixes import advice, dns_new, dns_reports, dns_text, identity, live, network, resources, settings
from emailiac.fixes.context import FixContext
from emailiac.fixes.model import Fix
from emailiac.result import Finding

__all__ = ["PLANNERS", "plan", "plan_one"]

Planner = Callable[[FixContext, Finding], Fix | None]


def _by_data(key: str, present: Planner, absent: Planner) -> Planner:
    def choose(ctx: FixContext, finding: Finding) -> Fix | None:
        data = finding.evaluation.data
        return present(ctx, finding) if data.get(key) else absent(ctx, finding)

    return choose


def _first(*planners: Planner) -> Planner:
    def choose(ctx: FixContext, finding: Finding) -> Fix | None:
        for planner in planners:
            fix = planner(ctx, finding)
            if fix is not None:
                return fix
        return None

    return choose


PLANNERS: dict[str, Planner] = {
    "SPF001": dns_new.plan_record,
    "SPF002": dns_text.plan_rewrite,
    "SPF003": dns_text.plan_merge,
    "SPF004": advice.spf_lookups,
    "SPF006": dns_text.plan_split,
    "DMARC001": dns_new.plan_record,
    "DMARC002": dns_text.plan_rewrite,
    "DMARC003": dns_text.plan_rewrite,
    "DMARC004": _first(dns_text.plan_rewrite, dns_reports.dmarc_authorisations),
    "DKIM001": _by_data("resource", resources.domain_dkim, advice.dkim_signing),
    "DKIM002": _by_data("attribute", settings.PLANNERS["DKIM002"], advice.dkim_key),
    "DKIM003": dns_new.plan_dkim_cnames,
    "MTASTS001": _by_data("zone", dns_new.plan_record, dns_reports.mta_sts),
    "TLSRPT001": _by_data("zone", dns_new.plan_record, dns_reports.tls_rpt),
    "SES001": _by_data("attribute", settings.PLANNERS["SES001"], resources.mail_from),
    "SES002": advice.named_principals,
    "SES003": settings.PLANNERS["SES003"],
    "TLS001": settings.PLANNERS["TLS001"],
    "TLS002": settings.PLANNERS["TLS002"],
    "TLS003": settings.PLANNERS["TLS003"],
    "NET001": network.narrow_admin,
    "NET002": network.tls_ports,
    "NET003": network.close_world,
    "NET004": settings.PLANNERS["NET004"],
    "NET005": network.narrow_private,
    "IDS001": _by_data("attribute", settings.PLANNERS["IDS001"], resources.guardduty),
    "MFA001": identity.mfa_all_users,
    "MFA002": identity.phishing_resistant_admins,
    "MFA003": identity.block_legacy_auth,
    "MFA004": settings.PLANNERS["MFA004"],
    "RBAC002": identity.eligible_assignment,
    "RBAC004": advice.scoped_iam_policy,
    "PWD001": _by_data("settings", settings.weak_password_policy, resources.password_policy),
    "LOG001": _first(settings.strengthen_trail, resources.cloudtrail),
    "LOG002": resources.event_destination,
    "LOG003": resources.entra_diagnostics,
}


def plan_one(ctx: FixContext, finding: Finding) -> Fix | None:
    subject = finding.evaluation.subject
    if subject.source != "terraform":
        return live.plan(ctx, finding)
    planner = PLANNERS.get(finding.rule_id)
    if planner is None:
        return None
    fix = planner(ctx, finding)
    return None if fix is None or (fix.is_empty and not fix.notes) else fix


def plan(ctx: FixContext, findings: Iterable[Finding]) -> list[Fix]:
    """A fix for every active finding that has one, in the findings' order."""
    out: list[Fix] = []
    for finding in findings:
        if finding.suppressed_by is not None:
            continue
        fix = plan_one(ctx, finding)
        if fix is not None:
            out.append(fix)
    return out
