"""Reading Terraform files: file text -> parsed file (blocks with spans, suppressions), or a syntax error.

`parse_file` is the one step that costs real time; it is a pure function of the file's bytes, so it can
run in worker processes and be cached by content hash (see cache.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from emailiac.result import InputError, Suppression
from emailiac.sources.terraform.ast import HclFile
from emailiac.sources.terraform.hcl import HclSyntaxError, parse_hcl
from emailiac.sources.terraform.jsonsyntax import parse_tf_json
from emailiac.sources.terraform.suppress import find_suppressions

__all__ = ["ParsedFile", "decode", "parse_file", "parse_text"]


@dataclass
class ParsedFile:
    path: str
    hcl: HclFile | None  # None when the file did not parse
    error: InputError | None = None
    suppressions: list[Suppression] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The text parsed, kept in the process that read it so that fix planning takes the very text the spans
    # point into rather than reading the file again; never pickled (caches and workers carry the tree only).
    text: str | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[ParsedFile], tuple[object, ...]]:
        return (ParsedFile, (self.path, self.hcl, self.error, self.suppressions, self.warnings))


def parse_text(text: str, path: str) -> ParsedFile:
    try:
        hcl = parse_tf_json(text, path) if path.endswith(".json") else parse_hcl(text, path)
    except HclSyntaxError as exc:
        return ParsedFile(path, None, InputError(f"syntax error: {exc.message}", path, exc.line, exc.column))
    suppressions, warnings = find_suppressions(hcl.comments, text, path, hcl.body.blocks)
    return ParsedFile(path, hcl, None, suppressions, warnings, text)


def decode(data: bytes, path: str) -> str | InputError:
    """A file's text as Terraform reads it: UTF-8, a leading byte-order mark dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputError("file is UTF-16; Terraform reads only UTF-8", path, 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputError("file is not valid UTF-8", path, data[: exc.start].count(b"\n") + 1)


def read_text(path: Path) -> str | InputError:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return InputError(f"cannot read file: {exc.strerror}", str(path))
    return decode(data, str(path))


def parse_file(path: Path) -> ParsedFile:
    text = read_text(path)
    if isinstance(text, InputError):
        return ParsedFile(str(path), None, text)
    return parse_text(text, str(path))


def is_plan_json(text: str) -> bool:
    """A `terraform show -json` document (plan or state) rather than Terraform JSON syntax."""
    head = text.lstrip()[:4096]
    if not head.startswith("{"):
        return False
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and "format_version" in doc and ("planned_values" in doc or "values" in doc)
