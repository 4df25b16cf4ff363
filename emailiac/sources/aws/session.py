"""Credentials and clients: the default chain, a named profile, or a role assumed with an external ID; botocore
retries in standard or adaptive mode.

boto3 clients are thread-safe, sessions are not: every client is made under one lock and cached, so the
region workers share clients without touching the session at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emailiac import __version__
from emailiac.sources.aws.errors import AwsSetupError
from emailiac.sources.deadline import Deadline

__all__ = ["RETRY_MODES", "AwsSession", "ClientWrap", "Reach", "open_session"]

RETRY_MODES = ("standard", "adaptive")
DEFAULT_REGION = "us-east-1"
ROLE_SESSION_NAME = "emailiac-scan"

# Lets a caller decorate each client as it is made (tests route a few operations to stubs).
ClientWrap = Callable[[str, str, Any], Any]


@dataclass(frozen=True)
class Reach:
    """How to reach the account."""

    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    region: str | None = None  # home region: global services, region discovery (default: the profile's)
    retry_mode: str = "standard"
    max_attempts: int = 5  # per call, the first try included
    connect_timeout: float = 10.0  # seconds, per connection attempt
    read_timeout: float = 60.0  # seconds of silence on an open connection


class AwsSession:
    """One boto3 session and the clients made from it."""

    def __init__(
        self, boto_session: Any, config: Any, wrap: ClientWrap | None = None, deadline: Deadline | None = None
    ) -> None:
        self.boto = boto_session
        self.config = config
        self.wrap = wrap
        self.deadline = deadline or Deadline()  # no call starts after it
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    @property
    def events(self) -> Any:
        """The session's event system: hooks registered here reach every client made afterwards."""
        return self.boto.events

    @property
    def home_region(self) -> str:
        return str(self.boto.region_name or DEFAULT_REGION)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.boto.client(service, region_name=region, config=self.config)
                if self.wrap is not None:
                    client = self.wrap(service, region, client)
                self._clients[key] = client
            return client

    def offers(self, service: str, region: str) -> bool:
        """Whether `service` exists in `region`, by botocore's endpoint data. A region botocore does not know
        at all (newer than this botocore) is assumed to offer everything."""
        with self._lock:
            try:
                partition = self.boto.get_partition_for_region(region)
            except Exception:
                return True
            known = set(self.boto.get_available_regions("ec2", partition_name=partition))
            offered = set(self.boto.get_available_regions(service, partition_name=partition))
        return region not in known or region in offered


def _config(reach: Reach) -> Any:
    from botocore.config import Config

    if reach.retry_mode not in RETRY_MODES:
        raise AwsSetupError(f"retry mode {reach.retry_mode!r} is not one of {', '.join(RETRY_MODES)}")
    return Config(
        # `total_max_attempts` counts the first try; botocore's `max_attempts` here would count retries only.
        retries={"mode": reach.retry_mode, "total_max_attempts": reach.max_attempts},
        user_agent_extra=f"emailiac/{__version__}",
        connect_timeout=reach.connect_timeout,
        read_timeout=reach.read_timeout,
    )


def _assume_role(base: Any, reach: Reach, config: Any) -> Any:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    assert reach.role_arn is not None
    params: dict[str, Any] = {"RoleArn": reach.role_arn, "RoleSessionName": ROLE_SESSION_NAME}
    if reach.external_id:
        params["ExternalId"] = reach.external_id
    region = base.region_name or DEFAULT_REGION
    try:
        creds = base.client("sts", region_name=region, config=config).assume_role(**params)["Credentials"]
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise AwsSetupError(
            f"cannot assume {reach.role_arn}: {error.get('Code', 'Error')}: {error.get('Message', '')}"
        ) from exc
    except BotoCoreError as exc:
        raise AwsSetupError(f"cannot assume {reach.role_arn}: {exc}") from exc
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def open_session(
    reach: Reach, *, wrap: ClientWrap | None = None, base: Any = None, deadline: Deadline | None = None
) -> AwsSession:
    """A session for `reach`. `base` (a boto3.Session) replaces the one built from the profile."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    config = _config(reach)
    if base is None:
        try:
            base = boto3.Session(profile_name=reach.profile, region_name=reach.region)
        except ProfileNotFound as exc:
            raise AwsSetupError(f"AWS profile {reach.profile!r} is not configured") from exc
    boto_session = _assume_role(base, reach, config) if reach.role_arn else base
    return AwsSession(boto_session, config, wrap, deadline)
