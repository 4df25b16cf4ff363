"""The progress display: drawn on a terminal once a run is slow, never into a pipe or a CI log."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "terraform" / "demo"


def _lint(tmp_path: Path, *, tty: bool, delay: str) -> tuple[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "EMAILIAC_CACHE_DIR": str(tmp_path / "cache"),
        "EMAILIAC_PROGRESS_DELAY": delay,
        "TERM": "xterm",
        "NO_COLOR": "1",
    }
    cmd = [sys.executable, "-m", "emailiac", "lint", str(DEMO), "--no-cache", "--format", "json"]
    if not tty:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        return proc.stdout, proc.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    out, _ = proc.communicate(timeout=120)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return out, b"".join(chunks).decode(errors="replace")


def test_a_terminal_sees_the_phases_of_a_slow_run(tmp_path: Path) -> None:
    out, err = _lint(tmp_path, tty=True, delay="0")
    assert out.startswith("{")  # the report on stdout is untouched
    assert "emailiac" in err and ("judging" in err or "reading Terraform" in err or "planning fixes" in err)


def test_a_fast_run_draws_nothing(tmp_path: Path) -> None:
    _, err = _lint(tmp_path, tty=True, delay="60")
    assert "reading Terraform" not in err and "judging" not in err


def test_a_pipe_gets_nothing(tmp_path: Path) -> None:
    _, err = _lint(tmp_path, tty=False, delay="0")
    assert "reading Terraform" not in err and "judging" not in err
