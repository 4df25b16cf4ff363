"""Requests through msgraph-sdk: every one looked up in `calls.CALLS`, every collection read to its last page.

The SDK's request builders parse each response into its typed models; a request is made by giving the
builder the listed call's URL (`with_url`), so the URL, its `$select`/`$expand` and the permission that a 403
names all come from the one list. Paging follows `@odata.nextLink` to the end. Retries on 429/503/504
(honouring `Retry-After`) happen in the SDK's retry middleware; what still fails becomes `CallFailed`.
"""

from __future__ import annotations

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

    async def _get(self, key: str, builder: Builder, url: str, what: str) -> Any:
        from kiota_abstractions.api_error import APIError

        call = lookup(key)
        try:
            return await builder(self.client).with_url(url).get()
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
