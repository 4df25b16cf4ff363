"""The GitHub Action: its metadata is valid, and its lint step does what the workflow relies on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "github-action.schema.json").read_text())
DEMO = ROOT / "fixtures" / "terraform" / "demo"


def test_metadata_is_valid() -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(ACTION)
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"path", "baseline", "fail-on", "args", "sarif", "version"}
    assert ACTION["inputs"]["sarif"]["default"] == "true"


def test_every_input_reaches_a_step() -> None:
    steps = ACTION["runs"]["steps"]
    text = yaml.safe_dump(steps)
    for name in ACTION["inputs"]:
        assert f"inputs.{name}" in text, name
    uses = [s["uses"] for s in steps if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)


def _run(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], Path]:
    output = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "EMAILIAC_CACHE_DIR": str(tmp_path / "cache"),
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(ROOT),
        "RUNNER_TEMP": str(runner_temp),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    proc = subprocess.run(
        ["bash", str(ROOT / "action" / "lint.sh")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    return proc, outputs, summary


def test_lint_step_on_the_demo(tmp_path: Path) -> None:
    proc, outputs, summary = _run(tmp_path, path=str(DEMO), sarif="true", args="--skip NET004")
    assert proc.returncode == 0, proc.stderr  # the step passes; the gate step fails the job
    assert outputs["exit-code"] == "1"
    assert int(outputs["findings"]) > 0
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0"
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "NET004" not in rules and "NET001" in rules  # args reached emailiac
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == int(outputs["findings"])
    assert "NET001" in summary.read_text()


def test_sarif_off_and_severity_gate(tmp_path: Path) -> None:
    proc, outputs, _ = _run(tmp_path, path=str(DEMO), sarif="false", **{"fail_on": "critical"})
    assert proc.returncode == 0, proc.stderr
    assert outputs["sarif-file"] == ""
    assert outputs["exit-code"] == "1"  # the demo has critical findings


def test_args_are_never_evaluated(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    proc, outputs, _ = _run(tmp_path, path=str(DEMO), args=f"$(touch {marker}) `touch {marker}`")
    assert not marker.exists()
    assert outputs["exit-code"] == "2"  # emailiac was handed the words as paths or options, and said no
    assert proc.returncode == 0


@pytest.mark.parametrize("script", ["install.sh", "lint.sh"])
def test_scripts_are_strict_bash(script: str) -> None:
    proc = subprocess.run(["bash", "-n", str(ROOT / "action" / script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
