"""Parse 10,000 SPF and 10,000 DMARC records and print the time taken.

The records are a seeded, realistic mix: provider includes, ip4/ip6 blocks,
a/mx with prefixes, macros, redirects, and a share of broken records.
Target: under one second for each batch. Run: python benchmarks/bench_mailauth.py
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emailiac.mailauth import parse_dmarc, parse_spf

COUNT = 10_000
TARGET_SECONDS = 1.0

INCLUDES = [
    "include:_spf.google.com",
    "include:spf.protection.outlook.com",
    "include:amazonses.com",
    "include:sendgrid.net",
    "include:mailgun.org",
    "include:servers.mcsv.net",
    "include:_spf.salesforce.com",
    "include:spf.mandrillapp.com",
]
OTHER_TERMS = [
    "a",
    "mx",
    "a/24",
    "mx:mail.example.com/24//64",
    "exists:%{i}._spf.example.com",
    "ptr",
    "ip6:2001:db8::/32",
    "ip6:2001:db8:1234::1",
]
BROKEN_SPF = [
    "v=spf1 ip4:10.0.0.300 -all",
    "v=spf1 include: -all",
    "v=spf1 -all include:example.com",
    "v=spf1 foo:bar ~all",
    "v=spf1 redirect=a.example.com redirect=b.example.com",
    "v=spf10 -all",
]
POLICIES = ["none", "quarantine", "reject"]
BROKEN_DMARC = [
    "v=DMARC1",
    "p=reject; v=DMARC1",
    "v=DMARC1; p=block",
    "v=DMARC1; p=reject; pct=150",
    "v=DMARC1; p=none; rua=https://example.com/r",
    "v=DMARC1; p=reject; p=none",
]


def spf_record(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return rng.choice(BROKEN_SPF)
    if rng.random() < 0.1:
        return f"v=spf1 redirect=_spf.example{rng.randint(1, 999)}.com"
    terms = rng.sample(INCLUDES, rng.randint(0, 4))
    terms += [f"ip4:{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24" for _ in range(4)]
    terms += [f"ip4:198.51.100.{rng.randint(1, 254)}" for _ in range(rng.randint(0, 3))]
    terms += rng.sample(OTHER_TERMS, rng.randint(0, 3))
    rng.shuffle(terms)
    terms.append(rng.choice(["-all", "~all", "~all", "?all", "+all"]))
    return "v=spf1 " + " ".join(terms)


def dmarc_record(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return rng.choice(BROKEN_DMARC)
    domain = f"example{rng.randint(1, 999)}.com"
    tags = [f"p={rng.choice(POLICIES)}"]
    if rng.random() < 0.4:
        tags.append(f"sp={rng.choice(POLICIES)}")
    if rng.random() < 0.2:
        tags.append(f"pct={rng.randint(0, 100)}")
    if rng.random() < 0.8:
        uris = [f"mailto:dmarc@{domain}"]
        if rng.random() < 0.4:
            uris.append(f"mailto:{rng.randint(1000, 9999)}@rua.vendor.example!10m")
        tags.append("rua=" + ",".join(uris))
    if rng.random() < 0.3:
        tags.append(f"ruf=mailto:forensic@{domain}")
        tags.append(rng.choice(["fo=1", "fo=0", "fo=d:s"]))
    if rng.random() < 0.3:
        tags.append(f"adkim={rng.choice('rs')}; aspf={rng.choice('rs')}")
    return "v=DMARC1; " + "; ".join(tags)


def timed(parse: Callable[[str], object], records: list[str]) -> float:
    start = time.perf_counter()
    for record in records:
        parse(record)
    return time.perf_counter() - start


def main() -> int:
    rng = random.Random(20240101)
    spf = [spf_record(rng) for _ in range(COUNT)]
    dmarc = [dmarc_record(rng) for _ in range(COUNT)]
    results = {"SPF": timed(parse_spf, spf), "DMARC": timed(parse_dmarc, dmarc)}
    for name, seconds in results.items():
        verdict = "ok" if seconds < TARGET_SECONDS else "SLOW"
        each = seconds / COUNT * 1e6
        print(f"{name}: parsed {COUNT} records in {seconds:.3f} s ({each:.1f} us each) {verdict}")
    return 0 if all(seconds < TARGET_SECONDS for seconds in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
