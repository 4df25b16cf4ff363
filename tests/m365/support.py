"""Test plumbing for the live Microsoft 365 collector: fixtures/graph/server.py (a Graph stand-in on
loopback serving recorded tenants) and the real msgraph-sdk client pointed at it."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

from emailiac.baseline import Baseline, load_baseline
from emailiac.engine import evaluate
from emailiac.model import Inventory
from emailiac.result import Result
from emailiac.sources.deadline import Deadline
from emailiac.sources.m365.collector import collect
from emailiac.sources.m365.connect import GraphReach
from emailiac.sources.m365.dkim import unseen_selectors

ROOT = Path(__file__).resolve().parents[2]
GRAPH = ROOT / "fixtures" / "graph"
WEAK_TENANT = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
COMPLIANT_TENANT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
# The rules a live tenant serves.
M365_RULES = ("MFA001", "MFA002", "MFA003", "MFA004", "RBAC001", "RBAC002", "RBAC003", "PWD002", "DKIM001")


def server_module() -> ModuleType:
    """fixtures/graph/server.py (fixtures is data, not a package)."""
    spec = importlib.util.spec_from_file_location("graph_fixture_server", GRAPH / "server.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return module


def scan(url: str, seconds: float = 60.0) -> Inventory:
    inventory = collect(GraphReach(graph_url=url), Deadline(seconds))
    inventory.gaps.extend(unseen_selectors(inventory))
    return inventory


def baseline(name: str) -> Baseline:
    return load_baseline(str(GRAPH / f"{name}.baseline.yaml"))


def judge(inventory: Inventory, chosen: Baseline, rules: tuple[str, ...] = M365_RULES) -> Result:
    return evaluate(inventory, chosen, only=rules)


def failing(result: Result) -> Counter[str]:
    return Counter(f.rule_id for f in result.active_findings)


def cli() -> Any:
    """A typer app with the commands registered the way emailiac.cli registers them."""
    import typer

    from emailiac.commands.scan import permissions_m365
    from emailiac.commands.scan import scan as scan_command

    app = typer.Typer()
    app.command("scan")(scan_command)
    permissions = typer.Typer()
    permissions.command("m365")(permissions_m365)
    app.add_typer(permissions, name="permissions")
    return app
