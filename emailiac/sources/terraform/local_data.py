"""The data source that reads the local disk during plan: `local_file` (hashicorp/local).

Terraform reads a data source whose arguments are known while it plans, so a file named by a known path is
as known as `file()` of it, and read the same way: relative to the root module, only inside the linted tree,
each read recorded for the caches. Conditional-access policies kept as JSON files and loaded this way are
then judged like any other. `local_sensitive_file` is left unknown: its text must never reach a report.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable

from emailiac.model import Unknown
from emailiac.sources.terraform.fn_base import BudgetExceeded, EvalContext, FunctionError, NotEvaluated, digest_text
from emailiac.sources.terraform.fn_files import read_bytes
from emailiac.sources.terraform.unknowns import EvalError

__all__ = ["local_file_attribute"]


# The read-only attributes the provider computes from the file's bytes.
_ATTRIBUTES: dict[str, Callable[[bytes], str]] = {
    # Invalid UTF-8 becomes the replacement character, as the provider documents (file() would fail).
    "content": lambda data: data.decode("utf-8", errors="replace"),
    "content_base64": lambda data: base64.b64encode(data).decode("ascii"),
    "content_md5": functools.partial(digest_text, "md5", "hex"),
    "content_sha1": functools.partial(digest_text, "sha1", "hex"),
    "content_sha256": functools.partial(digest_text, "sha256", "hex"),
    "content_sha512": functools.partial(digest_text, "sha512", "hex"),
    "content_base64sha256": functools.partial(digest_text, "sha256", "b64"),
    "content_base64sha512": functools.partial(digest_text, "sha512", "b64"),
    "id": functools.partial(digest_text, "sha1", "hex"),
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
