"""File and path functions, confined to the linted tree.

Terraform resolves relative paths against the folder it runs in, the root module's; so do we. A path that
leads outside the folders the run was asked to lint (after resolving symlinks) is never opened: the call's
value is unknown and says why. Every read is recorded in the context, so a cached result is reused only
while what was read is unchanged (see readlog.py).
"""

from __future__ import annotations

import base64
import os
import posixpath
import re
from pathlib import Path
from typing import Any

from emailiac.sources.terraform.fn_base import (
    MAX_ITEMS,
    MAX_TEXT,
    BudgetExceeded,
    EvalContext,
    Function,
    FunctionError,
    NotEvaluated,
    as_str,
    digest_text,
)
from emailiac.sources.terraform.fn_collections import TfSet
from emailiac.sources.terraform.readlog import content_digest, listing_digest

__all__ = ["FILE_FUNCTIONS", "PATH_FUNCTIONS", "fileset_of", "read_bytes", "read_text"]


def read_bytes(ctx: EvalContext, path: Any) -> bytes:
    name = as_str(path)
    real = ctx.locate(name)
    try:
        if real.stat().st_size > MAX_TEXT:
            raise BudgetExceeded(f"{name} is larger than emailiac reads")
        data = real.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        ctx.reads[f"file:{real}"] = "missing"
        raise FunctionError(f"no file exists at {name}") from None
    except OSError as exc:
        raise NotEvaluated(f"{name} cannot be read ({exc.strerror})") from None
    ctx.reads[f"file:{real}"] = content_digest(data)
    return data


def read_text(ctx: EvalContext, path: Any) -> str:
    data = read_bytes(ctx, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError(f"contents of {as_str(path)} are not valid UTF-8; use filebase64") from None


def _fileexists(ctx: EvalContext, path: Any) -> bool:
    name = as_str(path)
    real = ctx.locate(name)
    if real.is_dir():
        raise FunctionError(f"{name} is a directory, not a file")
    exists = real.is_file()
    ctx.reads[f"exists:{real}"] = str(exists)
    return exists


def _hash_of(algorithm: str, encode: str) -> Any:
    def run(ctx: EvalContext, path: Any) -> str:
        return digest_text(algorithm, encode, read_bytes(ctx, path))

    return run


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """doublestar's glob syntax (`**`, `*`, `?`, `[...]`, `{a,b}`) as a regular expression over `/` paths."""
    out: list[str] = []
    i = 0
    depth = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise FunctionError(f"invalid glob pattern {pattern!r}")
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        elif ch == "{":
            out.append("(?:")
            depth += 1
        elif ch == "}" and depth:
            out.append(")")
            depth -= 1
        elif ch == "," and depth:
            out.append("|")
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        raise FunctionError(f"invalid glob pattern {pattern!r}")
    return re.compile("".join(out))


def fileset_of(ctx: EvalContext, base: Path, pattern: str) -> list[str]:
    regex = _glob_regex(pattern)
    found: list[str] = []
    seen = 0
    for current, dirs, files in os.walk(base, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            seen += 1
            if seen > MAX_ITEMS:
                raise BudgetExceeded(f"fileset() over more than {MAX_ITEMS} files exceeds emailiac's budget")
            full = Path(current) / name
            rel = full.relative_to(base).as_posix()
            if regex.fullmatch(rel):
                try:
                    ctx.locate(str(full))
                except NotEvaluated:
                    continue  # a symlink leading out of the tree is not listed, and never read
                found.append(rel)
    return sorted(found)


def _fileset(ctx: EvalContext, path: Any, pattern: Any) -> list[str]:
    base = ctx.locate(as_str(path))
    result = fileset_of(ctx, base, as_str(pattern))
    ctx.reads[f"fileset:{base}\0{as_str(pattern)}"] = listing_digest(result)
    return TfSet(result)


def _go_clean(path: str) -> str:
    return posixpath.normpath(path) if path else "."


def _basename(path: Any) -> str:
    text = as_str(path)
    if text == "":
        return "."
    text = text.rstrip("/")
    return "/" if text == "" else text.rsplit("/", 1)[-1]


def _dirname(path: Any) -> str:
    text = as_str(path)
    cut = text.rfind("/")
    return _go_clean(text[: cut + 1])


def _abspath(ctx: EvalContext, path: Any) -> str:
    text = as_str(path)
    return _go_clean(text if text.startswith("/") else f"{ctx.cwd.absolute().as_posix()}/{text}")


def _pathexpand(path: Any) -> str:
    text = as_str(path)
    if text == "~" or text.startswith("~/"):
        raise NotEvaluated("pathexpand() depends on the home folder of the machine that runs Terraform")
    return text


FILE_FUNCTIONS: dict[str, Function] = {
    "file": Function(read_text, needs_context=True),
    "filebase64": Function(lambda ctx, p: base64.b64encode(read_bytes(ctx, p)).decode(), needs_context=True),
    "fileexists": Function(_fileexists, needs_context=True),
    "fileset": Function(_fileset, needs_context=True),
    "filemd5": Function(_hash_of("md5", "hex"), needs_context=True),
    "filesha1": Function(_hash_of("sha1", "hex"), needs_context=True),
    "filesha256": Function(_hash_of("sha256", "hex"), needs_context=True),
    "filesha512": Function(_hash_of("sha512", "hex"), needs_context=True),
    "filebase64sha256": Function(_hash_of("sha256", "b64"), needs_context=True),
    "filebase64sha512": Function(_hash_of("sha512", "b64"), needs_context=True),
}

PATH_FUNCTIONS: dict[str, Function] = {
    "abspath": Function(_abspath, needs_context=True),
    "basename": Function(_basename),
    "dirname": Function(_dirname),
    "pathexpand": Function(_pathexpand),
}
