"""SPF macro-string and domain-spec syntax (RFC 7208 sections 7 and 12)."""

from __future__ import annotations

import re
from typing import NamedTuple

# macro-expand: %{letter digits [r] delimiters} or one of the escapes %% %_ %-.
_MACRO_RE = re.compile(r"%(?:\{([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)\}|[%_-])")
_DOMAIN_LETTERS = frozenset("slodiphv")
# c, r and t expand only inside explanation text (RFC 7208 section 7.2).
_EXP_ONLY_LETTERS = frozenset("crt")
_TOPLABEL_RE = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]")
_VISIBLE_RE = re.compile(r"[\x21-\x7e]*")


class SpecError(NamedTuple):
    """Why a domain-spec is invalid: ``code`` is "syntax", "macro" or "domain-spec"."""

    code: str
    reason: str


def macro_string_error(value: str) -> tuple[SpecError | None, int]:
    """Validate a macro-string; return the error (or None) and where the last macro ended.

    The second item is -1 when the string holds no macro.
    """
    if _VISIBLE_RE.fullmatch(value) is None:
        return SpecError("syntax", "contains a character that is not visible ASCII"), -1
    last_end = -1
    start = value.find("%")
    while start >= 0:
        match = _MACRO_RE.match(value, start)
        if match is None:
            fragment = value[start : start + 4]
            return SpecError("macro", f"has an invalid macro {fragment!r} (use %{{x}}, %%, %_ or %-)"), -1
        letter, digits = match.group(1), match.group(2)
        if letter is not None:
            lowered = letter.lower()
            if lowered in _EXP_ONLY_LETTERS:
                return (
                    SpecError("macro", f"uses macro letter {letter!r}, allowed only in explanation text"),
                    -1,
                )
            if lowered not in _DOMAIN_LETTERS:
                return SpecError("macro", f"uses unknown macro letter {letter!r}"), -1
            if digits and int(digits) == 0:
                return SpecError("macro", f"keeps zero labels in macro {match.group(0)!r}"), -1
        last_end = match.end()
        start = value.find("%", last_end)
    return None, last_end


def domain_spec_error(spec: str) -> SpecError | None:
    """Validate a domain-spec: a macro-string ending in "." toplabel or in a macro."""
    if not spec:
        return SpecError("domain-spec", "has an empty domain")
    error, last_macro_end = macro_string_error(spec)
    if error is not None:
        return error
    if last_macro_end == len(spec):
        return None
    tail = spec[last_macro_end:] if last_macro_end >= 0 else spec
    if tail.endswith("."):
        tail = tail[:-1]
    dot = tail.rfind(".")
    if dot < 0 or _TOPLABEL_RE.fullmatch(tail, dot + 1) is None:
        return SpecError("domain-spec", "does not end in a valid top-level label")
    if last_macro_end < 0:
        # Without macros the name is final, so DNS label limits apply now.
        name = spec[:-1] if spec.endswith(".") else spec
        labels = name.split(".")
        if any(not label for label in labels):
            return SpecError("domain-spec", "has an empty label")
        if any(len(label) > 63 for label in labels):
            return SpecError("domain-spec", "has a label over 63 characters")
        if len(name) > 253:
            return SpecError("domain-spec", "is longer than 253 characters")
    return None


def split_domain_cidr(value: str) -> tuple[str, str]:
    """Split "domain/24//64" at the first slash outside a macro's braces."""
    if "%" not in value:
        slash = value.find("/")
    else:
        slash = -1
        in_macro = False
        for index, char in enumerate(value):
            if in_macro:
                in_macro = char != "}"
            elif char == "{" and index and value[index - 1] == "%":
                in_macro = True
            elif char == "/":
                slash = index
                break
    if slash < 0:
        return value, ""
    return value[:slash], value[slash:]
