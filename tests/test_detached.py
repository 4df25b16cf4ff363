"""Cache writes handed to forked copies: done by another process, finished when `writes` ends, never run
twice or lost, and nothing of this process's (buffered output, exit handlers) repeated by the copy."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from emailiac import detached
from emailiac.detached import later, writes

ROOT = Path(__file__).resolve().parents[1]
MANY = detached._WORTH_A_COPY
FEW = MANY - 1

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="copies are forked on Linux only")


def _note_pid(out: Path) -> None:
    out.write_text(str(os.getpid()))


def test_a_large_write_is_done_by_a_copy_and_finished_when_the_block_ends(tmp_path: Path) -> None:
    outs = [tmp_path / f"w{i}" for i in range(5)]
    with writes(2):
        for out in outs:  # more than may run at once: the oldest is waited for
            later(functools.partial(_note_pid, out), MANY)
    pids = {int(out.read_text()) for out in outs}
    assert os.getpid() not in pids and len(pids) == 5
    assert detached._running == [] and detached._owner == 0


def test_small_writes_and_one_job_run_at_once_in_this_process(tmp_path: Path) -> None:
    with writes(2):
        later(lambda: _note_pid(tmp_path / "small"), FEW)
        assert (tmp_path / "small").read_text() == str(os.getpid())
    with writes(1):
        later(lambda: _note_pid(tmp_path / "one"), MANY)
        assert (tmp_path / "one").read_text() == str(os.getpid())
    later(lambda: _note_pid(tmp_path / "outside"), MANY)  # outside any block
    assert (tmp_path / "outside").read_text() == str(os.getpid())


def _in_worker(out: str) -> int:
    later(lambda: _note_pid(Path(out)), MANY)
    return os.getpid()


def test_a_pool_worker_forked_inside_the_block_writes_itself(tmp_path: Path) -> None:
    with writes(2), ProcessPoolExecutor(max_workers=1) as pool:
        worker = pool.submit(_in_worker, str(tmp_path / "w")).result()
        assert (tmp_path / "w").read_text() == str(worker)  # done before the worker answered


def test_a_failing_write_costs_nothing_but_the_write(tmp_path: Path) -> None:
    def fail() -> None:
        raise OSError("disk full")

    with writes(2):
        later(fail, MANY)
        later(lambda: _note_pid(tmp_path / "after"), MANY)
    assert (tmp_path / "after").exists()


def test_the_copy_neither_flushes_buffered_output_nor_runs_exit_handlers(tmp_path: Path) -> None:
    script = (
        "import atexit, sys\n"
        "from emailiac.detached import later, writes\n"
        "atexit.register(lambda: print('exit handler'))\n"
        "sys.stdout.write('buffered ')\n"
        "with writes(2):\n"
        f"    later(lambda: open({str(tmp_path / 'done')!r}, 'w').write('x'), {MANY})\n"
        "print('end')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": ""}
    env.pop("PYTHONUNBUFFERED")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert proc.stdout == "buffered end\nexit handler\n"
    assert proc.stderr == ""
    assert (tmp_path / "done").read_text() == "x"
