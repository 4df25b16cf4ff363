"""DNS-querying term counting with a fake TXT resolver (RFC 7208 section 4.6.4)."""

from __future__ import annotations

from collections.abc import Sequence

from emailiac.mailauth.problem import Problem
from emailiac.mailauth.spf import LookupFailure, count_lookups, parse_spf
from emailiac.mailauth.spf_lookups import MAX_FETCHES


class FakeDns:
    """TXT answers from a dict; missing names are NXDOMAIN, "FAIL" entries time out."""

    def __init__(self, zone: dict[str, list[str] | str]) -> None:
        self.zone = zone
        self.queries: list[str] = []

    def __call__(self, name: str) -> Sequence[str]:
        self.queries.append(name)
        answer = self.zone.get(name)
        if answer is None:
            raise LookupFailure(name, "NXDOMAIN", nxdomain=True)
        if answer == "FAIL":
            raise LookupFailure(name, "timeout")
        assert isinstance(answer, list)
        return answer


def codes(items: tuple[Problem, ...]) -> list[str]:
    return [item.code for item in items]


def test_without_resolver_counts_top_level_only() -> None:
    record = parse_spf("v=spf1 include:_spf.google.com include:amazonses.com a mx ip4:192.0.2.1 -all")
    count = count_lookups(record)
    assert (count.total, count.exact, count.void) == (4, False, 0)
    assert count.unexpanded == ("_spf.google.com", "amazonses.com")
    assert [step.status for step in count.chain] == ["unexpanded", "unexpanded"]
    assert "not expanded" in count.describe() and count.describe().startswith("at least 4")
    assert count.problems == ()


def test_exact_without_includes() -> None:
    count = count_lookups(parse_spf("v=spf1 a mx ptr exists:%{i}.x.example.com -all"))
    assert (count.total, count.exact) == (4, True)
    assert count.all_qualifier == "-"
    assert count.describe() == "4 of 10 DNS-querying terms, 0 void lookups"


def test_nested_includes_are_counted() -> None:
    dns = FakeDns(
        {
            "_spf.example.com": ["v=spf1 include:_netblocks.example.net include:_netblocks2.example.net ~all"],
            "_netblocks.example.net": ["v=spf1 ip4:192.0.2.0/24 ~all"],
            "_netblocks2.example.net": ["other text", "v=spf1 a mx ~all"],
        }
    )
    count = count_lookups(parse_spf("v=spf1 include:_spf.example.com mx -all"), dns)
    assert (count.total, count.exact, count.void) == (6, True, 0)
    assert [(s.name, s.depth, s.lookups, s.subtotal) for s in count.chain] == [
        ("_spf.example.com", 1, 2, 4),
        ("_netblocks.example.net", 2, 0, 0),
        ("_netblocks2.example.net", 2, 2, 2),
    ]
    assert count.unexpanded == () and count.problems == ()


def test_over_limit_through_nesting() -> None:
    zone: dict[str, list[str] | str] = {
        f"s{i}.example.com": [f"v=spf1 include:t{i}.example.com a -all"] for i in range(4)
    }
    zone.update({f"t{i}.example.com": ["v=spf1 ip4:192.0.2.1 -all"] for i in range(4)})
    count = count_lookups(
        parse_spf("v=spf1 " + " ".join(f"include:s{i}.example.com" for i in range(4)) + " -all"),
        FakeDns(zone),
    )
    assert count.total == 12 and count.exact and count.over_limit
    assert codes(count.problems) == ["lookups"]


def test_repeated_include_counts_twice_but_fetches_once() -> None:
    dns = FakeDns({"spf.example.com": ["v=spf1 a mx -all"]})
    count = count_lookups(parse_spf("v=spf1 include:spf.example.com include:spf.example.com -all"), dns)
    assert count.total == 6
    assert dns.queries == ["spf.example.com"]


def test_void_lookups() -> None:
    dns = FakeDns({"empty.example.com": []})
    record = parse_spf("v=spf1 include:gone1.example.com include:gone2.example.com include:empty.example.com -all")
    count = count_lookups(record, dns)
    assert count.void == 3 and count.void_over_limit
    assert codes(count.problems) == ["target-none", "target-none", "target-none", "void"]
    assert [step.status for step in count.chain] == ["void", "void", "void"]


def test_include_without_spf_record_is_not_void() -> None:
    dns = FakeDns({"txt.example.com": ["google-site-verification=x"]})
    count = count_lookups(parse_spf("v=spf1 include:txt.example.com -all"), dns)
    assert count.void == 0 and codes(count.problems) == ["target-none"]
    assert count.chain[0].status == "none"


