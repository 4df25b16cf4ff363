"""scripts/demo_graph.py runs as a user would run it, and the command it prints scans its tenant."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.m365.support import ROOT, cli


@pytest.fixture
def demo() -> Iterator[str]:
    with subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "demo_graph.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            command = next((line.strip() for line in process.stdout if "emailiac scan --m365" in line), "")
            assert command, "the demo printed no scan command"
            yield command
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_the_printed_command_scans_the_demo_tenant(demo: str) -> None:
    words = shlex.split(demo)
    assert words[words.index("--graph-url") + 1].startswith("http://127.0.0.1:")
    result = CliRunner().invoke(cli(), [*words[words.index("scan") :], "-f", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 2  # findings, and DKIM001 not assessed without DNS
    assert {"MFA001", "MFA002", "MFA003", "MFA004", "RBAC001", "RBAC002", "RBAC003", "PWD002"} == {
        f["rule_id"] for f in report["findings"]
    }
