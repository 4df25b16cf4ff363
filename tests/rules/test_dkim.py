"""DKIM rules (DKIM001-DKIM003) judged on facts built directly, with the real keys of fixtures/dkim/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emailiac.baseline import Baseline
from emailiac.model import DnsLookups, DnsRecord, Gap, MailDomain, Provenance, SesDkim, Unknown
from emailiac.result import Status
from emailiac.rules.dkim import _resource_of
from tests.rules.dns_facts import one, record, run, ses_dkim, ses_identity, statuses, txt, unknown, with_section, zone

KEYS = Path(__file__).resolve().parents[2] / "fixtures" / "dkim"


def key(name: str) -> str:
    return (KEYS / f"{name}.txt").read_text().strip()


def cname(address: str, name: str | Unknown, target: str | Unknown = "x.dkim.amazonses.com") -> DnsRecord:
    return record(address, name, "CNAME", target)


def token_name(address: str, refs: tuple[str, ...], pattern: str = "*._domainkey.example.com") -> Unknown:
    return Unknown(f"{refs[0]} is known only after apply", refs, pattern)


# ---------------------------------------------------------------- DKIM001


def test_signing_turned_off_or_not_verified_fails() -> None:
    disabled = ses_dkim("example.com", enabled=False)
    assert one(run("DKIM001", [ses_identity("example.com"), disabled])).status is Status.FAIL
    pending = ses_dkim("example.com", status="PENDING")
    verdict = one(run("DKIM001", [ses_identity("example.com"), pending]))
    assert verdict.status is Status.FAIL and "PENDING" in verdict.message
    done = ses_dkim("example.com", status="SUCCESS")
    assert one(run("DKIM001", [ses_identity("example.com"), done])).status is Status.PASS


def test_unresolved_signing_is_not_assessed() -> None:
    dkim = ses_dkim("example.com", enabled=Unknown("var.dkim has no value"))
    assert one(run("DKIM001", [ses_identity("example.com"), dkim])).status is Status.NOT_ASSESSED


def test_a_dkim_resource_of_unknown_identity_may_belong_to_the_identity() -> None:
    verdicts = run("DKIM001", [ses_identity("example.com"), ses_dkim(unknown("var.domain has no value"))])
    assert statuses(verdicts) == [
        ("aws_ses_domain_identity.main", Status.NOT_ASSESSED),
        ("aws_ses_domain_dkim.main", Status.NOT_ASSESSED),
    ]


def test_a_collection_gap_is_not_assessed() -> None:
    gap = Gap("SesDkim", "eu-west-1", "AccessDenied: ses:GetEmailIdentity")
    verdicts = run("DKIM001", [], sources=("aws",), gaps=(gap,))
    assert statuses(verdicts) == [("aws://eu-west-1/ses/dkim", Status.NOT_ASSESSED)]


def test_microsoft_365_domains_need_a_selector() -> None:
    domain = MailDomain(Provenance("m365", "m365://tenant/domains/example.com"), "example.com", "m365")
    selector = cname("r.s1", "selector1._domainkey.example.com", "selector1-example-com._domainkey.x.onmicrosoft.com")
    assert one(run("DKIM001", [zone(), domain, selector])).status is Status.PASS
    verdict = one(run("DKIM001", [zone(), domain]))
    assert verdict.status is Status.FAIL and verdict.subject.address == "aws_route53_zone.main"
    assert one(run("DKIM001", [domain])).out_of_scope
    names = ("selector1._domainkey.example.com", "selector2._domainkey.example.com")
    live = one(run("DKIM001", [domain, DnsLookups(Provenance("dns", "dns://"), names)], sources=("m365", "dns")))
    assert live.status is Status.FAIL and live.subject.address == "dns://selector1._domainkey.example.com/CNAME"


# ---------------------------------------------------------------- DKIM002


@pytest.mark.parametrize(
    ("name", "status"),
    [("rsa1024", Status.FAIL), ("rsa2048", Status.PASS), ("ed25519", Status.PASS)],
)
def test_published_keys(name: str, status: Status) -> None:
    verdict = one(run("DKIM002", [zone(), txt("r", "s1._domainkey.example.com", key(name))]))
    assert verdict.status is status


def test_the_key_minimum_comes_from_the_baseline() -> None:
    facts = [zone(), txt("r", "s1._domainkey.example.com", key("rsa1024"))]
    assert one(run("DKIM002", facts, with_section("dkim", min_key_bits=1024))).status is Status.PASS


def test_unreadable_and_revoked_keys() -> None:
    broken = one(run("DKIM002", [zone(), txt("r", "s1._domainkey.example.com", "v=DKIM1; p=not-base64!")]))
    assert broken.status is Status.FAIL and "cannot be read" in broken.message
    revoked = one(run("DKIM002", [zone(), txt("r", "s1._domainkey.example.com", "v=DKIM1; p=")]))
    assert revoked.status is Status.PASS


def test_ses_key_lengths() -> None:
    live = ses_dkim("example.com", key_length="RSA_1024_BIT", next_key_length="RSA_2048_BIT")
    verdict = one(run("DKIM002", [live]))
    assert verdict.status is Status.FAIL and "current DKIM key is RSA_1024_BIT" in verdict.message
    pending = ses_dkim("example.com", next_key_length=Unknown("var.length has no value"))
    assert one(run("DKIM002", [pending])).status is Status.NOT_ASSESSED
    byodkim = ses_dkim("example.com", origin="EXTERNAL", tokens=None)
    assert run("DKIM002", [byodkim]) == []  # judged on its published key


def test_an_unresolved_key_value_is_not_assessed() -> None:
    facts = [zone(), txt("r", "s1._domainkey.example.com", unknown("var.key has no value"))]
    assert one(run("DKIM002", facts)).status is Status.NOT_ASSESSED


# ---------------------------------------------------------------- DKIM003


def test_reference_targets() -> None:
    assert _resource_of('module.a["x"].aws_ses_domain_dkim.d[0].dkim_tokens') == "module.a.aws_ses_domain_dkim.d"
    assert _resource_of("aws_sesv2_email_identity.v2.dkim_signing_attributes[0].tokens") == (
        "aws_sesv2_email_identity.v2"
    )
    assert _resource_of("data.aws_x.y.z") == "data.aws_x.y"
    assert _resource_of("var.tokens") is None


def test_count_instances_built_from_the_identitys_tokens() -> None:
    refs = ("aws_ses_domain_dkim.main.dkim_tokens",)
    facts = [zone(), ses_dkim("example.com"), *(cname(f"r.dkim[{i}]", token_name("r", refs)) for i in range(2))]
    verdict = one(run("DKIM003", facts))
    assert verdict.status is Status.FAIL
    assert verdict.message.startswith("2 of 3 Easy DKIM CNAMEs")
    assert verdict.data["published"] == 2 and verdict.data["zone"] == "aws_route53_zone.main"
    assert verdict.data["tokens"] == "aws_ses_domain_dkim.main.dkim_tokens"
    facts.append(cname("r.dkim[2]", token_name("r", refs)))
    assert one(run("DKIM003", facts)).status is Status.PASS


def test_one_for_each_instance_stands_for_every_token() -> None:
    refs = ("aws_ses_domain_dkim.main.dkim_tokens",)
    facts = [zone(), ses_dkim("example.com"), cname("r.dkim[*]", token_name("r", refs))]
    assert one(run("DKIM003", facts)).status is Status.PASS


def test_tokens_of_another_identity_do_not_count_but_leave_a_doubt() -> None:
    refs = ("aws_ses_domain_dkim.other.dkim_tokens",)
    facts = [zone(), ses_dkim("example.com"), cname("r.dkim[*]", token_name("r", refs))]
    verdict = one(run("DKIM003", facts))
    assert verdict.status is Status.NOT_ASSESSED and verdict.subject.address == "r.dkim[*]"


def test_literal_cnames_to_ses_count() -> None:
    facts = [
        zone(),
        ses_dkim("example.com"),
        *(cname(f"r.t{i}", f"tok{i}._domainkey.example.com", f"tok{i}.dkim.amazonses.com") for i in range(3)),
    ]
    assert one(run("DKIM003", facts)).status is Status.PASS


def live_cname(name: str) -> DnsRecord:
    token = name.split(".")[0]
    return DnsRecord(Provenance("dns", f"dns://{name}/CNAME"), name, "CNAME", (f"{token}.dkim.amazonses.com",))


def test_known_tokens_are_looked_up_by_name() -> None:
    tokens = ("AbC", "def", "ghi")
    live = SesDkim(
        Provenance("aws", "aws://eu-west-1/ses/identities/example.com"), "example.com", True, "SUCCESS", tokens=tokens
    )
    looked_up = DnsLookups(Provenance("dns", "dns://"), tuple(f"{t.lower()}._domainkey.example.com" for t in tokens))
    found: list[Any] = [
        looked_up,
        live_cname("abc._domainkey.example.com"),
        live_cname("def._domainkey.example.com"),
    ]
    verdict = one(run("DKIM003", [live, *found], sources=("aws", "dns")))
    assert verdict.status is Status.FAIL and verdict.data["published"] == 2
    assert verdict.data["records"] == [
        {"name": "ghi._domainkey.example.com", "type": "CNAME", "value": "ghi.dkim.amazonses.com"}
    ]
    found.append(live_cname("ghi._domainkey.example.com"))
    assert one(run("DKIM003", [live, *found], sources=("aws", "dns"))).status is Status.PASS


def test_disabled_and_byodkim_identities_are_not_judged() -> None:
    facts = [
        zone(),
        ses_dkim("example.com", enabled=False),
        ses_dkim("example.org", "b", origin="EXTERNAL", tokens=None),
    ]
    assert run("DKIM003", facts, Baseline()) == []


def test_a_key_record_without_p_is_malformed_not_skipped() -> None:
    for text in ("v=DKIM1; k=rsa", "k=rsa; t=s", "V=dkim1"):
        verdict = one(run("DKIM002", [zone(), txt("r", "s1._domainkey.example.com", text)]))
        assert verdict.status is Status.FAIL, text
        assert verdict.message == (
            "DKIM key at s1._domainkey.example.com cannot be read (DKIM key record has no p= tag): verifiers fail "
            "every signature made with it"
        )
    # Another TXT value at the selector name is not a key record.
    assert run("DKIM002", [zone(), txt("r", "s1._domainkey.example.com", "google-site-verification=abc")]) == []
