"""Elastic Load Balancing v2 listeners as facts: protocol, port, TLS policy, and whether a plaintext listener
only redirects to HTTPS."""

from __future__ import annotations

from typing import Any

from emailiac.model import ListenerTls
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import Unit, live_prov

__all__ = ["collect_listeners"]


def _redirects_to_https(actions: list[dict[str, Any]]) -> bool:
    """Every default action redirects, and to HTTPS (`#{protocol}` keeps the plaintext scheme)."""
    if not actions:
        return False
    for action in actions:
        if str(action.get("Type", "")).lower() != "redirect":
            return False
        protocol = str((action.get("RedirectConfig") or {}).get("Protocol", ""))
        if protocol.upper() != "HTTPS":
            return False
    return True


def _listener(unit: Unit, balancer: str, item: dict[str, Any]) -> ListenerTls | None:
    port = item.get("Port")
    if not isinstance(port, int):
        return None  # a gateway load balancer listens on no port
    arn = str(item.get("ListenerArn", ""))
    # arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<lb>/<lb-id>/<listener-id>
    ident = arn.split(":", 5)[-1].removeprefix("listener/")
    return ListenerTls(
        prov=live_prov(unit.region, "elbv2", "listener", ident, import_id=arn),
        load_balancer=balancer,
        protocol=str(item.get("Protocol", "")).upper(),
        port=port,
        ssl_policy=item.get("SslPolicy") or None,
        redirects_to_https=_redirects_to_https(item.get("DefaultActions", [])),
    )


def collect_listeners(unit: Unit) -> None:
    try:
        balancers = [b for page in unit.pages("DescribeLoadBalancers") for b in page.get("LoadBalancers", [])]
    except CallFailed as failure:
        unit.missed(failure)
        return
    for balancer in sorted(balancers, key=lambda b: str(b.get("LoadBalancerArn", ""))):
        arn = str(balancer.get("LoadBalancerArn", ""))
        try:
            pages = unit.pages("DescribeListeners", LoadBalancerArn=arn)
            listeners = [item for page in pages for item in page.get("Listeners", [])]
        except CallFailed as failure:
            unit.missed(failure)
            continue
        for item in sorted(listeners, key=lambda i: int(i.get("Port") or 0)):
            listener = _listener(unit, str(balancer.get("LoadBalancerName") or arn), item)
            if listener is not None:
                unit.facts.append(listener)
