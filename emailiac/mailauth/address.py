"""Mail address and host-name checks shared by the report-URI parsers."""

from __future__ import annotations

import re

_LOCAL_PART_RE = re.compile(r"[^\s@,;!]+")
# Underscores appear in real report hosts (service labels), so they are allowed.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})+\.?")


def is_host_name(host: str) -> bool:
    """A multi-label DNS name (optionally with a trailing dot)."""
    return len(host) <= 254 and _HOST_RE.fullmatch(host) is not None


def split_mail_address(address: str) -> tuple[str, str] | None:
    """(local part, lower-case domain) of a valid address, else None."""
    local, at, host = address.rpartition("@")
    if not at or _LOCAL_PART_RE.fullmatch(local) is None or not is_host_name(host):
        return None
    return local, host.rstrip(".").lower()
