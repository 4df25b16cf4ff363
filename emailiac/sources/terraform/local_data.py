"""The data source that reads the local disk during plan: `local_file` (hashicorp/local).

Terraform reads a data source whose arguments are known while it plans, so a file named by a known path is
as known as `file()` of it, and read the same way: relative to the root module, only inside the linted tree,
each read recorded for the caches. Conditional-access policies kept as JSON files and loaded this way are
then judged like any other. `local_sensitive_file` is left unknown: its text must never reach a report.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from emailiac.model import Unknown
from emailiac.sources.terraform.evaluate import EvalError
from emailiac.sources.terraform.fn_base import BudgetExceeded, EvalContext, FunctionError, NotEvaluated
from emailiac.sources.terraform.fn_files import read_bytes

__all__ = ["local_file_attribute"]


def _hex(name: str) -> Callable[[bytes], str]:
    return lambda data: hashlib.new(name, data, usedforsecurity=False).hexdigest()


def _b64(name: str) -> Callable[[bytes], str]:
    return lambda data: base64.b64encode(hashlib.new(name, data, usedforsecurity=False).digest()).decode("ascii")


# The read-only attributes the provider computes from the file's bytes.
_ATTRIBUTES: dict[str, Callable[[bytes], str]] = {
    # Invalid UTF-8 becomes the replacement character, as the provider documents (file() would fail).
    "content": lambda data: data.decode("utf-8", errors="replace"),
    "content_base64": lambda data: base64.b64encode(data).decode("ascii"),
    "content_md5": _hex("md5"),
    "content_sha1": _hex("sha1"),
    "content_sha256": _hex("sha256"),
    "content_sha512": _hex("sha512"),
    "content_base64sha256": _b64("sha256"),
    "content_base64sha512": _b64("sha512"),
    "id": _hex("sha1"),
}


def local_file_attribute(ctx: EvalContext, address: str, filename: object, key: str) -> str | Unknown:
    """Attribute `key` of the `local_file` data source at `address` reading `filename`. A file that does not
    exist is the error Terraform reports; one outside the tree, or a name not known, stays unknown."""
    compute = _ATTRIBUTES.get(key)
    if compute is None:
        return Unknown(f"{address}.{key} is not an attribute of local_file")
    if isinstance(filename, Unknown):
        return Unknown(f"{address}.{key}: the file name is not known ({filename.reason})", filename.refs)
    if not isinstance(filename, str):
        return EvalError(f"{address}: filename must be a string")
    try:
        return compute(read_bytes(ctx, filename))
    except FunctionError as exc:
        return EvalError(f"{address}: {exc}")
    except BudgetExceeded:
        raise
    except NotEvaluated as exc:
        return Unknown(f"{address}.{key}: {exc}")
