"""TLS004: what each MX host shows a sending server on port 25 (live DNS scans only).

One verdict per MX host: a finding lists every problem seen (no STARTTLS; no TLS 1.2+ handshake; a
certificate that does not verify, is not for the host, has expired or expires within the baseline's window;
TLS 1.0/1.1 still accepted). Expiry is judged against the time of the probe, so a saved inventory gives the
same verdict later. A host that could not be probed is not assessed, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.mailauth.mtasts import mx_pattern_matches
from emailiac.model import Inventory, MxTls, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed

__all__ = ["RULES"]

_VERSION_NAMES = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1"}


def _time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _certificate_problems(mx: MxTls, min_days: int) -> list[str]:
    problems: list[str] = []
    expired = mismatch = False
    if mx.cert_not_after is not None:
        left = _time(mx.cert_not_after) - _time(mx.checked)
        day = mx.cert_not_after[:10]
        if left.total_seconds() <= 0:
            expired = True
            problems.append(f"its certificate expired on {day}")
        elif left < dt.timedelta(days=min_days):
            problems.append(f"its certificate expires on {day}, within {min_days} days")
    if mx.cert_names and not any(mx_pattern_matches(name, mx.host) for name in mx.cert_names):
        mismatch = True
        problems.append(f"its certificate is for {', '.join(mx.cert_names)}, not {mx.host}")
    error = mx.verify_error
    if error and not (expired and "expired" in error) and not (mismatch and error.startswith("Hostname mismatch")):
        problems.append(f"its certificate does not verify ({error})")
    return problems


def _problems(mx: MxTls, min_days: int) -> list[str]:
    if not mx.starttls:
        return ["it offers no STARTTLS, so mail to it travels in plaintext"]
    problems: list[str] = []
    if mx.tls_version is None:
        problems.append(f"it completes no handshake at TLS 1.2 or later ({mx.handshake_error or 'refused'})")
    problems += _certificate_problems(mx, min_days)
    if isinstance(mx.legacy_versions, tuple) and mx.legacy_versions:
        problems.append(f"it still accepts {' and '.join(_VERSION_NAMES.get(v, v) for v in mx.legacy_versions)}")
    return problems


def _check_mx_tls(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    min_days = baseline.tls.cert_min_days
    for mx in sorted(inventory.of(MxTls), key=lambda m: m.host):
        label = f"MX host {mx.host} (of {', '.join(mx.domains)})"
        evidence = f"{mx.host} smtp tls"
        if mx.error is not None:
            yield not_assessed(mx.prov, f"{label} could not be probed: {mx.error}", evidence=evidence)
            continue
        problems = _problems(mx, min_days)
        if problems:
            yield fail(
                mx.prov,
                f"{label}: {'; '.join(problems)}",
                evidence=evidence,
                fix_hint=f"Offer STARTTLS on {mx.host} with TLS 1.2 or later only and a valid certificate for "
                f"{mx.host}, renewed before the last {min_days} days",
                host=mx.host,
                problems=problems,
            )
        elif isinstance(mx.legacy_versions, Unknown):
            yield not_assessed(mx.prov, f"{label}: {mx.legacy_versions.reason}", evidence=evidence)
        else:
            yield passed(
                mx.prov,
                f"{label} offers STARTTLS with {mx.tls_version}, refuses TLS 1.0/1.1, and its certificate for "
                f"{mx.host} is valid until {(mx.cert_not_after or '')[:10]}",
                evidence=evidence,
            )


TLS004 = Rule(
    id="TLS004",
    slug="mx-host-tls",
    title="MX host without sound STARTTLS",
    severity=Severity.HIGH,
    family="tls",
    sources=("dns",),
    summary=(
        "Connects to every MX host of the scanned domains on port 25 (live DNS scans: `emailiac scan --dns`) and "
        "fails when the host offers no STARTTLS, completes no handshake at TLS 1.2 or later, presents a "
        "certificate that does not verify, is not valid for the MX host name, has expired or expires within the "
        "baseline's window (`tls.cert_min_days`, default 14 days), or still accepts TLS 1.0 or 1.1. A host that "
        "cannot be reached within the timeout is not assessed."
    ),
    rationale=(
        "Without STARTTLS, mail travels in plaintext; with an invalid or expired certificate, senders that "
        "enforce MTA-STS or DANE refuse to deliver, and the rest cannot tell the host from an impostor. TLS 1.0 "
        "and 1.1 are retired (RFC 8996)."
    ),
    bad_example=(
        "# Live only: EHLO from mx.example.com offers no STARTTLS, or its certificate is for another name,\n"
        "# has expired, or the host still completes a TLS 1.0 handshake."
    ),
    good_example=(
        "# Live only: mx.example.com offers STARTTLS, negotiates TLS 1.2 or 1.3 only, and presents a\n"
        "# certificate for mx.example.com from a trusted CA, valid for more than 14 days."
    ),
    check=_check_mx_tls,
    references=(
        "https://www.rfc-editor.org/rfc/rfc3207",
        "https://www.rfc-editor.org/rfc/rfc8996",
        "https://www.rfc-editor.org/rfc/rfc8461#section-4.1",
    ),
)


RULES: tuple[Rule, ...] = (TLS004,)
