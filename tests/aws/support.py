"""Test plumbing for the live AWS collector: a moto server on loopback, the weak-mail seed, botocore Stubber
twins for what moto does not implement, and event hooks that deny or throttle chosen calls."""

from __future__ import annotations

import importlib.util
import json
import sys
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from emailiac.model import Inventory
from emailiac.sources.aws.collector import collect
from emailiac.sources.aws.session import AwsSession, Reach, open_session

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"

# The error code each service answers a denied call with.
DENY_CODES = {
    "sesv2": "AccessDeniedException",
    "ses": "AccessDenied",
    "route53": "AccessDenied",
    "ec2": "UnauthorizedOperation",
    "elbv2": "AccessDenied",
    "iam": "AccessDenied",
    "cloudtrail": "AccessDeniedException",
    "guardduty": "AccessDeniedException",
}


def load_seed_module() -> ModuleType:
    """fixtures/aws/seed.py (fixtures is data, not a package)."""
    spec = importlib.util.spec_from_file_location("weak_mail_seed", ROOT / "fixtures" / "aws" / "seed.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return module


def reset_moto(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def cli() -> Any:
    """A typer app with the commands registered the way emailiac.cli registers them."""
    import typer

    from emailiac.commands.scan import permissions_aws
    from emailiac.commands.scan import scan as scan_command

    app = typer.Typer()
    app.command("scan")(scan_command)
    permissions = typer.Typer()
    permissions.command("aws")(permissions_aws)
    app.add_typer(permissions, name="permissions")
    return app


def plain_client(service: str, region: str = REGION) -> Any:
    """A client straight to moto (AWS_ENDPOINT_URL), outside the collector's session."""
    return boto3.client(service, region_name=region)


_LOADER: list[Any] = []


def _base_session(region: str) -> Any:
    """A boto3 session like the collector's own, but sharing one botocore data loader across tests, so the
    service models are parsed once per test run instead of once per scan."""
    import botocore.session

    core = botocore.session.get_session()
    if _LOADER:
        core.register_component("data_loader", _LOADER[0])
    else:
        _LOADER.append(core.get_component("data_loader"))
    return boto3.Session(botocore_session=core, region_name=region)


def scan_session(*, max_attempts: int = 2, retry_mode: str = "standard", region: str = REGION) -> AwsSession:
    reach = Reach(region=region, max_attempts=max_attempts, retry_mode=retry_mode)
    return open_session(reach, base=_base_session(region))


def scan(session: AwsSession, regions: Iterable[str] = (REGION,), workers: int = 4) -> Inventory:
    return collect(session, tuple(regions), workers=workers)


# ---------------------------------------------------------------- Stubber twins for moto's gaps


class Routed:
    """A client whose listed methods go to a Stubber-backed twin; every other method goes to moto."""

    def __init__(self, real: Any, twin: Any, methods: set[str]) -> None:
        self._real = real
        self._twin = twin
        self._methods = methods

    def __getattr__(self, name: str) -> Any:
        return getattr(self._twin if name in self._methods else self._real, name)

    def can_paginate(self, method: str) -> bool:
        return bool((self._twin if method in self._methods else self._real).can_paginate(method))

    def get_paginator(self, method: str) -> Any:
        return (self._twin if method in self._methods else self._real).get_paginator(method)


@dataclass
class Twins:
    """Stubbers per (service, region), each on a twin client made from the scan's own session (so the
    session's event hooks see stubbed calls too). Responses are validated against the service model."""

    session: AwsSession
    routes: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    stubbers: dict[tuple[str, str], Stubber] = field(default_factory=dict)

    def route(self, service: str, region: str, *methods: str) -> Stubber:
        key = (service, region)
        self.routes.setdefault(key, set()).update(methods)
        if key not in self.stubbers:
            twin = self.session.boto.client(service, region_name=region, config=self.session.config)
            stubber = Stubber(twin)
            stubber.activate()
            self.stubbers[key] = stubber
        return self.stubbers[key]

    def wrap(self, service: str, region: str, client: Any) -> Any:
        key = (service, region)
        if key not in self.routes:
            return client
        return Routed(client, self.stubbers[key].client, self.routes[key])

    def install(self) -> None:
        self.session.wrap = self.wrap

    def assert_used(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


def identity_response(moto_response: dict[str, Any], gaps: dict[str, Any]) -> dict[str, Any]:
    """moto's GetEmailIdentity answer with the fields moto leaves out filled in (nested DKIM merged)."""
    response = {k: v for k, v in moto_response.items() if k != "ResponseMetadata" and v is not None}
    for key, value in gaps.items():
        if isinstance(value, dict) and isinstance(response.get(key), dict):
            response[key] = {**response[key], **value}
        else:
            response[key] = value
    return response


def stub_weak_mail_gaps(twins: Twins, data: dict[str, Any], region: str = REGION) -> None:
    """Queue, in the order the collector asks, the SES v2 answers moto cannot give for the weak-mail seed:

    - GetEmailIdentity: moto returns no Easy-DKIM `Tokens`, no `CurrentSigningKeyLength` and no
      `MailFromAttributes`; its real answer is taken and those fields are added.
    - GetConfigurationSetEventDestinations: not implemented by moto (HTTP 404); answered from the seed data.
    """
    ses = data["ses"]
    stubber = twins.route("sesv2", region, "get_email_identity", "get_configuration_set_event_destinations")
    moto = plain_client("sesv2", region)
    listed = [i["IdentityName"] for i in moto.list_email_identities()["EmailIdentities"]]
    by_name = {i["name"]: i for i in ses["identities"]}
    for name in listed:
        spec = by_name[name]
        gaps: dict[str, Any] = {}
        if "dkim_tokens" in spec:
            gaps["DkimAttributes"] = {
                "Tokens": spec["dkim_tokens"],
                "Status": "SUCCESS",
                "CurrentSigningKeyLength": "RSA_2048_BIT",
                "SigningAttributesOrigin": "AWS_SES",
            }
            gaps["MailFromAttributes"] = {
                "MailFromDomain": "",
                "MailFromDomainStatus": "FAILED",
                "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
            }
        response = identity_response(moto.get_email_identity(EmailIdentity=name), gaps)
        stubber.add_response("get_email_identity", response, {"EmailIdentity": name})
    for config_set in ses["configuration_sets"]:
        stubber.add_response(
            "get_configuration_set_event_destinations",
            {"EventDestinations": config_set["event_destinations"]},
            {"ConfigurationSetName": config_set["name"]},
        )


# ---------------------------------------------------------------- hooks that deny or throttle


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterable[bytes]:
        yield self._data


class Denial:
    """One before-call hook on the session that refuses the call `target` names, as AWS refuses a call the
    credentials do not allow (the service's own error code, HTTP 403)."""

    def __init__(self, session: Any, target: tuple[str, str] | None = None, code: str | None = None) -> None:
        self.target = target
        self.code = code
        self.refused: list[str] = []
        session.events.register("before-call.*.*", self._handle)

    def _handle(self, model: Any, **_: Any) -> Any:
        if self.target is None or (model.service_model.service_name, model.name) != self.target:
            return None
        self.refused.append(model.name)
        http = AWSResponse("https://denied.invalid", 403, {}, _Body(b""))
        code = self.code or DENY_CODES[self.target[0]]
        return http, {
            "Error": {"Code": code, "Message": "not authorized to perform this action"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }


def deny(session: AwsSession, service: str, operation: str, code: str | None = None) -> list[str]:
    """Refuse every `service:operation`; returns the list of refused calls as they happen."""
    return Denial(session, (service, operation), code).refused


def throttle(session: AwsSession, event_service: str, operation: str, times: int | None = None) -> list[int]:
    """Answer `operation` on the wire with HTTP 400 ThrottlingException (`times` times, or always), below
    botocore's retry handler, so the retries really happen. Returns the attempts seen."""
    attempts: list[int] = []

    def handler(request: Any, **_: Any) -> Any:
        attempts.append(1)
        if times is not None and len(attempts) > times:
            return None
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        headers = {"x-amzn-ErrorType": "ThrottlingException", "Content-Type": "application/json"}
        return AWSResponse(request.url, 400, headers, _Body(body))

    session.events.register(f"before-send.{event_service}.{operation}", handler)
    return attempts


def record_operations(session: AwsSession) -> list[tuple[str, str]]:
    """Every operation any client of the session makes, as (service, operation), through before-call."""
    seen: list[tuple[str, str]] = []

    def handler(model: Any, **_: Any) -> None:
        seen.append((model.service_model.service_name, model.name))

    session.events.register_first("before-call.*.*", handler)
    return seen
