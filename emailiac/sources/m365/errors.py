"""Why a Graph request failed, in words a reader can act on: a denied call names the permission it needs."""

from __future__ import annotations

from typing import Any

__all__ = ["CallFailed", "M365SetupError", "explain"]


class M365SetupError(Exception):
    """The scan cannot start: a bad option, a credential that gets no token. One line, exit 2."""


class CallFailed(Exception):
    """A Graph request failed for good (retries included); `reason` says why, for a not_assessed."""

    def __init__(self, reason: str, status: int | None = None, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code


def _graph_error(exc: Any) -> tuple[int | None, str, str]:
    status = getattr(exc, "response_status_code", None)
    error = getattr(exc, "error", None)
    code = str(getattr(error, "code", "") or "")
    message = str(getattr(error, "message", "") or "")
    return status, code, message


def explain(exc: BaseException, permission: str, what: str) -> CallFailed:
    """The failure of a request for `what`, which needs the application permission `permission`."""
    status, code, message = _graph_error(exc)
    if status == 403 or code in ("Authorization_RequestDenied", "Forbidden", "AccessDenied"):
        reason = f"{code or 'Forbidden'}: missing {permission} (reading {what})"
    elif status == 429 or status in (503, 504):
        reason = f"{status} {code or 'throttled'}: reading {what} still failed after the retries"
    elif status is not None:
        reason = f"{status} {code}: reading {what} failed" + (f" ({message})" if message else "")
    else:
        reason = f"{type(exc).__name__}: reading {what} failed ({exc})"
    return CallFailed(reason, status, code)
