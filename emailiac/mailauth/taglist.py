"""Splitting "name=value; name=value" records (DMARC, DKIM, MTA-STS, TLS-RPT).

The splitter keeps positions and records what each parser's grammar cares
about (whitespace around "=", empty segments); the parsers decide what is an
error for their own record type.
"""

from __future__ import annotations

from typing import NamedTuple


class RawTag(NamedTuple):
    """One "name=value" segment, trimmed.

    ``name`` and ``value`` are as written (no case folding); ``position`` is the
    offset of the segment, ``value_position`` of the value. ``has_equals`` is
    False for a segment with no "=" (then ``value`` is empty).
    """

    name: str
    value: str
    position: int
    value_position: int
    text: str
    has_equals: bool
    space_around_equals: bool


def split_tags(text: str, separator: str = ";") -> tuple[list[RawTag], list[int]]:
    """Split ``text`` into tags; also return the positions of empty segments.

    One empty segment at the very end (a trailing separator) is allowed by every
    grammar that uses this format, so it is not reported.
    """
    tags: list[RawTag] = []
    empty: list[int] = []
    pieces = text.split(separator)
    last = len(pieces) - 1
    position = 0
    for index, segment in enumerate(pieces):
        stripped = segment.strip()
        if stripped:
            offset = position + (len(segment) - len(segment.lstrip()))
            tags.append(_raw_tag(stripped, offset))
        elif index < last:
            empty.append(position)
        position += len(segment) + len(separator)
    return tags, empty


def _raw_tag(segment: str, offset: int) -> RawTag:
    name, equals, value = segment.partition("=")
    if not equals:
        return RawTag(segment, "", offset, offset + len(segment), segment, False, False)
    stripped_value = value.lstrip()
    value_position = offset + len(name) + 1 + (len(value) - len(stripped_value))
    spaced = name != name.rstrip() or value != stripped_value
    return RawTag(name.rstrip(), stripped_value.rstrip(), offset, value_position, segment, True, spaced)
