"""Inline suppressions: `# emailiac:ignore[RULE, RULE] reason until=YYYY-MM-DD`.

A comment (`#`, `//` or `/* */`; in `.tf.json`, a `"//"` property) inside a block covers that block; one on the
line(s) above a block covers the block that follows. Only comments count: the same words inside a string or a
heredoc are text (the parser hands us the comments it skipped).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from emailiac.result import Suppression
from emailiac.sources.terraform.ast import Block, Comment

__all__ = ["find_suppressions"]

_MARKER = re.compile(
    r"(?:#|//|/\*)\s*emailiac:ignore\[(?P<ids>[^\]]*)\]\s*(?P<reason>.*?)\s*(?:\*/)?\s*$", re.IGNORECASE
)
_UNTIL = re.compile(r"\buntil=(\d{4}-\d{2}-\d{2})\b")


def _spans(blocks: Sequence[Block]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for block in blocks:
        spans.append((block.pos.line, block.pos.end_line))
        spans.extend(_spans(block.body.blocks))
    return spans


def _marked_lines(comments: Sequence[Comment]) -> list[tuple[int, re.Match[str]]]:
    marked = []
    for comment in comments:
        if "emailiac:ignore" not in comment.text.lower():
            continue
        for offset, line in enumerate(comment.text.split("\n")):
            match = _MARKER.search(line)
            if match is not None:
                marked.append((comment.line + offset, match))
    return marked


def find_suppressions(
    comments: Sequence[Comment], text: str, path: str, blocks: Sequence[Block]
) -> tuple[list[Suppression], list[str]]:
    """The suppressions in a file's comments, and warnings about malformed or misplaced ones."""
    marked = _marked_lines(comments)
    if not marked:
        return [], []
    lines = text.splitlines()
    spans = _spans(blocks)
    found: list[Suppression] = []
    warnings: list[str] = []
    for number, match in marked:
        ids = tuple(i.strip().upper() for i in match.group("ids").split(",") if i.strip())
        reason = match.group("reason")
        until = None
        until_match = _UNTIL.search(reason)
        if until_match:
            until = until_match.group(1)
            reason = _UNTIL.sub("", reason).strip()
            try:
                dt.date.fromisoformat(until)
            except ValueError:
                warnings.append(f"{path}:{number}: emailiac:ignore has an invalid date {until}")
                continue
        # The innermost block containing the comment, else the block starting on the next code line.
        inside = [s for s in spans if s[0] <= number <= s[1]]
        if inside:
            first, last = min(inside, key=lambda s: s[1] - s[0])
        else:
            following = [s for s in spans if s[0] > number]
            nxt = min(following, default=None)
            gap = lines[number : nxt[0] - 1] if nxt else []
            if nxt is None or any(g.strip() and not g.strip().startswith(("#", "//", "/*")) for g in gap):
                warnings.append(f"{path}:{number}: emailiac:ignore is not inside or directly above a block")
                continue
            first, last = nxt
        found.append(Suppression(path, number, first, last, ids, reason, until))
    return found, warnings
