"""The Microsoft 365 part of `emailiac scan`: its options, its collection and `emailiac permissions m365`.

msgraph-sdk and azure-identity are imported inside the functions, only when the tenant is scanned.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from emailiac.model import Inventory
    from emailiac.sources.deadline import Deadline

__all__ = [
    "Certificate",
    "ClientId",
    "CloudName",
    "GraphUrl",
    "M365Options",
    "TenantId",
    "check_m365",
    "collect_m365",
    "m365_fact_types",
    "permissions_m365",
]

TenantId = Annotated[
    str | None, typer.Option(metavar="ID", help="Entra ID tenant (ID or domain) to scan; needed with --client-id.")
]
ClientId = Annotated[
    str | None,
    typer.Option(
        metavar="ID",
        help="App registration to sign in as, with --certificate or the secret in $AZURE_CLIENT_SECRET "
        "(default: DefaultAzureCredential).",
    ),
]
Certificate = Annotated[
    Path | None, typer.Option(metavar="PEM", help="PEM file with the app's certificate and private key.")
]
CloudName = Annotated[
    str, typer.Option("--cloud", metavar="CLOUD", help="Microsoft cloud: global, usgov, usgov-dod or china.")
]
GraphUrl = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        envvar="EMAILIAC_GRAPH_URL",
        help="Another Microsoft Graph root (a proxy; a loopback http:// test server gets no token).",
    ),
]


@dataclass(frozen=True)
class M365Options:
    tenant_id: str | None = None
    client_id: str | None = None
    certificate: Path | None = None
    cloud: str = "global"
    graph_url: str | None = None


def check_m365(options: M365Options) -> str | None:
    """What is wrong with the Microsoft 365 options (a one-line error), or None."""
    for module in ("msgraph", "azure.identity"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            return "scanning Microsoft 365 needs msgraph-sdk and azure-identity: pip install 'emailiac[m365]'"
    from emailiac.sources.m365.connect import GraphReach, graph_root
    from emailiac.sources.m365.errors import M365SetupError

    try:
        graph_root(GraphReach(cloud=options.cloud, graph_url=options.graph_url))
    except M365SetupError as exc:
        return str(exc)
    if options.certificate is not None and not options.client_id:
        return "--certificate needs --client-id (and --tenant-id)"
    if options.client_id and not options.tenant_id:
        return "--client-id needs --tenant-id"
    return None


def collect_m365(options: M365Options, deadline: Deadline) -> Inventory:
    """The live tenant as facts; M365SetupError when the scan cannot start."""
    from emailiac.sources.m365.collector import collect
    from emailiac.sources.m365.connect import GraphReach

    reach = GraphReach(
        cloud=options.cloud,
        graph_url=options.graph_url,
        tenant_id=options.tenant_id,
        client_id=options.client_id,
        certificate=str(options.certificate) if options.certificate is not None else None,
        read_timeout=max(1.0, min(60.0, deadline.seconds)),
    )
    return collect(reach, deadline)


def m365_fact_types() -> tuple[str, ...]:
    from emailiac.sources.m365.calls import CALLS

    return tuple(dict.fromkeys(t for c in CALLS for t in c.feeds))


def permissions_m365() -> None:
    """Print the Microsoft Graph application permissions that `scan --m365` needs (all read-only)."""
    from emailiac.sources.m365.calls import permissions

    typer.echo(json.dumps(permissions(), indent=2))
