"""DKIM public-key records (RFC 6376 section 3.6.1, Ed25519 from RFC 8463).

Tag names are case-sensitive (RFC 6376 section 3.2): "P=" is an unknown tag,
not the key. Whitespace is allowed around tags and inside ``p=``, so a key
written as several joined strings ("MIIB... IDAQAB") decodes. The key is read
with ``cryptography``, imported on first use to keep this module cheap to load.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass

from .problem import ERROR, WARNING, Problem, Severity, excerpt, has_errors, sorted_problems
from .taglist import RawTag, split_tags

__all__ = ["DkimKey", "is_dkim_key", "parse_dkim_key"]

_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_KNOWN_TAGS = frozenset({"v", "h", "k", "n", "p", "s", "t"})
_KEY_TYPES = ("rsa", "ed25519")
_HASHES = frozenset({"sha1", "sha256"})
_ED25519_KEY_BYTES = 32
# RFC 8301 section 3.2: verifiers must not accept RSA keys under 1024 bits.
_MIN_RSA_BITS = 1024


@dataclass(frozen=True, slots=True)
class DkimKey:
    """A parsed DKIM key record.

    ``key_type`` is the k= value (default "rsa"); ``public_key`` the base64 text of
    p= without whitespace; ``revoked`` is True for an empty p=; ``key_bits`` the
    decoded key size (256 for Ed25519), None when it cannot be read;
    ``key_format`` is "spki", "pkcs1" or "raw" (Ed25519).
    """

    text: str
    version: str | None
    key_type: str
    hash_algorithms: tuple[str, ...] | None
    service_types: tuple[str, ...]
    flags: tuple[str, ...]
    notes: str | None
    public_key: str | None
    revoked: bool
    key_bits: int | None
    key_format: str | None
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)

    @property
    def testing(self) -> bool:
        """t=y: the domain is testing DKIM and verifiers treat failures leniently."""
        return "y" in self.flags


def is_dkim_key(txt: str) -> bool:
    """True when the text looks like a DKIM key record: it starts with v=DKIM1 or has a p= tag."""
    tags, _ = split_tags(txt)
    if tags and tags[0].name == "v" and tags[0].value == "DKIM1":
        return True
    return any(tag.name == "p" and tag.has_equals for tag in tags)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.values: dict[str, RawTag] = {}

    def problem(self, code: str, tag: RawTag, what: str, severity: Severity = ERROR) -> None:
        self.problems.append(
            Problem(code, f"{excerpt(tag.text)} at position {tag.position} {what}", tag.position, severity)
        )

    def record(self, code: str, what: str, severity: Severity = ERROR) -> None:
        self.problems.append(Problem(code, f"DKIM key record {what}", None, severity))

    def collect(self) -> None:
        raw_tags, empty = split_tags(self.text)
        for position in empty:
            self.problems.append(
                Problem("empty-tag", f"DKIM key record has an empty tag at position {position}", position, WARNING)
            )
        for index, raw in enumerate(raw_tags):
            if not raw.has_equals or _TAG_NAME_RE.fullmatch(raw.name) is None:
                self.problem("syntax", raw, "is not a tag=value pair")
                continue
            if raw.name in self.values:
                # RFC 6376 section 3.2: a repeated tag invalidates the whole record.
                self.problem("duplicate", raw, f"repeats the {raw.name} tag")
                continue
            self.values[raw.name] = raw
            if raw.name == "v" and index:
                self.problem("version", raw, "must be the first tag when present")
            elif raw.name not in _KNOWN_TAGS:
                hint = (
                    f" (tag names are case-sensitive: {raw.name.lower()}=)" if raw.name.lower() in _KNOWN_TAGS else ""
                )
                self.problem("unknown-tag", raw, f"is an unknown tag{hint}; verifiers ignore it", WARNING)

    def version(self) -> str | None:
        raw = self.values.get("v")
        if raw is None:
            return None
        if raw.value != "DKIM1":
            self.problem("version", raw, "must be v=DKIM1")
        return raw.value

    def key_type(self) -> str:
        raw = self.values.get("k")
        if raw is None:
            return "rsa"
        key_type = raw.value.lower()
        if key_type not in _KEY_TYPES:
            self.problem("key-type", raw, "names a key type other than rsa or ed25519")
        return key_type

    def hashes(self) -> tuple[str, ...] | None:
        raw = self.values.get("h")
        if raw is None:
            return None
        names = tuple(item.strip().lower() for item in raw.value.split(":"))
        known = [name for name in names if name in _HASHES]
        if not known:
            self.problem("hash", raw, "allows no usable hash algorithm (sha256)")
        elif known == ["sha1"]:
            self.problem("hash", raw, "allows only sha1, which verifiers reject (RFC 8301)")
        elif len(known) != len(names):
            self.problem("unknown-hash", raw, "names an unknown hash algorithm", WARNING)
        return names

    def services(self) -> tuple[str, ...]:
        raw = self.values.get("s")
        if raw is None:
            return ("*",)
        services = tuple(item.strip().lower() for item in raw.value.split(":"))
        if "*" not in services and "email" not in services:
            self.problem("service", raw, "excludes email (s= must contain * or email)")
        return services

    def flags(self) -> tuple[str, ...]:
        raw = self.values.get("t")
        return () if raw is None else tuple(item.strip().lower() for item in raw.value.split(":"))


def _read_key(der: bytes, key_type: str) -> tuple[int | None, str | None, str | None]:
    """Return (bits, format, error) for decoded p= bytes."""
    if key_type == "ed25519":
        if len(der) != _ED25519_KEY_BYTES:
            return None, None, f"is not a raw 32-byte Ed25519 key ({len(der)} bytes; RFC 8463)"
        return 256, "raw", None
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        key = load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm):
        return None, None, "is not a DER public key"
    if not isinstance(key, RSAPublicKey):
        return None, None, f"holds a {type(key).__name__} key, not RSA"
    # After the outer SEQUENCE header: SubjectPublicKeyInfo nests a SEQUENCE (0x30),
    # a bare PKCS#1 RSAPublicKey starts with the modulus INTEGER (0x02).
    header = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    key_format = "pkcs1" if der[header : header + 1] == b"\x02" else "spki"
    return key.key_size, key_format, None


@functools.lru_cache(maxsize=4096)  # pure: rules parse the same record several times
def parse_dkim_key(txt: str) -> DkimKey:
    """Parse a DKIM key record; never raises, problems describe what is wrong."""
    parser = _Parser(txt)
    parser.collect()
    version = parser.version()
    key_type = parser.key_type()
    hashes = parser.hashes()
    services = parser.services()
    flags = parser.flags()
    notes_tag = parser.values.get("n")
    raw_key = parser.values.get("p")
    public_key: str | None = None
    revoked = False
    bits: int | None = None
    key_format: str | None = None
    if raw_key is None:
        parser.record("p-missing", "has no p= tag")
    else:
        public_key = "".join(raw_key.value.split())
        revoked = not public_key
        if revoked:
            parser.problem("revoked", raw_key, "is empty: the key is revoked", WARNING)
        elif key_type in _KEY_TYPES:
            bits, key_format = _decode(parser, raw_key, public_key, key_type)
    return DkimKey(
        text=txt,
        version=version,
        key_type=key_type,
        hash_algorithms=hashes,
        service_types=services,
        flags=flags,
        notes=None if notes_tag is None else notes_tag.value,
        public_key=public_key,
        revoked=revoked,
        key_bits=bits,
        key_format=key_format,
        problems=sorted_problems(parser.problems),
    )


def _decode(parser: _Parser, raw_key: RawTag, public_key: str, key_type: str) -> tuple[int | None, str | None]:
    try:
        der = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        parser.problem("base64", raw_key, "is not valid base64")
        return None, None
    if not der:
        parser.problem("base64", raw_key, "decodes to nothing")
        return None, None
    bits, key_format, error = _read_key(der, key_type)
    if error is not None:
        parser.problem("key", raw_key, error)
    elif key_type == "rsa" and bits is not None and bits < _MIN_RSA_BITS:
        parser.problem("weak-key", raw_key, f"is a {bits}-bit RSA key; verifiers require 1024 bits or more")
    return bits, key_format
