"""Load balancer listeners as facts."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.model import ListenerTls, Unknown
from emailiac.sources.terraform.adapters.tls import ADAPTERS
from tests.adapters.tf import adapt, block, ref, resource


def listener(attrs: dict[str, Any], *others: Any, rtype: str = "aws_lb_listener", **blocks: Any) -> ListenerTls:
    [fact] = adapt(ADAPTERS, resource(rtype, "l", attrs, blocks), *others)
    assert isinstance(fact, ListenerTls)
    return fact


def test_https_listener_on_a_referenced_load_balancer() -> None:
    lb = resource("aws_lb", "webmail", {"name": "webmail-prod", "load_balancer_type": "application"})
    attrs = {"load_balancer_arn": ref("aws_lb.webmail.arn"), "port": "443", "protocol": "https", "ssl_policy": "P"}
    fact = listener(attrs, lb, rtype="aws_alb_listener")
    assert (fact.load_balancer, fact.protocol, fact.port, fact.ssl_policy) == ("webmail-prod", "HTTPS", 443, "P")


@pytest.mark.parametrize(
    ("arn", "want"),
    [
        ("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/mx/50dc6c495c0c9188", "mx"),
        ("mx", "mx"),
        (ref("aws_lb.unknown.arn"), "aws_lb.unknown"),
    ],
)
def test_load_balancer_name(arn: Any, want: str) -> None:
    assert listener({"load_balancer_arn": arn, "port": 25, "protocol": "TCP"}).load_balancer == want


def test_protocol_defaults_to_http() -> None:
    fact = listener({"load_balancer_arn": "lb", "port": 80})
    assert fact.protocol == "HTTP" and fact.ssl_policy is None and fact.redirects_to_https is False


def test_listener_without_port_is_not_a_fact() -> None:
    assert adapt(ADAPTERS, resource("aws_lb_listener", "gw", {"load_balancer_arn": "gwlb"})) == []


def redirect(protocol: Any) -> Any:
    action = block(type="redirect")
    action.blocks["redirect"] = [block(protocol=protocol, port="443", status_code="HTTP_301")]
    return action


@pytest.mark.parametrize(
    ("actions", "want"),
    [
        ([redirect("HTTPS")], True),
        ([redirect(None)], False),  # #{protocol}: the same plaintext scheme
        ([block(type="forward")], False),
        ([], False),
    ],
)
def test_redirects_to_https(actions: list[Any], want: bool) -> None:
    fact = listener({"load_balancer_arn": "lb", "port": 80, "protocol": "HTTP"}, default_action=actions)
    assert fact.redirects_to_https is want


def test_unknown_redirect() -> None:
    unknown = Unknown("var.scheme has no value")
    fact = listener({"load_balancer_arn": "lb", "port": 80}, default_action=[redirect(unknown)])
    assert fact.redirects_to_https is unknown
