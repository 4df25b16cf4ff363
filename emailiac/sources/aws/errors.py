"""What an AWS error means for a scan: a permission missing, throttling that outlived the retries, a service
or region that is not there, credentials that do not work, or some other failure.

Only the first and the unusual ones become gaps (the facts could not be read); a service a region does not
offer is simply absent; broken credentials stop the whole scan.
"""

from __future__ import annotations

from typing import Any

from emailiac.sources.aws.calls import Call

__all__ = ["AwsSetupError", "CallFailed", "classify"]

DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "UnauthorizedAccess"}
)
THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "BandwidthLimitExceeded",
    }
)
# What AWS answers in a region the account has not enabled (opt-in regions).
REGION_DISABLED = frozenset({"UnrecognizedClientException", "OptInRequired", "InvalidClientTokenId", "AuthFailure"})
CREDENTIALS = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
    }
)


class AwsSetupError(Exception):
    """The scan cannot start or go on: no credentials, an unknown profile, a role that cannot be assumed."""


class CallFailed(Exception):
    """A call AWS refused or could not answer. `kind`: denied | throttled | unavailable | error."""

    def __init__(self, call: Call, kind: str, reason: str, code: str = "") -> None:
        super().__init__(reason)
        self.call = call
        self.kind = kind
        self.reason = reason  # "AccessDenied: missing ses:ListEmailIdentities"
        self.code = code  # AWS's error code, when AWS answered


def _code(error: Any) -> tuple[str, str, int]:
    response = getattr(error, "response", None) or {}
    details = response.get("Error", {})
    meta = response.get("ResponseMetadata", {})
    message = str(details.get("Message", "")).strip()
    if message.startswith("<"):  # an HTML error page, not an AWS error
        message = f"HTTP {meta.get('HTTPStatusCode', '?')}"
    lines = message.splitlines()
    return str(details.get("Code", "")), lines[0][:200] if lines else "", int(meta.get("RetryAttempts", 0) or 0)


def classify(error: Exception, call: Call, region: str, home_region: str) -> CallFailed:
    """A botocore exception as a CallFailed (or AwsSetupError, raised, for credentials that do not work)."""
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(error, NoCredentialsError):
        raise AwsSetupError(
            "no AWS credentials found (environment, shared files, --profile or an instance role)"
        ) from error
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return CallFailed(call, "error", f"{type(error).__name__}: {call.action} could not reach AWS ({error})")
    if not isinstance(error, ClientError):
        raise error
    code, message, retries = _code(error)
    if code in DENIED:
        return CallFailed(call, "denied", f"{code}: missing {call.action}", code)
    if code in THROTTLED:
        reason = f"{code}: {call.action} was still throttled after {retries + 1} attempts"
        return CallFailed(call, "throttled", reason, code)
    regional_elsewhere = call.scope == "regional" and region != home_region
    if (code in REGION_DISABLED and regional_elsewhere) or "not supported" in message.lower():
        return CallFailed(call, "unavailable", f"{code}: {call.service} is not available in {region}", code)
    if code in CREDENTIALS:
        raise AwsSetupError(f"AWS rejected the credentials ({code}: {message})") from error
    detail = f" ({message})" if message else ""
    return CallFailed(call, "error", f"{code or 'Error'}: {call.action} failed{detail}", code)
