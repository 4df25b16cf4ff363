"""One unit of collection work (a service in a region, or a global service) and what it gathered.

Every call goes through `Unit.call` / `Unit.pages`, which look it up in `calls.CALLS` first and turn AWS's
refusals into `CallFailed`. A unit records what it could not read as gaps: the fact types the failed call
feeds, in the unit's scope (its region, or "" for global services).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from emailiac.model import Fact, Gap, Note, Provenance
from emailiac.sources.aws.calls import Call, lookup
from emailiac.sources.aws.errors import CallFailed, classify
from emailiac.sources.aws.session import AwsSession

__all__ = ["GLOBAL", "Unit", "live_prov"]

GLOBAL = "global"  # the region part of addresses of global services


def live_prov(region: str, service: str, kind: str, ident: str = "", import_id: str | None = None) -> Provenance:
    """`aws://<region>/<service>/<kind>/<id>` (`.../<kind>` for one of a kind per account) with the Terraform
    import ID of the object."""
    return Provenance(
        source="aws",
        address=f"aws://{region}/{service}/{kind}" + (f"/{ident}" if ident else ""),
        import_id=import_id,
        region=None if region == GLOBAL else region,
    )


@dataclass
class Unit:
    session: AwsSession
    service: str
    region: str  # a region, or GLOBAL
    facts: list[Fact] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.service} {self.region}"

    @property
    def scope(self) -> str:
        """The gap scope: the region, or "" (everywhere) for a global service."""
        return "" if self.region == GLOBAL else self.region

    @property
    def client_region(self) -> str:
        return self.session.home_region if self.region == GLOBAL else self.region

    def _client(self, call: Call) -> Any:
        return self.session.client(call.service, self.client_region)

    def _fail(self, call: Call, error: Exception) -> CallFailed:
        return classify(error, call, self.client_region, self.session.home_region)

    def _lookup(self, operation: str) -> Call:
        call = lookup(self.service, operation)
        deadline = self.session.deadline
        if deadline.expired:
            raise CallFailed(call, "error", deadline.reason(f"{call.action} in {self.region}"))
        return call

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        call = self._lookup(operation)
        try:
            response: dict[str, Any] = getattr(self._client(call), call.method)(**params)
        except Exception as exc:
            raise self._fail(call, exc) from exc
        return response

    def pages(self, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Each page of a paginated call: botocore's paginator where there is one, else NextToken."""
        call = self._lookup(operation)
        client = self._client(call)
        try:
            if client.can_paginate(call.method):
                yield from client.get_paginator(call.method).paginate(**params)
                return
            token: str | None = None
            while True:
                page: dict[str, Any] = getattr(client, call.method)(**params, **({"NextToken": token} if token else {}))
                yield page
                token = page.get("NextToken")
                if not token:
                    return
        except CallFailed:
            raise
        except Exception as exc:
            raise self._fail(call, exc) from exc

    def missed(self, failure: CallFailed, feeds: Iterable[str] | None = None) -> None:
        """Record what a failed call leaves unseen; a service the region does not have is only a note."""
        if failure.kind == "unavailable":
            address = f"aws://{self.region}/{failure.call.service}"
            if not any(n.address == address for n in self.notes):
                self.notes.append(Note(address, failure.reason))
            return
        for fact_type in failure.call.feeds if feeds is None else feeds:
            gap = Gap(fact_type, self.scope, failure.reason)
            if gap not in self.gaps:
                self.gaps.append(gap)
