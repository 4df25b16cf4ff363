"""DMARC rules (DMARC001-DMARC005) judged on facts built directly."""

from __future__ import annotations

from emailiac.baseline import Baseline
from emailiac.mailauth import parse_dmarc
from emailiac.result import Status
from emailiac.rules.dmarc_values import mailto, rewrite
from tests.rules.dns_facts import one, record, run, statuses, txt, unknown, with_section, zone

MX = record("r.mx", "mail.example.com", "MX", "10 mx.example.com")


# ---------------------------------------------------------------- DMARC001


def test_a_subdomain_is_covered_by_its_organisational_domain() -> None:
    facts = [zone(), MX, txt("r.dmarc", "_dmarc.example.com", "v=DMARC1; p=reject")]
    verdict = one(run("DMARC001", facts))
    assert verdict.status is Status.PASS
    assert verdict.subject.address == "r.dmarc"
    assert "organisational domain at _dmarc.example.com" in verdict.message


def test_the_organisational_domain_is_public_suffix_aware() -> None:
    facts = [
        zone("example.co.uk"),
        record("r.mx", "shop.example.co.uk", "MX", "10 mx.example.co.uk"),
        txt("r.suffix", "_dmarc.co.uk", "v=DMARC1; p=reject"),
    ]
    verdict = one(run("DMARC001", facts))
    assert verdict.status is Status.FAIL
    assert "_dmarc.shop.example.co.uk nor at _dmarc.example.co.uk" in verdict.message


def test_absence_needs_the_organisational_domains_zone_too() -> None:
    facts = [zone("mail.example.com"), MX]
    verdict = one(run("DMARC001", facts))
    assert verdict.out_of_scope
    assert "the zone of example.com is not declared" in verdict.message


def test_missing_record_suggestion_uses_the_baseline() -> None:
    base = with_section("dmarc", policy="quarantine", required_rua=("mailto:SOC@reports.example",))
    verdict = one(run("DMARC001", [zone(), record("r.mx", "example.com", "MX", "10 mx.example.com")], base))
    assert verdict.status is Status.FAIL
    assert verdict.subject.address == "aws_route53_zone.main"
    assert verdict.data["name"] == "_dmarc.example.com"
    assert verdict.data["value"] == "v=DMARC1; p=quarantine; rua=mailto:soc@reports.example"


def test_an_unresolved_value_at_the_dmarc_name_is_not_assessed() -> None:
    facts = [
        zone(),
        record("r.mx", "example.com", "MX", "10 mx.example.com"),
        txt("r.d", "_dmarc.example.com", unknown()),
    ]
    assert one(run("DMARC001", facts)).status is Status.NOT_ASSESSED


# ---------------------------------------------------------------- DMARC002


