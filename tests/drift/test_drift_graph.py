"""`emailiac drift --m365` through the real msgraph-sdk against the Graph stand-in on loopback
(fixtures/graph/server.py, the `weak` tenant): a declared policy the tenant runs report-only is changed and
weakening, the tenant's other policies are unmanaged."""

from __future__ import annotations

import gc
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emailiac.cli import app

ROOT = Path(__file__).resolve().parents[2]
POLICY = """
resource "azuread_conditional_access_policy" "mfa" {
  display_name = "Require MFA for all users"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]

    applications {
      included_applications = ["All"]
    }

    users {
      included_users = ["All"]
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["mfa"]
  }
}
"""

pytest.importorskip("msgraph", reason="msgraph-sdk is not installed (pip install 'emailiac[m365]')")


@pytest.fixture(scope="module")
def graph() -> Iterator[Any]:
    spec = importlib.util.spec_from_file_location("graph_server", ROOT / "fixtures" / "graph" / "server.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    server = module.GraphServer("weak").start()
    yield server
    server.stop()


# msgraph-sdk warns about its own deprecated request classes, and its HTTP clients leave sockets for the
# garbage collector; neither is drift's to fix.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_drift_m365_against_the_graph_stand_in(graph: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "main.tf").write_text(POLICY)
    result = CliRunner().invoke(
        app, ["drift", str(tmp_path), "--m365", "--graph-url", f"{graph.url}/v1.0", "-f", "json", "--timeout", "60"]
    )
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    policies = {d["identity"]: d for d in report["drift"] if d["kind"] == "conditional_access_policy"}
    declared = policies["Require MFA for all users"]
    assert declared["status"] == "changed" and declared["source"] == "m365"
    assert declared["changes"] == [
        {"attribute": "state", "declared": "enabled", "live": "enabledForReportingButNotEnforced"}
    ]
    assert declared["weakens"] == ["MFA004"] and declared["live_id"] == "c0ffee00-0000-4000-8000-000000000001"
    assert {k: d["status"] for k, d in policies.items() if k != "Require MFA for all users"} == {
        "Block legacy authentication": "unmanaged",
        "MFA for administrators": "unmanaged",
    }
    assert all(entry.method == "GET" for entry in graph.log)  # read-only
    gc.collect()  # the SDK's leftover sockets are reclaimed here, under this test's warning filters
