"""Which firewall rules belong to one security group, NSG or firewall: known the same, known different, or
not known.

A group is known by its id or name, or by the resource its reference names (`aws_security_group.web`).
A group whose id or name is not known (`var.sg_id`, an unread module's output, `"${var.prefix}-web-nsg"`)
is never known to be another rule's group, even under the same reference (`module.sg.web_id` and
`module.sg.db_id` both stand for `module.sg`): it only *may* be, unless what is known of both names tells
them apart (`*-web-nsg` is never `*-app-nsg`), or they belong to different providers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from emailiac.model import FirewallRule
from emailiac.rules.maildomains import patterns_may_meet

__all__ = ["GroupIndex", "shares_group"]

_PROVIDER = re.compile(r"(?:^|\.)([a-z][a-z0-9]*)_[a-z0-9_]*\.")


def _provider(rule: FirewallRule) -> str:
    """`aws`, `azurerm`, `google`, `hcloud`: groups of two providers are never one."""
    return rule.prov.source if rule.prov.source != "terraform" else _provider_of(rule.prov.address)


@functools.lru_cache(maxsize=8192)
def _provider_of(address: str) -> str:
    found = _PROVIDER.findall(address)
    return found[-1] if found else ""


def shares_group(rule: FirewallRule, other: FirewallRule) -> bool | None:
    """True when the two rules are known to be of one group, False when known not to be, None when that is
    not known."""
    if _provider(rule) != _provider(other):
        return False
    first, second = rule.group_unknown, other.group_unknown
    if first is None and second is None:
        return bool(rule.group) and rule.group == other.group
    if first is not None and second is not None and not patterns_may_meet(first.pattern, second.pattern):
        return False
    return None


class GroupIndex:
    """The rules of an inventory by group, to find a rule's peers quickly."""

    def __init__(self, rules: Iterable[FirewallRule]) -> None:
        self._known: dict[str, list[FirewallRule]] = {}
        self._unknown: list[FirewallRule] = []
        self._all: list[FirewallRule] = []
        for rule in rules:
            self._all.append(rule)
            if rule.group_unknown is not None:
                self._unknown.append(rule)
            elif rule.group:
                self._known.setdefault(rule.group, []).append(rule)

    def same(self, rule: FirewallRule) -> list[FirewallRule]:
        """The rules known to share the rule's group (the rule itself included)."""
        if rule.group_unknown is not None or not rule.group:
            return []
        return self._known.get(rule.group, [])

    def maybe(self, rule: FirewallRule, wanted: Callable[[FirewallRule], bool]) -> list[FirewallRule]:
        """The `wanted` rules that may share the rule's group, and are not known to (`wanted`, a cheap test,
        goes first: large trees hold many rules)."""
        if not rule.group and rule.group_unknown is None:
            return []
        pool = self._unknown if rule.group_unknown is None else self._all
        return [o for o in pool if o is not rule and wanted(o) and shares_group(rule, o) is None]
