"""Port and address range maths of firewall rules."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailiac.rules.ports import (
    ALL_PORTS,
    is_broad_private,
    is_world,
    port_text,
    ports_in,
    ranges_text,
    subtract,
)


@pytest.mark.parametrize("source", ["0.0.0.0/0", "::/0", "0::/0", " 0.0.0.0/0 ", "*", "Internet", "ANY"])
def test_world(source: str) -> None:
    assert is_world(source)


@pytest.mark.parametrize("source", ["0.0.0.0/1", "10.0.0.0/8", "VirtualNetwork", "sg:abc", "pl-123", "", "1.2.3.4"])
def test_not_world(source: str) -> None:
    assert not is_world(source)


@pytest.mark.parametrize(
    ("source", "broad"),
    [
        ("10.0.0.0/8", True),
        ("10.0.0.0/15", True),
        ("10.0.0.0/16", False),
        ("10.1.2.3/8", True),  # host bits are ignored, as AWS normalises them
        ("172.16.0.0/12", True),
        ("192.168.0.0/16", False),
        ("fc00::/7", True),
        ("fd12:3456::/48", False),
        ("0.0.0.0/0", False),
        ("11.0.0.0/8", False),
        ("not-a-cidr", False),
    ],
)
def test_broad_private(source: str, broad: bool) -> None:
    assert is_broad_private(source, 16) is broad


def test_ports_in() -> None:
    assert ports_in(((20, 25), (3000, 4000)), (22, 3389, 443)) == [22, 3389]
    assert ports_in((), (22,)) == []


def test_subtract_cuts_holes_and_merges() -> None:
    assert subtract(((20, 30), (25, 40)), (22, 40)) == ((20, 21), (23, 39))
    assert subtract(((22, 22),), (22,)) == ()
    assert subtract(ALL_PORTS, ()) == ALL_PORTS


def test_ranges_text() -> None:
    assert ranges_text(ALL_PORTS) == "every port"
    assert ranges_text(((80, 80), (8000, 8999))) == "80, 8000-8999"
    assert ranges_text(tuple((p, p) for p in range(1, 20, 2)), limit=3) == "1, 3, 5 and 7 more"


def test_port_text() -> None:
    assert port_text(22, "tcp") == "22/tcp (SSH)"
    assert port_text(3389, "all") == "3389 (RDP)"
    assert port_text(22, "udp") == "22/udp"
    assert port_text(8080, "tcp") == "8080/tcp"


_range = st.tuples(st.integers(0, 65535), st.integers(0, 200)).map(lambda t: (t[0], min(65535, t[0] + t[1])))


@given(st.lists(_range, max_size=5).map(tuple), st.lists(st.integers(0, 65535), max_size=10))
def test_subtract_removes_exactly_the_holes(ranges: tuple[tuple[int, int], ...], holes: list[int]) -> None:
    left = subtract(ranges, holes)
    covered = {p for lo, hi in ranges for p in range(lo, hi + 1)}
    remaining = {p for lo, hi in left for p in range(lo, hi + 1)}
    assert remaining == covered - set(holes)
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(left)), "sorted, disjoint, merged"
