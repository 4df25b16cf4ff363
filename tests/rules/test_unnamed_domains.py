"""Mail domains whose name is not known: the absence rules owe them a verdict, never silence."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from emailiac.cli import app
from emailiac.model import Fact, Provenance, SesMailFrom
from emailiac.result import Status
from emailiac.rules.maildomains import patterns_may_meet
from tests.rules.dns_facts import one, record, run, ses_identity, txt, unknown, zone

ABSENCE_RULES = ("DMARC001", "SPF001", "MTASTS001", "TLSRPT001")
NAMELESS = unknown("var.domain has no value", "*", ("var.domain",))


def test_an_mx_of_unknown_name_in_a_declared_zone_is_not_assessed_by_every_absence_rule() -> None:
    facts = [zone(unknown("var.domain has no value")), record("r.mx", NAMELESS, "MX", "10 mx.example.net")]
    for rule in ABSENCE_RULES:
        verdict = one(run(rule, facts))
        assert (verdict.status, verdict.out_of_scope, verdict.subject.address) == (Status.NOT_ASSESSED, False, "r.mx")
        assert verdict.message.endswith(
            "of <domain> (MX records): the mail domain's name is not known (var.domain has no value)"
        ), rule


def test_a_zone_that_may_hold_the_name_makes_it_not_assessed_and_one_that_cannot_out_of_scope() -> None:
    name = unknown("var.host has no value", "mail.*.example.com")
    mx = record("r.mx", name, "MX", "10 mx.example.net", zone_key=None)
    holding = one(run("DMARC001", [zone("example.com"), mx]))
    assert holding.status is Status.NOT_ASSESSED and not holding.out_of_scope
    elsewhere = one(run("DMARC001", [zone("example.org"), mx]))
    assert elsewhere.status is Status.NOT_ASSESSED and elsewhere.out_of_scope
    assert elsewhere.message == (
        "DMARC record of mail.*.example.com (MX records): the mail domain's name is not known (var.host has no "
        "value), and no public zone declared in this configuration may hold it"
    )


def test_a_null_mx_of_unknown_name_owes_dmarc_and_spf_but_not_mta_sts() -> None:
    facts = [zone(unknown("var.domain has no value")), record("r.null", NAMELESS, "MX", "0 .")]
    assert one(run("DMARC001", facts)).status is Status.NOT_ASSESSED
    assert one(run("SPF001", facts)).status is Status.NOT_ASSESSED
    assert run("MTASTS001", facts) == [] and run("TLSRPT001", facts) == []


def test_an_spf_record_of_unknown_name_passes_spf001_for_its_own_domain() -> None:
    facts = [zone(unknown("var.domain has no value")), txt("r.spf", NAMELESS, "v=spf1 -all")]
    verdict = one(run("SPF001", facts))
    assert (verdict.status, verdict.message) == (Status.PASS, "<domain> publishes an SPF record")
    dmarc = one(run("DMARC001", facts))
    assert dmarc.status is Status.NOT_ASSESSED
    assert dmarc.message.startswith("DMARC record of <domain> (SPF record): the mail domain's name is not known")
    # Other TXT records of unknown name do not make a mail domain.
    assert run("DMARC001", [zone(unknown("var.domain has no value")), txt("r.site", NAMELESS, "site-check=1")]) == []


def test_ses_identities_and_mail_from_domains_of_unknown_name() -> None:
    mail_from = SesMailFrom(
        Provenance("terraform", "aws_ses_domain_mail_from.m", "ses.tf", 3),
        "example.com",
        unknown("var.mail_from has no value"),
        None,
    )
    facts: list[Fact] = [zone("example.com"), ses_identity(unknown("var.domain has no value")), mail_from]
    verdicts = run("SPF001", facts)
    assert [(v.subject.address, v.status, v.out_of_scope) for v in verdicts] == [
        ("aws_ses_domain_identity.main", Status.NOT_ASSESSED, False),
        ("aws_ses_domain_mail_from.m", Status.NOT_ASSESSED, False),
    ]
    # An address whose local part alone is unknown keeps its domain.
    address = ses_identity(unknown("var.user has no value", "*@example.com"), kind="email")
    verdict = one(run("SPF001", [zone("example.com"), address]))
    assert verdict.status is Status.FAIL and verdict.message.startswith("example.com is a mail domain (SES identity")


@pytest.mark.parametrize(
    ("first", "second", "meet"),
    [
        ("_dmarc.*", "_dmarc.*", True),
        ("_dmarc.*", "_dmarc.example.com", True),
        ("_dmarc.*", "_mta-sts.*", False),
        ("a*", "*b", True),
        ("*.example.org", "*.example.net", False),
        ("*example.org", "*.example.org", True),
        ("*x*", "y", False),
        ("MAIL.*", "mail.example.com", True),
        (None, "anything", True),
    ],
)
def test_two_partly_known_names_may_meet(first: str | None, second: str | None, meet: bool) -> None:
    assert patterns_may_meet(first, second) is meet
    assert patterns_may_meet(second, first) is meet


def test_the_run_is_partial_when_a_mail_domains_name_is_not_known(in_repo: object) -> None:
    runner = CliRunner()
    unnamed = ["lint", "fixtures/terraform/maildomains_unnamed", "--no-cache", "--jobs", "1"]
    for rule in ABSENCE_RULES:
        unnamed += ["--rule", rule]
    result = runner.invoke(app, unnamed, env={"NO_COLOR": "1"})
    assert result.exit_code == 2, result.stdout
    assert "DMARC001  DMARC record of <domain> (MX records): the mail domain's name is not known" in result.stdout
    outside = [*unnamed[:1], "fixtures/terraform/maildomains_unnamed_no_zone", *unnamed[2:]]
    assert runner.invoke(app, outside, env={"NO_COLOR": "1"}).exit_code == 0
