"""Requests through msgraph-sdk: every one looked up in `calls.CALLS`, every collection read to its last page.

The SDK's request builders parse each response into its typed models; a request is made by giving the
builder the listed call's URL (`with_url`), so the URL, its `$select`/`$expand` and the permission that a 403
names all come from the one list. Paging follows `@odata.nextLink` to the end. Retries on 429/503/504
(honouring `Retry-After`) happen in the SDK's retry middleware; what still fails becomes `CallFailed`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from emailiac.sources.m365.calls import lookup
from emailiac.sources.m365.errors import CallFailed, M365SetupError, explain

__all__ = ["Graph"]

Builder = Callable[[Any], Any]  # GraphServiceClient -> a request builder with `with_url`
MAX_PAGES = 1000  # a loop of nextLinks must end


def _is_auth_failure(exc: BaseException) -> bool:
    from azure.core.exceptions import ClientAuthenticationError

    return isinstance(exc, ClientAuthenticationError)


class Graph:
    """A client and its root; `items` and `one` make the listed calls."""

    def __init__(self, client: Any, root: str) -> None:
        self.client = client
        self.root = root

    async def _get(self, key: str, builder: Builder, url: str, what: str, raw: bool = False) -> Any:
        from kiota_abstractions.api_error import APIError
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError

        call = lookup(key)
        try:
            request = builder(self.client).with_url(url)
            if not raw:
                return await request.get()
            # The same request, its body handed over as bytes instead of parsed into models.
            info = request.to_get_request_information()
            body = await request.request_adapter.send_primitive_async(info, "bytes", {"XXX": ODataError})
            return json.loads(body or b"{}")
        except APIError as exc:
            raise explain(exc, call.permission, what) from None
        except Exception as exc:
            if _is_auth_failure(exc):
                raise M365SetupError(f"no token for Microsoft Graph: {_first_line(exc)}") from None
            raise _transport_failure(exc, what) from None

    async def one(self, key: str, builder: Builder, what: str, **ids: str) -> Any:
        return await self._get(key, builder, lookup(key).url(self.root, **ids), what)

    async def items(self, key: str, builder: Builder, what: str, *, filter: str | None = None, **ids: str) -> list[Any]:
        """Every item of a collection, page after page."""
        url: str | None = lookup(key).url(self.root, filter=filter, **ids)
        out: list[Any] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return out
            page = await self._get(key, builder, url, what)
            out.extend(getattr(page, "value", None) or [])
            url = getattr(page, "odata_next_link", None)
        raise CallFailed(f"reading {what} did not end after {MAX_PAGES} pages")

    async def raw_items(self, key: str, builder: Builder, what: str) -> list[dict[str, Any]]:
        """Every item of a collection as Graph's JSON, for properties the SDK's models cannot hold (a list of
        flags-enum values such as `allowedCombinations`: "password,sms" does not survive the model)."""
        url: str | None = lookup(key).url(self.root)
        out: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return out
            page = await self._get(key, builder, url, what, raw=True)
            if not isinstance(page, dict) or not isinstance(page.get("value", []), list):
                raise CallFailed(f"reading {what}: the answer is not a Graph collection")
            out.extend(item for item in page.get("value", []) if isinstance(item, dict))
            next_link = page.get("@odata.nextLink")
            url = next_link if isinstance(next_link, str) else None
        raise CallFailed(f"reading {what} did not end after {MAX_PAGES} pages")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _transport_failure(exc: BaseException, what: str) -> CallFailed:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        kind = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for an answer"
        return CallFailed(f"timed out {kind} while reading {what}")
    if isinstance(exc, httpx.TransportError):
        return CallFailed(f"cannot reach Microsoft Graph while reading {what}: {_first_line(exc)}")
    return CallFailed(f"{type(exc).__name__}: reading {what} failed ({_first_line(exc)})")
