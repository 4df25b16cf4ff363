"""Parsers never raise and report positions inside the record, whatever the input.

Inputs are seeded random mutations of the table records plus hand-picked junk, so
the run is deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.mailauth import (
    Problem,
    count_lookups,
    parse_dkim_key,
    parse_dmarc,
    parse_spf,
    parse_sts_policy,
    parse_sts_record,
    parse_tlsrpt,
)

CASES = Path(__file__).parent / "cases"
ALPHABET = "v=spf1DMARC;:,./%{}!-+~?@ \t\r\nairxp0123456789é\x00"


def seeds() -> list[str]:
    texts: list[str] = []
    for name in ("spf", "dmarc", "dkim", "tlsrpt"):
        texts += [case["record"] for case in yaml.safe_load((CASES / f"{name}.yaml").read_text("utf-8"))]
    sts: dict[str, list[dict[str, Any]]] = yaml.safe_load((CASES / "mtasts.yaml").read_text("utf-8"))
    texts += [case["record"] for case in sts["records"]] + [case["text"] for case in sts["policies"]]
    return texts


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        index = rng.randint(0, len(chars))
        if roll < 0.4:
            chars.insert(index, rng.choice(ALPHABET))
        elif roll < 0.7 and chars:
            del chars[min(index, len(chars) - 1)]
        elif chars:
            chars[min(index, len(chars) - 1)] = rng.choice(ALPHABET)
    return "".join(chars)


def inputs() -> list[str]:
    rng = random.Random(7208)
    base = seeds()
    junk = ["", " ", ";", ";;;", "=", "v=", "%", "%{", "\x00", "é" * 300, "v=spf1 " + "a " * 500]
    return junk + base + [mutate(rng.choice(base), rng) for _ in range(3000)]


PARSERS: list[Callable[[str], Any]] = [
    parse_spf,
    parse_dmarc,
    parse_dkim_key,
    parse_sts_record,
    parse_sts_policy,
    parse_tlsrpt,
]


@pytest.mark.parametrize("parser", PARSERS, ids=[p.__name__ for p in PARSERS])
def test_never_raises(parser: Callable[[str], Any]) -> None:
    for text in inputs():
        result = parser(text)
        problems: tuple[Problem, ...] = result.problems
        for problem in problems:
            assert problem.code and problem.message
            assert problem.position is None or 0 <= problem.position <= len(text), (text, problem)
        assert result.valid == (not any(p.is_error for p in problems))


def test_spf_lookup_count_never_raises() -> None:
    for text in inputs():
        count = count_lookups(parse_spf(text))
        assert count.total >= 0
