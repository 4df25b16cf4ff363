"""Counting the DNS-querying terms of an SPF evaluation (RFC 7208 section 4.6.4).

Only the terms an evaluation can reach are counted: mechanisms up to the first
``all`` and ``redirect`` when there is no ``all``. Include and redirect targets
are fetched through a caller-supplied TXT resolver; without one, only the
record's own terms are counted and the result is a lower bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .problem import Problem

if TYPE_CHECKING:
    from .spf import SpfRecord

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
# Hard stop against resolvers that invent endless distinct names.
MAX_FETCHES = 100

TxtResolver = Callable[[str], Sequence[str]]
# Whether a name has records for an `a` ("A": A or AAAA), `mx` ("MX") or `exists` ("A") target: False is a
# void look-up, None not known.
TargetCheck = Callable[[str, str], "bool | None"]
_TARGET_TYPES = {"a": "A", "mx": "MX", "exists": "A"}


class LookupFailure(Exception):
    """Raised by a resolver callback when a TXT lookup fails.

    ``nxdomain=True`` means the name does not exist (a void lookup); otherwise the
    failure is transient (timeout, SERVFAIL) and the count becomes a lower bound.
    """

    def __init__(self, name: str, reason: str = "", *, nxdomain: bool = False) -> None:
        super().__init__(f"{name}: {reason}" if reason else name)
        self.name = name
        self.reason = reason
        self.nxdomain = nxdomain


@dataclass(frozen=True, slots=True)
class LookupStep:
    """One include or redirect target visited while counting.

    ``status``: "ok", "invalid" (record has errors), "void" (NXDOMAIN or no TXT),
    "none" (TXT but no SPF record), "multiple", "loop", "failed" (lookup error),
    "unexpanded" (no resolver, macro target or fetch limit).
    ``lookups`` counts the record's own querying terms, ``subtotal`` adds its nested ones.
    """

    name: str
    via: str
    depth: int
    status: str
    lookups: int = 0
    subtotal: int = 0
    record: str | None = None


@dataclass(frozen=True, slots=True)
class LookupCount:
    total: int
    exact: bool
    void: int
    chain: tuple[LookupStep, ...]
    unexpanded: tuple[str, ...]
    problems: tuple[Problem, ...]
    all_qualifier: str | None = None
    limit: int = field(default=LOOKUP_LIMIT)
    void_limit: int = field(default=VOID_LIMIT)
    # Each include/redirect chain that comes back to a name already on it ("a.example -> include:b.example ->
    # include:a.example"): evaluation never ends there, so receivers run into the limit and return permerror.
    loops: tuple[str, ...] = ()

    @property
    def over_limit(self) -> bool:
        """True when the limit is exceeded (a loop exceeds any limit); a lower bound over it proves it too."""
        return self.total > self.limit or bool(self.loops)

    @property
    def void_over_limit(self) -> bool:
        return self.void > self.void_limit

    def describe(self) -> str:
        bound = "" if self.exact else "at least "
        text = f"{bound}{self.total} of {self.limit} DNS-querying terms, {self.void} void lookups"
        if self.unexpanded:
            text += f"; not expanded: {', '.join(self.unexpanded)}"
        return text


@dataclass
class _Total:
    lookups: int = 0
    void: int = 0
    exact: bool = True
    all_qualifier: str | None = None


class _Counter:
    def __init__(self, resolver: TxtResolver | None, targets: TargetCheck | None = None) -> None:
        self.resolver = resolver
        self.targets = targets
        self.chain: list[LookupStep] = []
        self.unexpanded: list[str] = []
        self.problems: list[Problem] = []
        self.memo: dict[str, tuple[_Total, str]] = {}
        self.fetches = 0
        self.loops: list[str] = []
        self.root = "(the record)"  # the name the counted record is published at, for showing loops
        self.trail: list[str] = []  # the include/redirect terms followed to the record being counted

    def count(self, record: SpfRecord, depth: int, path: tuple[str, ...]) -> _Total:
        total = _Total(all_qualifier=record.all_qualifier)
        for mechanism in record.evaluated_mechanisms:
            if not mechanism.makes_lookup:
                continue
            total.lookups += 1
            if mechanism.name == "include" and mechanism.value is not None:
                self.add(total, self.expand(mechanism.value, "include", depth, path))
            elif mechanism.name in _TARGET_TYPES:
                total.void += self.target_void(mechanism.name, mechanism.value or (path[-1] if path else None), depth)
        redirect = record.redirect
        if redirect is not None:
            total.lookups += 1
            sub = self.expand(redirect, "redirect", depth, path)
            self.add(total, sub)
            total.all_qualifier = sub.all_qualifier
        return total

    def target_void(self, mechanism: str, target: str | None, depth: int) -> int:
        """1 when the target of an a, mx or exists mechanism has no records (a void look-up), else 0."""
        if self.targets is None or target is None or "%" in target:
            return 0
        name = target.lower().rstrip(".")
        if self.targets(name, _TARGET_TYPES[mechanism]) is not False:
            return 0
        self.chain.append(LookupStep(name, mechanism, depth + 1, "void"))
        self.problems.append(Problem("target-void", f"{mechanism}:{name} has no {_TARGET_TYPES[mechanism]} records"))
        return 1

    @staticmethod
    def add(total: _Total, sub: _Total) -> None:
        total.lookups += sub.lookups
        total.void += sub.void
        total.exact = total.exact and sub.exact

    def skip(self, name: str, via: str, depth: int, status: str) -> _Total:
        self.chain.append(LookupStep(name, via, depth + 1, status))
        self.unexpanded.append(name)
        return _Total(exact=False)

    def expand(self, name: str, via: str, depth: int, path: tuple[str, ...]) -> _Total:
        key = name.lower().rstrip(".")
        if self.resolver is None or "%" in name:
            return self.skip(name, via, depth, "unexpanded")
        if key in path:
            self.chain.append(LookupStep(name, via, depth + 1, "loop"))
            loop = " -> ".join((self.root, *self.trail, f"{via}:{key}"))
            if loop not in self.loops:
                self.loops.append(loop)
            self.problems.append(
                Problem("loop", f"{via}:{name} loops back ({loop}): evaluation never ends, receivers return permerror")
            )
            return _Total()
        cached = self.memo.get(key)
        if cached is not None:
            # RFC 7208 counts every evaluated term, repeats included.
            self.chain.append(LookupStep(name, via, depth + 1, cached[1], 0, cached[0].lookups))
            return cached[0]
        if self.fetches >= MAX_FETCHES:
            return self.skip(name, via, depth, "unexpanded")
        self.fetches += 1
        index = len(self.chain)
        result = self.fetch(name, key, via, depth, path)
        self.memo[key] = (result, self.chain[index].status)
        return result

    def fetch(self, name: str, key: str, via: str, depth: int, path: tuple[str, ...]) -> _Total:
        from .spf import find_spf_records, parse_spf

        assert self.resolver is not None
        try:
            values = list(self.resolver(name))
        except LookupFailure as failure:
            if failure.nxdomain:
                return self.void(name, via, depth, "does not exist")
            return self.failed(name, via, depth, failure.reason or str(failure))
        except Exception as error:  # a broken resolver must not abort a lint run
            return self.failed(name, via, depth, repr(error))
        if not values:
            return self.void(name, via, depth, "has no TXT record")
        records = find_spf_records(values)
        if not records:
            self.chain.append(LookupStep(name, via, depth + 1, "none"))
            self.problems.append(Problem("target-none", f"{via}:{name} has no SPF record; receivers return permerror"))
            return _Total()
        if len(records) > 1:
            self.chain.append(LookupStep(name, via, depth + 1, "multiple"))
            self.problems.append(
                Problem("target-multiple", f"{via}:{name} publishes {len(records)} SPF records (permerror)")
            )
            return _Total()
        record = parse_spf(records[0])
        index = len(self.chain)
        status = "ok" if record.valid else "invalid"
        self.chain.append(LookupStep(name, via, depth + 1, status, record=records[0]))
        if not record.valid:
            first = next(p for p in record.problems if p.is_error)
            self.problems.append(Problem("target-invalid", f"{via}:{name} has an invalid SPF record: {first.message}"))
        own = sum(1 for m in record.evaluated_mechanisms if m.makes_lookup) + (record.redirect is not None)
        self.trail.append(f"{via}:{key}")
        sub = self.count(record, depth + 1, (*path, key))
        self.trail.pop()
        self.chain[index] = LookupStep(name, via, depth + 1, status, own, sub.lookups, records[0])
        return sub

    def void(self, name: str, via: str, depth: int, reason: str) -> _Total:
        self.chain.append(LookupStep(name, via, depth + 1, "void"))
        self.problems.append(Problem("target-none", f"{via}:{name} {reason}; receivers return permerror"))
        return _Total(void=1)

    def failed(self, name: str, via: str, depth: int, reason: str) -> _Total:
        self.chain.append(LookupStep(name, via, depth + 1, "failed"))
        self.unexpanded.append(name)
        self.problems.append(
            Problem("unresolved", f"{via}:{name} could not be looked up ({reason})", severity="warning")
        )
        return _Total(exact=False)


def count_lookups(
    record: SpfRecord,
    resolver: TxtResolver | None = None,
    *,
    domain: str | None = None,
    targets: TargetCheck | None = None,
) -> LookupCount:
    """Count the DNS-querying terms (limit 10) and void lookups (limit 2) of ``record``.

    ``resolver(name)`` returns the TXT strings at ``name`` (one string per TXT
    record), returns [] or raises ``LookupFailure(nxdomain=True)`` when there is
    none, and raises ``LookupFailure`` on other failures. Void lookups are counted
    for include and redirect targets only: a TXT resolver cannot see A or MX answers.
    ``domain``, the name the record was published at, lets loops back to it be seen.
    ``targets(name, type)``, when given, says whether the target of an ``a``, ``mx`` or ``exists`` mechanism
    has records; those without count as void look-ups too.
    ``all_qualifier`` is the qualifier of the ``all`` evaluation ends on, following
    redirects; None when there is none or a redirect was not expanded.
    """
    counter = _Counter(resolver, targets)
    path = () if domain is None else (domain.lower().rstrip("."),)
    counter.root = path[0] if path else "(the record)"
    total = counter.count(record, 0, path)
    problems = list(counter.problems)
    bound = "" if total.exact else "at least "
    if total.lookups > LOOKUP_LIMIT:
        problems.append(
            Problem(
                "lookups",
                f"SPF evaluation needs {bound}{total.lookups} DNS-querying terms "
                f"(include, a, mx, ptr, exists, redirect); the limit is {LOOKUP_LIMIT} "
                "(RFC 7208 section 4.6.4)",
            )
        )
    if total.void > VOID_LIMIT:
        problems.append(
            Problem(
                "void",
                f"SPF evaluation meets {total.void} void lookups; the limit is {VOID_LIMIT} (RFC 7208 section 4.6.4)",
            )
        )
    return LookupCount(
        total=total.lookups,
        exact=total.exact,
        void=total.void,
        chain=tuple(counter.chain),
        unexpanded=tuple(counter.unexpanded),
        problems=tuple(problems),
        all_qualifier=total.all_qualifier,
        loops=tuple(counter.loops),
    )
