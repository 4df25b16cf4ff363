"""Rules that open a port to the world only together with other rules of their group (`0.0.0.0/1` in one,
`128.0.0.0/1` in another), and rules that may: when a group is not known to be the same or different
(`rules/fw_groups.py`), or a rule of it is not known itself, the halves are not assessed, never passed.
"""

from __future__ import annotations

from collections.abc import Callable

from emailiac.model import FirewallRule, Unknown, is_known
from emailiac.rules.exposure import Exposure, is_judged, opened_ranges, protocol_of, protocols_overlap
from emailiac.rules.fw_groups import GroupIndex
from emailiac.rules.ports import PortRanges, ranges_overlap, ranges_text
from emailiac.rules.world import reaches_internet, rule_name, world_cover

__all__ = ["world_perhaps", "world_together"]


def world_together(
    rule: FirewallRule, select_ports: Callable[[PortRanges], PortRanges], group: list[FirewallRule]
) -> Exposure | None:
    """The exposure of ranges that are the world only together (0.0.0.0/1 + 128.0.0.0/1, or spread over
    the rules of one group, `group`)."""
    opened = opened_ranges(rule)
    if isinstance(opened, Unknown):
        return None
    cover = world_cover(rule, select_ports(opened), group)
    return None if cover is None else Exposure(cover.ports, cover.sources, covering=cover.phrase)


def world_perhaps(
    rule: FirewallRule, select_ports: Callable[[PortRanges], PortRanges], groups: GroupIndex
) -> str | None:
    """Why the rule is not known to stay off the world: with rules that may be of its group (their group or
    its own is not known) its sources would cover the whole internet. None when no such rules would."""
    opened = opened_ranges(rule)
    selected = () if isinstance(opened, Unknown) else select_ports(opened)
    if not selected or not reaches_internet(rule):
        return None  # nothing to add to: the search for rules that may share its group is skipped

    def shares_ports(other: FirewallRule) -> bool:
        ranges = opened_ranges(other)
        return not isinstance(ranges, Unknown) and ranges_overlap(ranges, selected)

    unsettled = _unsettled_peer(rule, selected, groups)
    if unsettled is not None:
        return unsettled
    maybe = groups.maybe(rule, shares_ports)
    if not maybe:
        return None
    cover = world_cover(rule, selected, [*groups.same(rule), *maybe])
    if cover is None:
        return None
    with_peers = f"with {', '.join(cover.peers)} it would open {ranges_text(cover.ports)} ({protocol_of(rule)})"
    if rule.group_unknown is not None:
        return f"its group is not known ({rule.group_unknown.reason}), and {with_peers} to the whole internet"
    peer = next(p for p in maybe if any(used.startswith(f"{rule_name(p)} (") for used in cover.peers))
    assert peer.group_unknown is not None  # a rule of a known group is never only "may be"
    return (
        f"the group of {rule_name(peer)} is not known ({peer.group_unknown.reason}) and may be this rule's; "
        f"{with_peers} to the whole internet"
    )


def _unsettled_peer(rule: FirewallRule, selected: PortRanges, groups: GroupIndex) -> str | None:
    """A rule of the group (or that may be) whose sources, ports or protocol are not known, and which may
    therefore complete the rule's public sources to the whole internet on the selected ports."""

    def unsettled(other: FirewallRule) -> bool:
        return not is_known(other.sources) or isinstance(other.protocol, Unknown) or isinstance(other.ports, Unknown)

    for other in [*groups.same(rule), *groups.maybe(rule, unsettled)]:
        if other is rule or not is_judged(other) or not unsettled(other):
            continue
        protocol, ranges, sources = other.protocol, opened_ranges(other), other.sources
        if isinstance(protocol, str) and not protocols_overlap(protocol, rule.protocol):
            continue
        if not isinstance(ranges, Unknown) and not ranges_overlap(ranges, selected):
            continue
        listed = (sources,) if isinstance(sources, Unknown) else sources
        parts = [("protocol is", protocol), ("ports are", ranges), *(("sources are", u) for u in listed)]
        missing = next(((what, u) for what, u in parts if isinstance(u, Unknown)), None)
        if missing is not None:
            return (
                f"with {rule_name(other)}, whose {missing[0]} not known ({missing[1].reason}), it may open "
                f"{ranges_text(selected)} ({protocol_of(rule)}) to the whole internet"
            )
    return None
