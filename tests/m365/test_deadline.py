"""Live scans end: an endpoint that accepts connections and never answers costs the scan its --timeout, no
more; what was not read by then is not assessed with the reason, and when nothing could be read the text and
github reports say why."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.m365.support import cli


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """Accepts every connection, reads what is sent, never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    listener.close()


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[Any, float]:
    started = time.monotonic()
    result = CliRunner().invoke(cli(), args, env=env)
    return result, time.monotonic() - started


def test_a_stalled_graph_call_costs_the_timeout_and_is_not_assessed(graph: Any) -> None:
    graph.stall(r"^roleManagement/directory/roleAssignments$")
    run, took = _run(["scan", "--m365", "--graph-url", graph.url, "--timeout", "10", "-f", "json"])
    assert run.exit_code == 2 and 10 <= took < 25
    report = json.loads(run.stdout)
    reasons = {(e["rule_id"], e["reason"]) for e in report["not_assessed"]}
    late = "directory roles was not read before the scan's deadline (--timeout 10 s)"
    assert {r for r, why in reasons if why == late} == {"RBAC001", "RBAC002", "RBAC003"}
    assert {f["rule_id"] for f in report["findings"]} >= {"MFA001", "MFA004", "PWD002"}  # the rest was read


def test_a_graph_that_never_answers_says_why_in_text_and_github(silent_endpoint: str) -> None:
    run, took = _run(["scan", "--m365", "--graph-url", silent_endpoint, "--timeout", "2"])
    assert run.exit_code == 2 and took < 15
    assert "Microsoft 365: nothing could be read: " in run.stdout
    run, _ = _run(["scan", "--m365", "--graph-url", silent_endpoint, "--timeout", "2", "-f", "github"])
    assert run.exit_code == 2
    assert "::error::Microsoft 365: nothing could be read: " in run.stdout


def test_an_aws_endpoint_that_never_answers_ends_at_the_deadline(silent_endpoint: str, tmp_path: Any) -> None:
    env = {
        "AWS_ENDPOINT_URL": silent_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    args = ["scan", "--aws", "--region", "us-east-1", "--timeout", "3", "--max-attempts", "1"]
    run, took = _run([*args, "-f", "json"], env)
    assert run.exit_code == 2 and took < 20
    report = json.loads(run.stdout)
    assert report["findings"] == []
    assert any(e["message"].startswith("AWS: nothing could be read: ") for e in report["errors"])
    assert any("deadline" in e["reason"] or "could not reach" in e["reason"] for e in report["not_assessed"])
    run, _ = _run([*args, "-f", "github"], env)
    assert "::error::AWS: nothing could be read: " in run.stdout
