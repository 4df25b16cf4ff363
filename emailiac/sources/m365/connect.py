"""Reaching Microsoft Graph: which cloud, which root URL, which credential, and an msgraph-sdk client with
timeouts and Retry-After-honouring retries.

A token is sent only over https. A loopback `http://` root (a local stand-in, the tests) gets no token at
all; any other `http://` root is refused before a credential is even made. A client secret is read only from
the environment (`AZURE_CLIENT_SECRET`), never from the command line, where it would land in shell history
and process listings.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from emailiac.sources.m365.errors import M365SetupError

__all__ = ["CLOUDS", "Cloud", "Connection", "GraphReach", "graph_root", "open_client"]

SECRET_VARIABLE = "AZURE_CLIENT_SECRET"
GRAPH_URL_VARIABLE = "EMAILIAC_GRAPH_URL"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0


@dataclass(frozen=True)
class Cloud:
    graph: str  # Graph host root
    authority: str  # Entra ID login host


CLOUDS: dict[str, Cloud] = {
    "global": Cloud("https://graph.microsoft.com", "login.microsoftonline.com"),
    "usgov": Cloud("https://graph.microsoft.us", "login.microsoftonline.us"),
    "usgov-dod": Cloud("https://dod-graph.microsoft.us", "login.microsoftonline.us"),
    "china": Cloud("https://microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn"),
}


@dataclass(frozen=True)
class GraphReach:
    """How to reach the tenant."""

    cloud: str = "global"
    graph_url: str | None = None  # another Graph root (a proxy, a test server); default: the cloud's
    tenant_id: str | None = None
    client_id: str | None = None
    certificate: str | None = None  # PEM file with the private key and certificate
    max_retries: int = 3  # per request, after the first try (429, 503, 504)
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def graph_root(reach: GraphReach) -> tuple[str, bool]:
    """(the v1.0 root every request goes below, whether a token is needed)."""
    if reach.cloud not in CLOUDS:
        raise M365SetupError(f"--cloud {reach.cloud!r}: choose one of {', '.join(CLOUDS)}")
    url = (reach.graph_url or os.environ.get(GRAPH_URL_VARIABLE) or CLOUDS[reach.cloud].graph).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise M365SetupError(f"Graph URL {url!r} is not an http(s) URL")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise M365SetupError(f"Graph URL {parts.scheme}://{parts.hostname}/... must be a plain root URL")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise M365SetupError(
            f"refusing to send a Graph token over plain http to {parts.hostname}: use https (only a loopback "
            "http:// URL is allowed, and it gets no token)"
        )
    root = url if url.endswith("/v1.0") else f"{url}/v1.0"
    return root, parts.scheme == "https"


def _credential(reach: GraphReach) -> Any:
    from azure.identity.aio import CertificateCredential, ClientSecretCredential, DefaultAzureCredential

    authority = CLOUDS[reach.cloud].authority
    if reach.certificate and not reach.client_id:
        raise M365SetupError("--certificate needs --client-id (and --tenant-id)")
    if reach.client_id:
        if not reach.tenant_id:
            raise M365SetupError("--client-id needs --tenant-id")
        if reach.certificate:
            if not os.path.isfile(reach.certificate):
                raise M365SetupError(f"{reach.certificate}: no such certificate file")
            return CertificateCredential(
                reach.tenant_id, reach.client_id, certificate_path=reach.certificate, authority=authority
            )
        secret = os.environ.get(SECRET_VARIABLE)
        if not secret:
            raise M365SetupError(
                f"--client-id without --certificate takes the client secret from ${SECRET_VARIABLE}, which is not set"
            )
        return ClientSecretCredential(reach.tenant_id, reach.client_id, secret, authority=authority)
    options: dict[str, Any] = {"authority": authority, "exclude_interactive_browser_credential": True}
    if reach.tenant_id:
        options["additionally_allowed_tenants"] = [reach.tenant_id]
        options["workload_identity_tenant_id"] = reach.tenant_id
    return DefaultAzureCredential(**options)


@dataclass
class Connection:
    client: Any  # GraphServiceClient
    root: str  # the v1.0 root every request goes below
    http: Any  # the httpx.AsyncClient under it
    transport: Any  # its connection pool (msgraph-core's transport wrapper does not close it)
    credential: Any  # None when no token is requested

    async def close(self) -> None:
        await self.http.aclose()
        await self.transport.aclose()
        if self.credential is not None:
            await self.credential.close()


def open_client(reach: GraphReach) -> Connection:
    """A Graph client for `reach`; close it (`await connection.close()`) in the event loop that used it."""
    import httpx
    from kiota_abstractions.authentication import AnonymousAuthenticationProvider
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from kiota_http.middleware.options import RetryHandlerOption
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_request_adapter import options as graph_options
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core import GraphClientFactory  # type: ignore[import-untyped]

    root, needs_token = graph_root(reach)
    credential = _credential(reach) if needs_token else None
    if credential is not None:
        scope = f"{CLOUDS[reach.cloud].graph}/.default"
        auth: Any = AzureIdentityAuthenticationProvider(
            credential, scopes=[scope], allowed_hosts=[urlsplit(root).hostname or ""]
        )
    else:
        auth = AnonymousAuthenticationProvider()
    timeout = httpx.Timeout(reach.read_timeout, connect=reach.connect_timeout)
    transport = httpx.AsyncHTTPTransport()
    http = httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, base_url=root)
    options = {
        **graph_options,
        RetryHandlerOption.get_key(): RetryHandlerOption(delay=0, max_retries=reach.max_retries),
    }
    http = GraphClientFactory.create_with_default_middleware(client=http, options=options)
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = root
    return Connection(GraphServiceClient(request_adapter=adapter), root, http, transport, credential)
