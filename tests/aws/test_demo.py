"""scripts/demo_moto.py runs as a user would run it, and the command it prints scans its account."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.aws.support import ROOT, cli


@pytest.fixture
def demo() -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "demo_moto.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as process:
        try:
            assert process.stdout is not None
            command = next((line.strip() for line in process.stdout if "emailiac scan --aws" in line), "")
            assert command, "the demo printed no scan command"
            yield command
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_the_printed_command_scans_the_seeded_account(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    words = shlex.split(demo)
    settings = dict(w.split("=", 1) for w in words if re.fullmatch(r"AWS_[A-Z_]+=\S+", w))
    assert settings["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    args = words[words.index("scan") :]
    result = CliRunner().invoke(cli(), [*args, "-f", "json"], env={**settings, "AWS_CONFIG_FILE": os.devnull})
    report = json.loads(result.stdout)
    assert result.exit_code == 2  # findings, and one check moto cannot answer (SES v2 event destinations)
    assert {"TLS001", "NET001", "SES002", "PWD001", "MFA005"} <= {f["rule_id"] for f in report["findings"]}
