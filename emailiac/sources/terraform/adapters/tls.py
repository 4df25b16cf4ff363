"""Terraform resources of the TLS family as facts: load balancer listeners."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emailiac.model import Fact, ListenerTls, Unknown
from emailiac.sources.terraform.adapters.coerce import as_int, as_str, ref_target
from emailiac.sources.terraform.adapters.references import referenced_resource
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

__all__ = ["ADAPTERS"]


def _load_balancer(value: Any, res: TfResource, index: ResourceIndex) -> str | Unknown:
    """The load balancer's name: from an ARN, or from the `aws_lb` a reference names (else its address)."""
    arn = as_str(value, "load_balancer_arn")
    if isinstance(arn, str):
        # arn:aws:elasticloadbalancing:region:account:loadbalancer/app/<name>/<id>
        parts = arn.split("/")
        return parts[2] if arn.startswith("arn:") and len(parts) >= 4 else arn
    target = referenced_resource(value, res, index)
    if target is not None:
        name = as_str(target.body.get("name"), "name")
        return name if isinstance(name, str) else target.address
    return ref_target(value) or (arn if isinstance(arn, Unknown) else Unknown("load_balancer_arn is not set"))


def _redirects_to_https(body: Body) -> bool | Unknown:
    """True when every default action redirects to HTTPS (the usual port-80 listener)."""
    pending = body.unknown_blocks("default_action")
    if pending is not None:
        return pending
    actions = body.blocks_of("default_action")
    if not actions:
        return False
    for action in actions:
        kind = as_str(action.get("type"), "type")
        if isinstance(kind, Unknown):
            return kind
        if kind != "redirect":
            return False
        redirect = next(iter(action.blocks_of("redirect")), None)
        protocol = as_str(redirect.get("protocol"), "protocol") if redirect else None
        if isinstance(protocol, Unknown):
            return protocol
        if protocol is None or protocol.upper() != "HTTPS":
            return False  # the redirect default is #{protocol}: the same plaintext scheme
    return True


def _listener(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    protocol = as_str(body.get("protocol"), "protocol")
    port = as_int(body.get("port"), "port")
    if port is None:
        return  # gateway load balancers listen on no port; nothing mail-facing to judge
    policy = as_str(body.get("ssl_policy"), "ssl_policy")
    yield ListenerTls(
        prov=res.prov,
        load_balancer=_load_balancer(body.get("load_balancer_arn"), res, index),
        # Application load balancers default to HTTP.
        protocol="HTTP" if protocol is None else protocol.upper() if isinstance(protocol, str) else protocol,
        port=port,
        ssl_policy=policy,
        redirects_to_https=_redirects_to_https(body),
    )


ADAPTERS: dict[str, Adapter] = {
    "aws_lb_listener": _listener,
    "aws_alb_listener": _listener,
}