def test_transient_failure_gives_lower_bound() -> None:
    dns = FakeDns({"slow.example.com": "FAIL"})
    count = count_lookups(parse_spf("v=spf1 include:slow.example.com -all"), dns)
    assert (count.total, count.exact) == (1, False)
    assert count.unexpanded == ("slow.example.com",)
    assert codes(count.problems) == ["unresolved"]
    assert count.problems[0].severity == "warning"


def test_broken_resolver_does_not_raise() -> None:
    def broken(name: str) -> Sequence[str]:
        raise RuntimeError("boom")

    count = count_lookups(parse_spf("v=spf1 include:x.example.com -all"), broken)
    assert not count.exact and codes(count.problems) == ["unresolved"]


def test_include_loop_is_reported_and_stops() -> None:
    dns = FakeDns(
        {
            "a.example.com": ["v=spf1 include:b.example.com -all"],
            "b.example.com": ["v=spf1 include:a.example.com -all"],
        }
    )
    count = count_lookups(parse_spf("v=spf1 include:a.example.com -all"), dns)
    assert codes(count.problems) == ["loop"]
    assert count.chain[-1].status == "loop"
    assert count.total == 3


def test_loop_back_to_own_domain() -> None:
    dns = FakeDns({"_spf.example.com": ["v=spf1 include:Example.com. -all"]})
    count = count_lookups(parse_spf("v=spf1 include:_spf.example.com -all"), dns, domain="example.com")
    assert codes(count.problems) == ["loop"]


def test_redirect_follows_all_qualifier() -> None:
    dns = FakeDns({"_spf.example.com": ["v=spf1 include:x.example.net ~all"], "x.example.net": ["v=spf1 -all"]})
    count = count_lookups(parse_spf("v=spf1 ip4:192.0.2.1 redirect=_spf.example.com"), dns)
    assert count.total == 2 and count.exact
    assert count.all_qualifier == "~"
    assert [step.via for step in count.chain] == ["redirect", "include"]


def test_redirect_unexpanded_has_unknown_all() -> None:
    count = count_lookups(parse_spf("v=spf1 redirect=_spf.example.com"))
    assert count.all_qualifier is None and not count.exact


def test_redirect_ignored_when_all_present() -> None:
    dns = FakeDns({})
    count = count_lookups(parse_spf("v=spf1 -all redirect=_spf.example.com"), dns)
    assert count.total == 0 and dns.queries == []


def test_terms_after_all_are_not_counted() -> None:
    count = count_lookups(parse_spf("v=spf1 -all include:a.example.com mx"))
    assert count.total == 0 and count.exact


def test_macro_targets_are_not_expanded() -> None:
    dns = FakeDns({})
    count = count_lookups(parse_spf("v=spf1 include:%{d}.spf.example.com -all"), dns)
    assert count.total == 1 and not count.exact and dns.queries == []


def test_multiple_and_invalid_targets() -> None:
    dns = FakeDns(
        {
            "two.example.com": ["v=spf1 -all", "v=spf1 mx -all"],
            "bad.example.com": ["v=spf1 ip4:192.0.2.300 a -all"],
        }
    )
    count = count_lookups(parse_spf("v=spf1 include:two.example.com include:bad.example.com -all"), dns)
    assert codes(count.problems) == ["target-multiple", "target-invalid"]
    assert [step.status for step in count.chain] == ["multiple", "invalid"]
    assert count.total == 3
    assert "192.0.2.300" in count.problems[1].message


def test_endless_names_stop_at_fetch_limit() -> None:
    def endless(name: str) -> Sequence[str]:
        return [f"v=spf1 include:x.{name} -all"]

    count = count_lookups(parse_spf("v=spf1 include:example.com -all"), endless)
    assert not count.exact and count.total > MAX_FETCHES
    assert codes(count.problems) == ["lookups"]


def test_loops_show_their_chain_and_exceed_any_limit() -> None:
    dns = FakeDns(
        {
            "a.example.com": ["v=spf1 include:b.example.com -all"],
            "b.example.com": ["v=spf1 redirect=A.example.com"],
        }
    )
    count = count_lookups(parse_spf("v=spf1 include:a.example.com -all"), dns, domain="example.com")
    assert count.loops == ("example.com -> include:a.example.com -> include:b.example.com -> redirect:a.example.com",)
    assert count.over_limit and count.total == 3
    own = count_lookups(parse_spf("v=spf1 include:example.com -all"), FakeDns({}), domain="example.com")
    assert own.loops == ("example.com -> include:example.com",)
    fine = count_lookups(parse_spf("v=spf1 include:b.example.com -all"), FakeDns({"b.example.com": ["v=spf1 -all"]}))
    assert fine.loops == () and not fine.over_limit
