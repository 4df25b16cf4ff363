"""CIDR functions, computed arithmetically: a huge `newbits` costs nothing."""

from __future__ import annotations

import ipaddress
from typing import Any

from emailiac.sources.terraform.fn_base import Function, FunctionError, as_int, as_str

__all__ = ["NETWORK_FUNCTIONS"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _network(prefix: Any) -> Network:
    text = as_str(prefix)
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise FunctionError(f"invalid CIDR expression {text!r}") from None


def _subnet(net: Network, newbits: int, netnum: int) -> Network:
    if newbits < 0:
        raise FunctionError("newbits must not be negative")
    length = net.prefixlen + newbits
    if length > net.max_prefixlen:
        raise FunctionError(f"insufficient address space to extend prefix of {net.prefixlen} by {newbits}")
    if netnum < 0 or netnum >= 1 << newbits:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    base = int(net.network_address) + (netnum << (net.max_prefixlen - length))
    return ipaddress.ip_network((base, length))


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    return str(_subnet(_network(prefix), as_int(newbits), as_int(netnum)))


def _cidrhost(prefix: Any, hostnum: Any) -> str:
    net = _network(prefix)
    n = as_int(hostnum)
    size = net.num_addresses
    if n < 0:
        n += size
    if not 0 <= n < size:
        raise FunctionError(f"prefix of {net.prefixlen} does not accommodate a host numbered {as_int(hostnum)}")
    return str(net.network_address + n)


def _cidrnetmask(prefix: Any) -> str:
    net = _network(prefix)
    if net.version != 4:
        raise FunctionError("only IPv4 networks have a netmask")
    return str(net.netmask)


def _cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    net = _network(prefix)
    out: list[str] = []
    cursor = int(net.network_address)
    end = int(net.broadcast_address)
    for bits in (as_int(b) for b in newbits):
        if bits < 1:
            raise FunctionError("must extend prefix by at least one bit")
        length = net.prefixlen + bits
        if length > net.max_prefixlen:
            raise FunctionError(f"would extend prefix to {length} bits, which is too long")
        size = 1 << (net.max_prefixlen - length)
        cursor = -(-cursor // size) * size  # align up to the subnet's size
        if cursor + size - 1 > end:
            raise FunctionError("not enough remaining address space for a subnet")
        out.append(str(ipaddress.ip_network((cursor, length))))
        cursor += size
    return out


NETWORK_FUNCTIONS: dict[str, Function] = {
    "cidrsubnet": Function(_cidrsubnet),
    "cidrsubnets": Function(_cidrsubnets),
    "cidrhost": Function(_cidrhost),
    "cidrnetmask": Function(_cidrnetmask),
}
