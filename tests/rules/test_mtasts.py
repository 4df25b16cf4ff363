"""MTA-STS (MTASTS001) and TLS reporting (TLSRPT001) judged on facts built directly."""

from __future__ import annotations

from emailiac.baseline import Baseline
from emailiac.model import Inventory, MailDomain, MtaStsPolicy, Provenance, Unknown
from emailiac.result import Status
from emailiac.rules.maildomains import DnsView, mail_domains
from tests.rules.dns_facts import one, record, run, statuses, txt, unknown, with_section, zone

MX = record("r.mx", "example.com", "MX", "10 mx1.example.com", "20 mx2.example.com")
STS = txt("r.sts", "_mta-sts.example.com", "v=STSv1; id=1")


def policy(text: str | Unknown, domain: str | Unknown = "example.com") -> MtaStsPolicy:
    return MtaStsPolicy(Provenance("terraform", "aws_s3_object.policy", "web.tf", 3), domain, text)


GOOD = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800\n"


# ---------------------------------------------------------------- receiving domains


def test_which_domains_receive_mail() -> None:
    facts = [
        zone(),
        record("r.null", "null.example.com", "MX", "0 ."),
        record("r.bounce", "mail.example.com", "MX", "10 feedback-smtp.eu-west-1.amazonses.com"),
        record("r.real", "example.com", "MX", "10 mx.example.com"),
        MailDomain(Provenance("m365", "m365://t/domains/example.net"), "example.net", "m365"),
    ]
    inventory = Inventory(facts=list(facts), sources={"terraform"})
    receiving = {d.name for d in mail_domains(inventory, Baseline(), DnsView(inventory)) if d.receives}
    assert receiving == {"example.com", "example.net"}


# ---------------------------------------------------------------- MTASTS001


def test_missing_record_suggests_record_and_policy() -> None:
    verdict = one(run("MTASTS001", [zone(), MX]))
    assert verdict.status is Status.FAIL
    assert verdict.data["name"] == "_mta-sts.example.com"
    assert verdict.data["value"] == "v=STSv1; id=1"
    assert "mx: mx1.example.com\nmx: mx2.example.com\n" in verdict.data["policy"]


def test_several_records_fail() -> None:
    facts = [zone(), MX, txt("r.sts", "_mta-sts.example.com", "v=STSv1; id=1", "v=STSv1; id=2")]
    verdict = one(run("MTASTS001", facts))
    assert verdict.status is Status.FAIL and "2 MTA-STS records" in verdict.message


def test_a_policy_covering_every_mx_passes_and_the_baseline_mode_is_honoured() -> None:
    assert statuses(run("MTASTS001", [zone(), MX, STS, policy(GOOD)])) == [
        ("r.sts", Status.PASS),
        ("aws_s3_object.policy", Status.PASS),
    ]
    testing = GOOD.replace("enforce", "testing")
    verdicts = run("MTASTS001", [zone(), MX, STS, policy(testing)])
    assert verdicts[1].status is Status.FAIL and "mode is testing" in verdicts[1].message
    relaxed = with_section("mta_sts", mode="testing")
    assert run("MTASTS001", [zone(), MX, STS, policy(testing)], relaxed)[1].status is Status.PASS


def test_an_uncovered_mx_fails_and_the_fix_lists_every_host() -> None:
    text = GOOD.replace("mx: mx2.example.com\n", "")
    verdict = run("MTASTS001", [zone(), MX, STS, policy(text)])[1]
    assert verdict.status is Status.FAIL and "mx2.example.com" in verdict.message
    assert "mx: mx2.example.com" in verdict.data["replacement"]


def test_unresolved_policies_are_not_assessed() -> None:
    verdicts = run("MTASTS001", [zone(), MX, STS, policy(Unknown("content is read from a file"))])
    assert verdicts[1].status is Status.NOT_ASSESSED
    verdicts = run("MTASTS001", [zone(), MX, STS, policy(GOOD, Unknown("bucket 'site' does not name the domain"))])
    assert verdicts[1].status is Status.NOT_ASSESSED and "does not name the domain" in verdicts[1].message
    mx = record("r.mx", "example.com", "MX", "10 mx1.example.com", unknown("var.backup_mx has no value"))
    verdicts = run("MTASTS001", [zone(), mx, STS, policy(GOOD)])
    assert verdicts[1].status is Status.NOT_ASSESSED and "var.backup_mx" in verdicts[1].message


def test_a_partly_known_record_is_present_but_not_assessed() -> None:
    facts = [zone(), MX, txt("r.sts", "_mta-sts.example.com", unknown(pattern="v=STSv1; id=*"))]
    assert one(run("MTASTS001", facts)).status is Status.NOT_ASSESSED


# ---------------------------------------------------------------- TLSRPT001


def test_tlsrpt_records() -> None:
    https = txt("r.rpt", "_smtp._tls.example.com", "v=TLSRPTv1; rua=https://reports.example.com/tls")
    assert one(run("TLSRPT001", [zone(), MX, https])).status is Status.PASS
    two = txt(
        "r.rpt", "_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@x.example"
    )
    assert one(run("TLSRPT001", [zone(), MX, two])).status is Status.FAIL
    missing = one(run("TLSRPT001", [zone(), MX]))
    assert missing.status is Status.FAIL
    assert missing.data["value"] == "v=TLSRPTv1; rua=mailto:tls-reports@example.com"
    assert one(run("TLSRPT001", [MX])).out_of_scope


def test_tlsrpt_sending_only_domains_are_not_judged() -> None:
    assert run("TLSRPT001", [zone(), txt("r.spf", "example.com", "v=spf1 -all")]) == []
