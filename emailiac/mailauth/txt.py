"""TXT character-string limits (RFC 1035 section 3.3, RFC 7208 section 3.3)."""

from __future__ import annotations

from collections.abc import Sequence

from .problem import Problem

MAX_STRING_BYTES = 255


def check_string_lengths(character_strings: Sequence[str]) -> tuple[Problem, ...]:
    """Report every character-string of one TXT record that exceeds 255 bytes.

    DNS cannot carry such a string: providers reject it or silently split it
    somewhere the author did not choose. ``position`` is the character offset of
    the string inside the concatenated record value.
    """
    problems: list[Problem] = []
    offset = 0
    for index, string in enumerate(character_strings):
        size = len(string.encode("utf-8"))
        if size > MAX_STRING_BYTES:
            problems.append(
                Problem(
                    "long-string",
                    f"TXT character-string {index + 1} at position {offset} is {size} bytes; "
                    f"one string holds at most {MAX_STRING_BYTES} bytes, split it into several",
                    offset,
                )
            )
        offset += len(string)
    return tuple(problems)


def split_txt_value(value: str, limit: int = MAX_STRING_BYTES) -> list[str]:
    """Split a record value into character-strings of at most ``limit`` bytes.

    Receivers concatenate the strings without separators, so the split may fall
    anywhere; it never cuts a UTF-8 sequence in half.
    """
    if limit < 4:
        raise ValueError("limit must leave room for one UTF-8 character")
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in value:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current or not chunks:
        chunks.append("".join(current))
    return chunks
