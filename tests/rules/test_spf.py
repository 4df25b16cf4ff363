"""SPF rules (SPF001-SPF006) judged on facts built directly."""

from __future__ import annotations

from emailiac.baseline import Baseline
from emailiac.mailauth import parse_spf
from emailiac.model import DnsLookups, Gap, MailDomain, Provenance, SesMailFrom
from emailiac.result import Severity, Status
from emailiac.rules.spf_values import known_prefix, merge_records
from tests.rules.dns_facts import (
    one,
    record,
    run,
    ses_identity,
    statuses,
    txt,
    unknown,
    with_section,
    zone,
)

# ---------------------------------------------------------------- SPF001


def test_absent_spf_fails_on_the_declared_zone_with_a_record_for_its_senders() -> None:
    facts = [
        zone(),
        ses_identity("example.com"),
        record("aws_route53_record.mx", "example.com", "MX", "10 example-com.mail.protection.outlook.com"),
    ]
    verdict = one(run("SPF001", facts))
    assert verdict.status is Status.FAIL
    assert verdict.subject.address == "aws_route53_zone.main"
    assert "SES identity aws_ses_domain_identity.main" in verdict.message
    assert verdict.data["value"] == "v=spf1 include:amazonses.com include:spf.protection.outlook.com -all"
    assert verdict.data["zone"] == "aws_route53_zone.main"
    assert verdict.data["name"] == "example.com"


def test_suggested_record_follows_the_baseline_qualifier_and_mail_from() -> None:
    mail_from = SesMailFrom(
        Provenance("terraform", "aws_ses_domain_mail_from.m"), "example.com", "mail.example.com", None
    )
    verdicts = run("SPF001", [zone(), mail_from], with_section("spf", all_qualifier="~"))
    verdict = next(v for v in verdicts if "mail.example.com" in v.message)
    assert verdict.status is Status.FAIL
    assert verdict.data["value"] == "v=spf1 include:amazonses.com ~all"


def test_a_domain_listed_in_the_baseline_without_its_zone_is_out_of_scope() -> None:
    base = Baseline(mail_domains=("Example.ORG",))
    verdict = one(run("SPF001", [], base))
    assert verdict.status is Status.NOT_ASSESSED and verdict.out_of_scope
    assert verdict.subject.address == "dns://example.org/TXT"
    assert "the zone of example.org is not declared in this configuration" in verdict.message


def test_a_private_zone_does_not_speak_for_the_public_domain() -> None:
    base = Baseline(mail_domains=("example.com",))
    verdict = one(run("SPF001", [zone(private=True)], base))
    assert verdict.out_of_scope
    assert "private" in verdict.message


def test_records_in_private_zones_make_no_mail_domain() -> None:
    facts = [zone(private=True), record("aws_route53_record.mx", "example.com", "MX", "10 mx.example.com")]
    assert run("SPF001", facts) == []


def test_a_zone_of_unresolved_name_makes_absence_not_assessed() -> None:
    base = Baseline(mail_domains=("example.com",))
    verdict = one(run("SPF001", [zone(unknown("var.domain has no value"))], base))
    assert verdict.status is Status.NOT_ASSESSED and not verdict.out_of_scope
    assert "var.domain has no value" in verdict.message


def test_a_record_of_unresolved_name_that_may_be_the_spf_record() -> None:
    facts = [
        zone(),
        record("aws_route53_record.mx", "example.com", "MX", "10 mx.example.com"),
        txt("aws_route53_record.dyn", unknown("var.name has no value", "*.com"), "v=spf1 -all"),
    ]
    named, unnamed = run("SPF001", facts)
    assert (named.status, named.subject.address) == (Status.NOT_ASSESSED, "aws_route53_record.dyn")
    assert named.message == (
        "SPF record of example.com: aws_route53_record.dyn may be published at example.com: its name is not known "
        "(var.name has no value)"
    )
    # The record's own domain, whatever its name, publishes an SPF record: it is there.
    assert (unnamed.status, unnamed.subject.address) == (Status.PASS, "aws_route53_record.dyn")
    assert unnamed.message == "*.com publishes an SPF record"


def test_a_value_whose_known_start_is_spf_counts_as_published() -> None:
    facts = [zone(), txt("aws_route53_record.spf", "example.com", unknown(pattern="v=spf1 include:* -all"))]
    assert statuses(run("SPF001", facts)) == [("aws_route53_record.spf", Status.PASS)]


