"""TLS004 (MX hosts on port 25), judged on probe facts built by hand: every problem named, expiry against the
probe's own time and the baseline's window, an unreachable host not assessed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from emailiac.baseline import Baseline, TlsBaseline
from emailiac.model import Inventory, MxTls, Provenance, Unknown
from emailiac.result import Status
from emailiac.rules.base import Verdict
from emailiac.rules.mxtls import TLS004

HOST = "mx.example.com"
GOOD = MxTls(
    Provenance("dns", f"smtp://{HOST}:25"),
    HOST,
    ("example.com",),
    checked="2026-12-06T10:00:00Z",
    address="192.0.2.25",
    starttls=True,
    tls_version="TLSv1.3",
    cert_names=(HOST,),
    cert_not_after="2027-03-01T00:00:00Z",
)


def judge(fact: MxTls, baseline: Baseline | None = None) -> Verdict:
    [verdict] = TLS004.run(Inventory(facts=[fact], sources={"dns"}), baseline or Baseline())
    return verdict


def test_a_sound_host_passes() -> None:
    verdict = judge(GOOD)
    assert verdict.status is Status.PASS
    assert verdict.message == (
        "MX host mx.example.com (of example.com) offers STARTTLS with TLSv1.3, refuses TLS 1.0/1.1, and its "
        "certificate for mx.example.com is valid until 2027-03-01"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starttls": False, "tls_version": None}, "it offers no STARTTLS, so mail to it travels in plaintext"),
        (
            {"tls_version": None, "handshake_error": "TLSV1_ALERT_PROTOCOL_VERSION", "legacy_versions": ("TLSv1",)},
            "it completes no handshake at TLS 1.2 or later (TLSV1_ALERT_PROTOCOL_VERSION); it still accepts TLS 1.0",
        ),
        (
            {"cert_not_after": "2026-12-01T00:00:00Z", "verify_error": "certificate has expired"},
            "its certificate expired on 2026-12-01",
        ),
        ({"cert_not_after": "2026-12-19T00:00:00Z"}, "its certificate expires on 2026-12-19, within 14 days"),
        (
            {"cert_names": ("*.other.example",), "verify_error": "Hostname mismatch, certificate is not valid"},
            "its certificate is for *.other.example, not mx.example.com",
        ),
        (
            {"verify_error": "self-signed certificate"},
            "its certificate does not verify (self-signed certificate)",
        ),
        ({"legacy_versions": ("TLSv1.1",)}, "it still accepts TLS 1.1"),
    ],
)
def test_each_problem_fails_naming_the_host(changes: dict[str, object], message: str) -> None:
    verdict = judge(replace(GOOD, **changes))  # type: ignore[arg-type]
    assert verdict.status is Status.FAIL
    assert verdict.message == f"MX host mx.example.com (of example.com): {message}"
    assert verdict.subject.address == "smtp://mx.example.com:25"


def test_wildcard_certificate_covers_one_label() -> None:
    assert judge(replace(GOOD, cert_names=("*.example.com",))).status is Status.PASS
    assert judge(replace(GOOD, host="a.mx.example.com", cert_names=("*.example.com",))).status is Status.FAIL


def test_expiry_window_comes_from_the_baseline() -> None:
    soon = replace(GOOD, cert_not_after="2026-12-16T00:00:00Z")  # 9.6 days after the probe
    assert judge(soon).status is Status.FAIL
    assert judge(soon, Baseline(tls=TlsBaseline(cert_min_days=7))).status is Status.PASS


def test_unreachable_host_and_unknown_legacy_check_are_not_assessed() -> None:
    dead = MxTls(GOOD.prov, HOST, ("example.com",), GOOD.checked, error="cannot connect to 192.0.2.25: timed out")
    verdict = judge(dead)
    assert verdict.status is Status.NOT_ASSESSED
    assert (
        verdict.message
        == "MX host mx.example.com (of example.com) could not be probed: cannot connect to 192.0.2.25: timed out"
    )
    unknown = replace(GOOD, legacy_versions=Unknown("the TLS 1.0/1.1 check failed: timed out"))
    assert judge(unknown).status is Status.NOT_ASSESSED
    # A known problem is still reported when the legacy check could not be made.
    assert judge(replace(unknown, starttls=False)).status is Status.FAIL
