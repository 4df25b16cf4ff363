"""Table-driven tests of the DKIM key parser (cases/dkim.yaml) over real keys."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from emailiac.mailauth.dkim import is_dkim_key, parse_dkim_key
from emailiac.mailauth.txt import check_string_lengths, split_txt_value

HERE = Path(__file__).parent
FIXTURES = HERE.parents[1] / "fixtures" / "dkim"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases" / "dkim.yaml").read_text("utf-8"))


def fixture_key(name: str) -> str:
    """The p= value of a stored public-key record."""
    record = (FIXTURES / f"{name}.txt").read_text("ascii").strip()
    return record.rsplit("p=", 1)[1]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@cache
def keys() -> dict[str, str]:
    rsa1024 = fixture_key("rsa1024")
    rsa2048 = fixture_key("rsa2048")
    ed = fixture_key("ed25519")
    spki = serialization.load_der_public_key(base64.b64decode(rsa1024))
    assert isinstance(spki, rsa.RSAPublicKey)
    pkcs1 = spki.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    ed_spki = ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(ed)).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    ec_der = ec_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    # A 512-bit modulus to exercise the RFC 8301 floor; key generation refuses sizes
    # this small, so the public numbers are built directly (only the size matters).
    rsa512 = rsa.RSAPublicNumbers(65537, (1 << 511) + 24691).public_key()
    rsa512_der = rsa512.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "rsa1024": rsa1024,
        "rsa2048": rsa2048,
        "ed25519": ed,
        "pkcs1": b64(pkcs1),
        "ed25519_spki": b64(ed_spki),
        "ec": b64(ec_der),
        "rsa2048_split": " ".join(rsa2048[i : i + 100] for i in range(0, len(rsa2048), 100)),
        "rsa512": b64(rsa512_der),
    }


def render(record: str) -> str:
    for name, value in keys().items():
        record = record.replace("{" + name + "}", value)
    return record


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dkim_case(case: dict[str, Any]) -> None:
    key = parse_dkim_key(render(case["record"]))
    assert [p.code for p in key.problems] == case["codes"], key.problems
    assert key.valid == (not any(p.is_error for p in key.problems))
    expectations = {
        "bits": key.key_bits,
        "key_type": key.key_type,
        "revoked": key.revoked,
        "format": key.key_format,
        "testing": key.testing,
        "version": key.version,
    }
    for name, actual in expectations.items():
        if name in case:
            assert actual == case[name], name


@pytest.mark.parametrize(("name", "bits"), [("rsa1024", 1024), ("rsa2048", 2048), ("ed25519", 256)])
def test_fixture_records(name: str, bits: int) -> None:
    text = (FIXTURES / f"{name}.txt").read_text("ascii").strip()
    key = parse_dkim_key(text)
    assert key.valid and key.problems == ()
    assert key.key_bits == bits
    assert is_dkim_key(text)


def test_long_key_needs_split_strings() -> None:
    text = (FIXTURES / "rsa2048.txt").read_text("ascii").strip()
    assert [p.code for p in check_string_lengths([text])] == ["long-string"]
    parts = split_txt_value(text)
    assert check_string_lengths(parts) == ()
    assert parse_dkim_key("".join(parts)).key_bits == 2048


def test_long_tag_text_is_shortened_in_messages() -> None:
    key = parse_dkim_key("v=DKIM1; h=sha1; p=" + keys()["rsa2048"])
    assert [p.code for p in key.problems] == ["hash"]
    bad = parse_dkim_key("v=DKIM1; k=ed25519; p=" + keys()["rsa2048"])
    assert len(bad.problems[0].message) < 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [("v=DKIM1; p=abc", True), ("k=rsa; p=abc", True), ("v=spf1 -all", False), ("", False)],
)
def test_is_dkim_key(text: str, expected: bool) -> None:
    assert is_dkim_key(text) is expected
