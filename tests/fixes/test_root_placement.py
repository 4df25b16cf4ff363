"""A fix that adds a block to a root module (a GuardDuty detector, a password policy, a trail) puts it in the
root whose finding it fixes, when one run lints several roots: never in the first root found."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "terraform" / "ids_absent"


def _emailiac(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMAILIAC_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "emailiac", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_new_root_blocks_go_to_the_root_of_their_finding(tmp_path: Path, jobs: str) -> None:
    tree = tmp_path / "tree"
    for name in ("billing", "mail"):
        shutil.copytree(FIXTURE, tree / name)
    baseline = str(FIXTURE / "baseline.yaml")
    proc = _emailiac(tmp_path, "lint", str(tree), "-b", baseline, "-f", "json", "--rule", "IDS001", "-j", jobs)
    assert proc.returncode == 1, proc.stderr
    placed = {
        (f["rule_id"], f["root"]): sorted({b["file"] for b in f["fix"]["new_blocks"]})
        for f in json.loads(proc.stdout)["findings"]
    }
    assert placed == {
        ("IDS001", str(tree / name)): [str(tree / name / "emailiac_fixes.tf")] for name in ("billing", "mail")
    }

    proc = _emailiac(tmp_path, "fix", str(tree), "-b", baseline, "--rule", "IDS001", "--write")
    assert proc.returncode == 0, proc.stderr
    for name in ("billing", "mail"):
        written = (tree / name / "emailiac_fixes.tf").read_text()
        assert written.count('resource "aws_guardduty_detector"') == 1, name