def test_live_dns_speaks_for_the_names_it_looked_up_and_gaps_are_not_assessed() -> None:
    base = Baseline(mail_domains=("example.com",))
    looked_up = DnsLookups(Provenance("dns", "dns://"), ("example.com",))
    verdict = one(run("SPF001", [looked_up], base, sources=("dns",)))
    assert verdict.status is Status.FAIL
    assert verdict.subject == Provenance("dns", "dns://example.com/TXT")
    gap = Gap("DnsRecord", "example.com", "SERVFAIL from every name server")
    verdict = one(run("SPF001", [looked_up], base, sources=("dns",), gaps=(gap,)))
    assert verdict.status is Status.NOT_ASSESSED and "SERVFAIL" in verdict.message
    # A name the DNS scan did not look up (a domain another source found) is not judged absent.
    verdict = one(run("SPF001", [DnsLookups(Provenance("dns", "dns://"), ("other.example",))], base, sources=("dns",)))
    assert verdict.out_of_scope and "example.com was not looked up: scan example.com with --dns" in verdict.message


def test_microsoft_365_domains_are_mail_domains() -> None:
    domain = MailDomain(Provenance("m365", "m365://tenant/domains/example.com"), "example.com", "m365")
    verdict = one(run("SPF001", [zone(), domain]))
    assert verdict.status is Status.FAIL
    assert verdict.data["value"] == "v=spf1 include:spf.protection.outlook.com -all"


# ---------------------------------------------------------------- SPF002


def test_plus_all_is_critical_and_rewritten_in_place() -> None:
    verdict = one(run("SPF002", [zone(), txt("r.spf", "example.com", "v=spf1 mx +all")]))
    assert verdict.status is Status.FAIL
    assert verdict.severity is Severity.CRITICAL
    assert verdict.data["replacement"] == "v=spf1 mx -all"
    assert "+all (pass) at position 10" in verdict.message


def test_softfail_passes_a_baseline_that_accepts_it() -> None:
    facts = [zone(), txt("r.spf", "example.com", "v=spf1 mx ~all")]
    assert one(run("SPF002", facts, with_section("spf", all_qualifier="~"))).status is Status.PASS
    verdict = one(run("SPF002", facts))
    assert verdict.status is Status.FAIL and verdict.severity is None
    assert verdict.message == "SPF record of example.com has ~all (softfail) at position 10; the baseline requires -all"


def test_no_all_gets_one_appended() -> None:
    verdict = one(run("SPF002", [zone(), txt("r.spf", "example.com", "v=spf1 ip4:192.0.2.1")]))
    assert verdict.data["replacement"] == "v=spf1 ip4:192.0.2.1 -all"


def test_a_redirect_declared_here_is_followed_but_not_rewritten() -> None:
    facts = [
        zone(),
        txt("r.spf", "example.com", "v=spf1 redirect=_spf.example.com"),
        txt("r.target", "_spf.example.com", "v=spf1 ip4:192.0.2.0/24 ?all"),
    ]
    verdicts = {v.subject.address: v for v in run("SPF002", facts)}
    assert verdicts["r.spf"].status is Status.FAIL
    assert "through its redirect" in verdicts["r.spf"].message
    assert "replacement" not in verdicts["r.spf"].data


def test_a_wholly_unknown_txt_value_is_taken_for_spf_only_at_a_mail_domain() -> None:
    facts = [
        zone(),
        record("r.mx", "example.com", "MX", "10 mx.example.com"),
        txt("r.apex", "example.com", unknown("var.apex has no value")),
        txt("r.other", "verify.example.com", unknown("var.verify has no value")),
    ]
    assert statuses(run("SPF002", facts)) == [("r.apex", Status.NOT_ASSESSED)]


def test_two_spf_values_of_one_record_have_distinct_evidence() -> None:
    verdicts = run("SPF002", [zone(), txt("r.spf", "example.com", "v=spf1 -all", "v=spf1 ~all")])
    assert len({v.evidence for v in verdicts}) == 2


def test_known_prefix_keeps_complete_terms_only() -> None:
    prefix = known_prefix("v=spf1 ip4:192.0.2.1 ?all incl*")
    assert prefix is not None and prefix.text == "v=spf1 ip4:192.0.2.1 ?all"
    assert known_prefix("v=spf1*") is None
    assert known_prefix(None) is None


# ---------------------------------------------------------------- SPF003


def test_merged_record_keeps_every_term_and_the_strictest_all() -> None:
    merged = merge_records(
        [parse_spf("v=spf1 include:a.example ~all"), parse_spf("v=spf1 mx include:a.example -all")], "~"
    )
    assert merged == "v=spf1 include:a.example mx -all"
    verdict = one(run("SPF003", [zone(), txt("r", "example.com", "v=spf1 mx ~all", "v=spf1 a ~all")]))
    assert verdict.status is Status.FAIL
    assert verdict.data["replacement"] == "v=spf1 mx a -all"