def test_p_raised_cures_inherited_sp_and_np() -> None:
    verdict = one(
        run("DMARC002", [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=none; rua=mailto:d@example.com")])
    )
    assert verdict.status is Status.FAIL
    assert verdict.message == "DMARC record at _dmarc.example.com has p=none (the baseline requires p=reject)"
    assert verdict.data["replacement"] == "v=DMARC1; p=reject; rua=mailto:d@example.com"


def test_a_strict_subdomain_baseline_adds_sp_after_p() -> None:
    base = with_section("dmarc", policy="quarantine", subdomain_policy="reject")
    verdict = one(run("DMARC002", [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=quarantine")], base))
    assert verdict.status is Status.FAIL
    assert "sp not set, so p=quarantine applies to subdomains" in verdict.message
    assert verdict.data["replacement"] == "v=DMARC1; p=quarantine; sp=reject"


def test_a_weak_np_fails_on_its_own() -> None:
    verdict = one(run("DMARC002", [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; np=none")]))
    assert verdict.status is Status.FAIL
    assert verdict.data["replacement"] == "v=DMARC1; p=reject; np=reject"


def test_a_non_dmarc_value_beside_the_record_is_ignored() -> None:
    # RFC 9989 4.10: values that do not start with v=DMARC1 are discarded; the record beside them is used.
    for stray in ("verification=abc", "p=reject; v=DMARC1"):
        facts = [zone(), txt("r", "_dmarc.example.com", stray, "v=DMARC1; p=none")]
        assert one(run("DMARC002", facts)).status is Status.FAIL
        verdict = one(run("DMARC005", facts))
        assert verdict.status is Status.PASS, stray
        assert verdict.message == "DMARC record at _dmarc.example.com is well formed"
    # In a resource of its own, beside the record's resource, it gets no verdict at all.
    facts = [
        zone(),
        txt("r.stray", "_dmarc.example.com", "p=reject; v=DMARC1"),
        txt("r", "_dmarc.example.com", "v=DMARC1; p=reject"),
    ]
    assert statuses(run("DMARC005", facts)) == [("r", Status.PASS)]


def test_a_botched_record_alone_at_its_name_is_invalid_and_other_text_is_skipped() -> None:
    verdict = one(run("DMARC005", [zone(), txt("r", "_dmarc.example.com", "p=reject; v=DMARC1")]))
    assert verdict.status is Status.FAIL and "does not start with v=DMARC1" in verdict.message
    assert run("DMARC005", [zone(), txt("r", "_dmarc.example.com", "verification=abc")]) == []


def test_a_record_without_p_is_applied_as_p_none() -> None:
    facts = [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; rua=mailto:d@example.com")]
    verdict = one(run("DMARC002", facts))
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "DMARC record at _dmarc.example.com has no p tag, so p=none applies (the baseline requires p=reject)"
    )
    assert verdict.data["replacement"] == "v=DMARC1; p=reject; rua=mailto:d@example.com"
    invalid = one(run("DMARC005", facts))
    assert (
        invalid.status is Status.FAIL and "DMARC record has no p tag; receivers treat it as p=none" in invalid.message
    )
    assert one(run("DMARC004", facts)).status is Status.PASS  # its other tags are judged too


SUB = "_dmarc.mail.example.com"


def test_a_subdomain_record_governs_below_it_when_no_parent_publishes_dmarc() -> None:
    # RFC 9989 4.10.2: with no record at _dmarc.example.com, mail.example.com is the Organisational Domain of
    # the names below it, so its sp applies to them.
    facts = [zone(), txt("r.sub", SUB, "v=DMARC1; p=reject; sp=none")]
    verdict = one(run("DMARC002", facts))
    assert verdict.status is Status.FAIL
    assert verdict.message == f"DMARC record at {SUB} has sp=none (the baseline requires sp=reject)"
    assert verdict.data["replacement"] == "v=DMARC1; p=reject; sp=reject"


def test_a_subdomain_record_below_a_parent_record_has_its_sp_ignored() -> None:
    facts = [
        zone(),
        txt("r.sub", SUB, "v=DMARC1; p=reject; sp=none"),
        txt("r.org", "_dmarc.example.com", "v=DMARC1; p=reject"),
    ]
    verdicts = {v.subject.address: v for v in run("DMARC002", facts)}
    assert verdicts["r.sub"].status is Status.PASS
    assert verdicts["r.sub"].message == f"DMARC record at {SUB} has p=reject"


def test_psd_n_makes_a_subdomain_record_govern_below_it_beside_a_parent_record() -> None:
    facts = [
        zone(),
        txt("r.sub", SUB, "v=DMARC1; p=reject; np=quarantine; psd=n"),
        txt("r.org", "_dmarc.example.com", "v=DMARC1; p=reject"),
    ]
    verdicts = {v.subject.address: v for v in run("DMARC002", facts)}
    assert verdicts["r.sub"].status is Status.FAIL
    assert verdicts["r.sub"].message == f"DMARC record at {SUB} has np=quarantine (the baseline requires np=reject)"


def test_whether_a_subdomain_record_governs_is_open_when_the_parent_zone_is_not_declared() -> None:
    facts = [zone("mail.example.com"), txt("r.sub", SUB, "v=DMARC1; p=reject; sp=none")]
    verdict = one(run("DMARC002", facts))
    assert verdict.status is Status.NOT_ASSESSED
    assert verdict.message == (
        f"DMARC record at {SUB} has sp=none (the baseline requires sp=reject), which matters only if its sp and np "
        "govern the names below mail.example.com: whether _dmarc.example.com publishes a DMARC record is not "
        "known: the zone of example.com is not declared in this configuration"
    )
    # A weak p is a finding whatever governs below.
    facts = [zone("mail.example.com"), txt("r.sub", SUB, "v=DMARC1; p=none; sp=none")]
    verdict = one(run("DMARC002", facts))
    assert verdict.status is Status.FAIL
    assert verdict.message == f"DMARC record at {SUB} has p=none (the baseline requires p=reject)"


def test_a_deep_mail_domain_is_covered_by_the_nearest_record_of_the_tree_walk() -> None:
    facts = [
        zone(),
        record("r.mx", "a.mail.example.com", "MX", "10 mx.example.com"),
        txt("r.sub", SUB, "v=DMARC1; p=reject"),
    ]
    verdict = one(run("DMARC001", facts))
    assert verdict.status is Status.PASS and verdict.subject.address == "r.sub"
    assert verdict.message == (
        f"a.mail.example.com has no DMARC record of its own; the record of its parent domain at {SUB} applies"
    )
    missing = one(run("DMARC001", facts[:2]))
    assert missing.status is Status.FAIL
    assert "_dmarc.a.mail.example.com nor at _dmarc.mail.example.com nor at _dmarc.example.com" in missing.message


def test_a_record_of_unresolved_name_under_dmarc_is_judged_on_its_text() -> None:
    facts = [zone(), txt("r", unknown(pattern="_dmarc.*"), "v=DMARC1; p=none")]
    verdict = one(run("DMARC002", facts))
    assert verdict.status is Status.FAIL
    assert "_dmarc.<domain>" in verdict.message  # the unknown part of the name, shown as what it stands for
    assert verdict.evidence.startswith("_dmarc.* ")  # fingerprints keep the pattern


# ---------------------------------------------------------------- DMARC003


def test_pct_is_removed_or_raised_to_the_minimum() -> None:
    facts = [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; pct=20")]
    assert one(run("DMARC003", facts)).data["replacement"] == "v=DMARC1; p=reject"
    verdict = one(run("DMARC003", facts, with_section("dmarc", min_pct=50)))
    assert verdict.data["replacement"] == "v=DMARC1; p=reject; pct=50"


# ---------------------------------------------------------------- DMARC004


def test_required_addresses_compare_case_insensitively_without_size() -> None:
    base = with_section("dmarc", required_rua=("mailto:dmarc@soc.example",))
    facts = [
        zone(),
        txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:DMARC@Soc.Example!10m"),
        zone("soc.example", "aws_route53_zone.soc"),
        txt("r.auth", "example.com._report._dmarc.soc.example", "v=DMARC1", zone_key="aws_route53_zone.soc"),
    ]
    assert one(run("DMARC004", facts, base)).status is Status.PASS
    facts = [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:me@example.com")]
    verdict = one(run("DMARC004", facts, base))
    assert verdict.status is Status.FAIL
    assert verdict.data["replacement"] == "v=DMARC1; p=reject; rua=mailto:me@example.com,mailto:dmarc@soc.example"


def test_no_report_address_is_made_up_for_a_record_whose_domain_is_not_known() -> None:
    """A `_dmarc` record in a zone named only by an ID variable: its domain is a pattern (`*`), so there is no
    `dmarc-reports@<domain>` to suggest or write; the baseline's required address still can be."""
    facts = [txt("r", unknown("the zone name is not known", pattern="_dmarc.*"), "v=DMARC1; p=reject")]
    verdict = one(run("DMARC004", facts))
    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "DMARC record at _dmarc.<domain> has no rua tag: nobody receives aggregate reports of who sends as the domain"
    )
    assert "@*" not in verdict.fix_hint and "<a mailbox that reads DMARC reports" in verdict.fix_hint
    assert "replacement" not in verdict.data  # nothing for a fix to write
    base = with_section("dmarc", required_rua=("mailto:dmarc@soc.example",))
    assert one(run("DMARC004", facts, base)).data["replacement"] == "v=DMARC1; p=reject; rua=mailto:dmarc@soc.example"


def test_an_external_address_whose_authorisation_is_outside_the_configuration_is_out_of_scope() -> None:
    # RFC 7489 7.1: receivers send reports to another organisation only where it authorises them; that record
    # is in vendor.example's zone, not declared here, so the address is neither passed nor failed.
    facts = [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:x@vendor.example")]
    verdict = one(run("DMARC004", facts))
    assert (verdict.status, verdict.out_of_scope) == (Status.NOT_ASSESSED, True)
    assert verdict.message == (
        "DMARC record at _dmarc.example.com sends aggregate reports to mailto:x@vendor.example in another "
        "organisation; whether example.com._report._dmarc.vendor.example authorises reports to x@vendor.example "
        "(RFC 7489 7.1) is not checked: the zone of vendor.example is not declared in this configuration"
    )
    # Declared without the authorisation record, it fails; with it, it passes.
    vendor = zone("vendor.example", "aws_route53_zone.vendor")
    verdict = one(run("DMARC004", [*facts, vendor]))
    assert verdict.status is Status.FAIL and "no v=DMARC1 record at example.com._report._dmarc.vendor.example" in (
        verdict.message
    )
    auth = txt("r.auth", "example.com._report._dmarc.vendor.example", "v=DMARC1", zone_key="aws_route53_zone.vendor")
    assert one(run("DMARC004", [*facts, vendor, auth])).status is Status.PASS
    # An internal address needs no authorisation.
    internal = [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:d@reports.example.com")]
    assert one(run("DMARC004", internal)).status is Status.PASS


def test_an_external_authorisation_that_an_unknown_decides_is_not_assessed() -> None:
    record = txt("r", "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:x@vendor.example")
    vendor = zone(unknown("var.vendor_zone has no value"), "aws_route53_zone.vendor")
    verdict = one(run("DMARC004", [zone(), record, vendor]))
    assert (verdict.status, verdict.out_of_scope) == (Status.NOT_ASSESSED, False)
    assert verdict.message.endswith(
        "is not known: x@vendor.example: zone aws_route53_zone.vendor may hold "
        "example.com._report._dmarc.vendor.example, but its name is not known (var.vendor_zone has no value)"
    )
    # A record whose own domain is not known: whether the address is in another organisation is not known.
    unnamed = txt(
        "r", unknown("var.domain has no value", "_dmarc.*"), "v=DMARC1; p=reject; rua=mailto:x@vendor.example"
    )
    verdict = one(run("DMARC004", [unnamed]))
    assert (verdict.status, verdict.out_of_scope) == (Status.NOT_ASSESSED, False)
    assert verdict.message == (
        "DMARC record at _dmarc.<domain> sends aggregate reports to mailto:x@vendor.example; whether the receiving "
        "organisation authorises them (RFC 7489 7.1) is not known: whether x@vendor.example is in another "
        "organisation is not known (var.domain has no value)"
    )


def test_mailto_and_rewrite_helpers() -> None:
    assert mailto("MAILTO:Dmarc@Example.com!5m") == "dmarc@example.com"
    record_ = parse_dmarc("v=DMARC1; p=none; pct=10")
    assert rewrite(record_, {"pct": None, "p": "reject", "rua": "mailto:a@b.example"}) == (
        "v=DMARC1; p=reject; rua=mailto:a@b.example"
    )


# ---------------------------------------------------------------- DMARC005


def test_two_records_in_two_resources_fail_each_resource_once() -> None:
    facts = [
        zone(),
        txt("cloudflare_record.a", "_dmarc.example.com", "v=DMARC1; p=reject"),
        txt("cloudflare_record.b", "_dmarc.example.com", "v=DMARC1; p=none"),
    ]
    assert statuses(run("DMARC005", facts)) == [
        ("cloudflare_record.a", Status.FAIL),
        ("cloudflare_record.b", Status.FAIL),
    ]
    assert statuses(run("DMARC002", facts)) == [("cloudflare_record.a", Status.NOT_ASSESSED)]


def test_a_partly_known_second_record_counts() -> None:
    facts = [zone(), txt("r", "_dmarc.example.com", "v=DMARC1; p=reject", unknown(pattern="v=DMARC1; p=*"))]
    verdict = one(run("DMARC005", facts))
    assert verdict.status is Status.FAIL and "2 DMARC records" in verdict.message


def test_authorisation_records_are_not_policy_records() -> None:
    facts = [zone(), txt("r", "example.net._report._dmarc.example.com", "v=DMARC1")]
    assert run("DMARC005", facts, Baseline()) == []


# ---------------------------------------------------------------- records at unknown names


def test_records_at_two_unknown_names_are_judged_each_on_its_own() -> None:
    facts = [
        txt("r.a", unknown("var.a has no value", "_dmarc.*"), "v=DMARC1; p=none; rua=mailto:d@example.com"),
        txt("r.b", unknown("var.b has no value", "_dmarc.*"), "v=DMARC1; p=reject; rua=mailto:d@example.com"),
    ]
    assert statuses(run("DMARC002", facts)) == [("r.a", Status.FAIL), ("r.b", Status.PASS)]
    verdicts = run("DMARC005", facts)
    assert statuses(verdicts) == [("r.a", Status.NOT_ASSESSED), ("r.b", Status.NOT_ASSESSED)]
    assert verdicts[0].message == (
        "DMARC record at _dmarc.<domain> is well formed, but whether it is the only one at its name is not known: "
        "r.b may publish one at the same name (var.a has no value; var.b has no value)"
    )


def test_two_dmarc_values_of_one_record_at_an_unknown_name_share_it() -> None:
    name = unknown("var.a has no value", "_dmarc.*")
    facts = [txt("r.a", name, "v=DMARC1; p=none", "v=DMARC1; p=reject")]
    verdict = one(run("DMARC005", facts))
    assert verdict.status is Status.FAIL
    assert "2 DMARC records are published at _dmarc.<domain>" in verdict.message


def test_a_record_at_an_unknown_name_may_share_a_known_name() -> None:
    facts = [
        zone(),
        txt("r.known", "_dmarc.example.com", "v=DMARC1; p=reject"),
        txt("r.other", unknown("var.a has no value", "_dmarc.*.example.org"), "v=DMARC1; p=reject"),
        txt("r.maybe", unknown("var.b has no value", "_dmarc.*"), "v=DMARC1; p=reject"),
    ]
    verdicts = {v.subject.address: v for v in run("DMARC005", facts)}
    assert verdicts["r.known"].status is Status.NOT_ASSESSED
    assert verdicts["r.known"].message.endswith("r.maybe may publish one at the same name (var.b has no value)")
    # _dmarc.*.example.org cannot be _dmarc.example.com, but it may be the name of r.maybe.
    assert verdicts["r.other"].status is Status.NOT_ASSESSED
    assert "r.maybe may publish one" in verdicts["r.other"].message
    facts.pop()
    assert sorted(statuses(run("DMARC005", facts))) == [("r.known", Status.PASS), ("r.other", Status.PASS)]
