"""The live resolver against a real authoritative server on loopback: TCP after truncation, CNAME chains,
NXDOMAIN against NODATA, failures that are never absences, --nameserver parsing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from emailiac.sources.dns.resolver import LiveResolver, NameserverError, parse_nameserver


def resolver(world: Any, timeout: float = 2.0) -> LiveResolver:
    return LiveResolver([("127.0.0.1", world.dns.port)], timeout=timeout)


def test_truncated_udp_answer_is_retried_over_tcp(world: Any) -> None:
    answer = resolver(world).query("good.example", "TXT")
    assert answer.status == "ok" and len(answer.values) == 5
    assert sum(len(v) for v in answer.values) > 512
    asked = [(proto, rtype) for proto, name, rtype in world.dns.log if name == "good.example" and rtype == "TXT"]
    assert asked[-2:] == [("udp", "TXT"), ("tcp", "TXT")]


def test_txt_character_strings_are_joined_with_nothing_and_kept(world: Any) -> None:
    answer = resolver(world).query("selector1._domainkey.good.example", "TXT")
    (strings,) = answer.strings
    assert len(strings) == 2 and all(len(s) <= 255 for s in strings)
    assert answer.values == ("".join(strings),)
    assert answer.values[0].startswith("v=DKIM1; k=rsa; p=MIIB") and " " not in answer.values[0][18:]


def test_cname_chain_is_followed_and_kept(world: Any) -> None:
    answer = resolver(world).query("old._domainkey.weakkey.example", "TXT")
    assert answer.status == "ok"
    assert answer.values == ("v=DKIM1; k=rsa; p=",)
    assert answer.chain == (
        ("old._domainkey.weakkey.example", "old.keys.weakkey.example"),
        ("old.keys.weakkey.example", "revoked.keys.weakkey.example"),
    )


def test_nxdomain_nodata_and_empty_non_terminal(world: Any) -> None:
    live = resolver(world)
    assert live.query("gone1.void.example", "TXT").status == "nxdomain"
    assert live.query("noaddress.void.example", "A").status == "nodata"
    assert live.query("keys.weakkey.example", "TXT").status == "nodata"  # only names below it exist
    assert live.query("gone1.void.example", "TXT").void and live.query("keys.weakkey.example", "TXT").void


def test_failures_are_not_absences(world: Any) -> None:
    live = resolver(world, timeout=0.3)
    refused = live.query("elsewhere.test", "TXT")
    assert refused.status == "failed" and "REFUSED" in refused.reason and not refused.void
    world.dns.silent.add("silent.good.example")
    try:
        started = time.monotonic()
        silent = live.query("silent.good.example", "TXT")
        assert time.monotonic() - started < 3
    finally:
        world.dns.silent.discard("silent.good.example")
    assert silent.status == "failed" and not silent.void


def test_answers_are_cached_for_the_run(world: Any) -> None:
    live = resolver(world)
    live.query("loop.example", "MX")
    live.query("loop.example", "MX")
    assert live.queries == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.53", ("192.0.2.53", 53)),
        ("192.0.2.53:5353", ("192.0.2.53", 5353)),
        ("2001:db8::53", ("2001:db8::53", 53)),
        ("[2001:db8::53]:5353", ("2001:db8::53", 5353)),
    ],
)
def test_nameserver_values(text: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["ns.example.com", "192.0.2.53:0", "192.0.2.53:port", "[2001:db8::53", "1.2.3"])
def test_bad_nameserver_values(text: str) -> None:
    with pytest.raises(NameserverError, match="--nameserver"):
        parse_nameserver(text)