def test_a_value_that_cannot_be_spf_leaves_one_record_passing() -> None:
    facts = [zone(), txt("r", "example.com", "v=spf1 -all", unknown(pattern="google-site-verification=*"))]
    assert one(run("SPF003", facts)).status is Status.PASS


# ---------------------------------------------------------------- SPF004


def test_a_lower_bound_over_the_baseline_limit_fails() -> None:
    facts = [zone(), txt("r", "example.com", "v=spf1 a mx include:amazonses.com -all")]
    verdict = one(run("SPF004", facts, with_section("spf", max_lookups=2)))
    assert verdict.status is Status.FAIL
    assert "at least 3 DNS-querying terms" in verdict.message and "the limit is 2" in verdict.message


def test_an_include_without_a_record_in_a_declared_zone_is_counted_exactly() -> None:
    facts = [zone(), txt("r", "example.com", "v=spf1 include:_missing.example.com -all")]
    verdict = one(run("SPF004", facts))
    assert verdict.status is Status.PASS
    assert "needs 1 DNS-querying terms" in verdict.message


def test_includes_outside_the_configuration_are_out_of_scope() -> None:
    verdict = one(run("SPF004", [zone(), txt("r", "example.com", "v=spf1 include:amazonses.com -all")]))
    assert verdict.status is Status.NOT_ASSESSED and verdict.out_of_scope
    assert "amazonses.com" in verdict.message


def test_a_partly_known_record_over_the_limit_before_its_unknown_part_fails() -> None:
    terms = " ".join(f"a:h{i}.example.com" for i in range(11))
    facts = [zone(), txt("r", "example.com", unknown(pattern=f"v=spf1 {terms} include:* -all"))]
    assert one(run("SPF004", facts)).status is Status.FAIL


# ---------------------------------------------------------------- SPF005


def test_syntax_errors_in_the_known_part_of_a_partly_known_record_fail() -> None:
    facts = [zone(), txt("r", "example.com", unknown(pattern="v=spf1 ip4:300.1.1.1 include:* -all"))]
    verdict = one(run("SPF005", facts))
    assert verdict.status is Status.FAIL and "ip4:300.1.1.1 at position 7" in verdict.message
    facts = [zone(), txt("r", "example.com", unknown(pattern="v=spf1 include:* -all"))]
    assert one(run("SPF005", facts)).status is Status.NOT_ASSESSED


def test_unknown_modifiers_are_not_syntax_errors() -> None:
    assert one(run("SPF005", [zone(), txt("r", "example.com", "v=spf1 foo=bar -all")])).status is Status.PASS


# ---------------------------------------------------------------- SPF006


def test_long_strings_get_a_split_in_the_resource_spelling() -> None:
    value = "v=DKIM1; p=" + "A" * 300
    route53 = txt("aws_route53_record.k", "s1._domainkey.example.com", value)
    google = txt("google_dns_record_set.k", "s2._domainkey.example.com", value)
    verdicts = {v.subject.address: v for v in run("SPF006", [zone(), route53, google])}
    split = verdicts["aws_route53_record.k"].data["splits"][0]
    assert [len(s) for s in split["strings"]] == [255, len(value) - 255]
    assert split["replacement"] == '""'.join(split["strings"])
    assert verdicts["google_dns_record_set.k"].data["splits"][0]["replacement"].startswith('"v=DKIM1; p=')
    assert "is 311 bytes" in verdicts["aws_route53_record.k"].message


def test_a_known_long_string_fails_beside_an_unknown_value() -> None:
    facts = [zone(), txt("r", "example.com", "x" * 256, unknown())]
    assert one(run("SPF006", facts)).status is Status.FAIL
    assert one(run("SPF006", [zone(), txt("r", "example.com", "x", unknown())])).status is Status.NOT_ASSESSED


def test_a_record_in_a_zone_of_unknown_name_is_shown_with_its_domain_unknown() -> None:
    """`@` of a zone named only by an ID is the pattern `*`: messages say `<domain>`, fingerprints keep `*`."""
    from emailiac.rules.spf_values import shown_name

    facts = [txt("r", unknown("the zone is not found", pattern="*"), "v=spf1 mx ~all")]
    verdict = one(run("SPF002", facts))
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("SPF record of <domain> has ~all")
    assert verdict.fix_hint == "End the SPF record of <domain> with -all"
    assert verdict.evidence.startswith("* ")
    assert [shown_name(n) for n in ("*", "_dmarc.*", "mail.example.com", "*example.com")] == [
        "<domain>",
        "_dmarc.<domain>",
        "mail.example.com",
        "*example.com",
    ]
