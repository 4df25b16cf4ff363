"""`fix --write` changes only what it may: files inside the folders it was given, never a read-only file,
symlinks kept as symlinks, modes kept; and all or nothing even when the process is killed mid-write (the
journal is finished or undone by the next run, and no temporary file is left)."""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emailiac.atomic import JOURNAL, recover, write_all_atomic

ROOT = Path(__file__).resolve().parents[2]

WEAK = """resource "aws_sesv2_configuration_set" "{name}" {{
  configuration_set_name = "{name}"

  delivery_options {{
    tls_policy = "OPTIONAL"
  }}
}}
"""
NAMES = ("alpha", "bravo", "charlie", "delta")


def _tree(root: Path) -> dict[Path, str]:
    root.mkdir(parents=True, exist_ok=True)
    files = {root / f"{name}.tf": WEAK.format(name=name) for name in NAMES}
    for path, text in files.items():
        path.write_text(text)
    return files


def _fix(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emailiac", "fix", "--rule", "TLS001", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "EMAILIAC_CACHE_DIR": str(cwd or ROOT), **(env or {})},
        cwd=cwd,
        check=False,
    )


def _fixed(text: str) -> bool:
    return 'tls_policy = "REQUIRE"' in text


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(JOURNAL))


def test_write_fixes_every_file(tmp_path: Path) -> None:
    files = _tree(tmp_path / "infra")
    proc = _fix("--write", str(tmp_path / "infra"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert all(_fixed(p.read_text()) for p in files)
    assert _leftovers(tmp_path) == []


def test_read_only_file_refuses_the_whole_write(tmp_path: Path) -> None:
    files = _tree(tmp_path / "infra")
    locked = tmp_path / "infra" / "charlie.tf"
    locked.chmod(0o444)
    proc = _fix("--write", str(tmp_path / "infra"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "charlie.tf is read-only; nothing was changed" in proc.stderr
    assert {p: p.read_text() for p in files} == files
    assert stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert _leftovers(tmp_path) == []


def test_modes_are_kept_and_new_files_get_the_usual_mode(tmp_path: Path) -> None:
    files = _tree(tmp_path / "infra")
    first = next(iter(files))
    first.chmod(0o640)
    write_all_atomic({first: "changed\n", tmp_path / "infra" / "new.tf": "new\n"}, tmp_path / "infra")
    assert stat.S_IMODE(first.stat().st_mode) == 0o640
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "infra" / "new.tf").stat().st_mode) == 0o666 & ~umask


def test_symlink_inside_the_tree_stays_a_symlink(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    _tree(infra)
    shared = infra / "shared"
    shared.mkdir()
    (infra / "alpha.tf").rename(shared / "alpha.tf.txt")
    (infra / "alpha.tf").symlink_to(Path("shared") / "alpha.tf.txt")
    proc = _fix("--write", str(infra), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (infra / "alpha.tf").is_symlink()
    assert _fixed((shared / "alpha.tf.txt").read_text())


def test_symlink_to_outside_gets_advice_not_an_edit(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    _tree(infra)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (infra / "alpha.tf").rename(elsewhere / "alpha.tf")
    (infra / "alpha.tf").symlink_to(elsewhere / "alpha.tf")
    proc = _fix("--write", str(infra), cwd=tmp_path)
    assert (infra / "alpha.tf").is_symlink()
    assert not _fixed((elsewhere / "alpha.tf").read_text())
    assert "outside the folders given to emailiac fix" in proc.stderr
    assert _fixed((infra / "bravo.tf").read_text())


def test_module_outside_the_tree_gets_advice_not_an_edit(tmp_path: Path) -> None:
    module = tmp_path / "x"
    _tree(module)
    infra = tmp_path / "deep" / "infra"
    infra.mkdir(parents=True)
    (infra / "main.tf").write_text('module "mail" {\n  source = "../../x"\n}\n')
    before = {p: p.read_text() for p in module.iterdir()}
    proc = _fix("--write", str(infra), cwd=tmp_path)
    assert {p: p.read_text() for p in module.iterdir()} == before
    assert "outside the folders given to emailiac fix" in proc.stderr, proc.stderr


def _temps(root: Path) -> list[str]:
    return [n for n in _leftovers(root) if n.endswith(".tmp") and not n.startswith(JOURNAL)]


def _journal_state(root: Path) -> str | None:
    try:
        return str(json.loads((root / JOURNAL).read_text())["state"])
    except (OSError, ValueError):
        return None


def _kill_when(proc: subprocess.Popen[str], ready: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if callable(ready) and ready():
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _start(infra: Path, pause: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "emailiac", "fix", "--rule", "TLS001", "--write", str(infra)],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "EMAILIAC_CACHE_DIR": str(infra.parent / "cache"),
            "EMAILIAC_TEST_WRITE_PAUSE": pause,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def test_killed_between_renames_is_finished_by_the_next_run(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    files = _tree(infra)
    proc = _start(infra, "rename:1.5")
    _kill_when(proc, lambda: sum(_fixed(p.read_text()) for p in files) == 1)
    states = [_fixed(p.read_text()) for p in files]
    assert states.count(True) == 1, "killed after exactly one rename"
    assert _journal_state(infra) == "commit"
    assert len(_temps(infra)) == len(files) - 1
    proc2 = _fix(str(infra), cwd=tmp_path)  # any next run, even without --write, finishes the write
    assert "completed an interrupted write" in proc2.stderr
    assert all(_fixed(p.read_text()) for p in files)
    assert _leftovers(infra) == []


def test_a_write_killed_between_renames_is_finished_by_the_library_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`emailiac.api.fix` recovers first, as the command does, from the journal the command keeps."""
    from emailiac import api

    infra = tmp_path / "infra"
    files = _tree(infra)
    proc = _start(infra, "rename:1.5")
    _kill_when(proc, lambda: sum(_fixed(p.read_text()) for p in files) == 1)
    assert _journal_state(infra) == "commit"
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    api.fix([infra], rules=["TLS001"])
    assert all(_fixed(p.read_text()) for p in files)
    assert _leftovers(infra) == []


def test_killed_while_writing_temporary_files_changes_nothing(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    files = _tree(infra)
    proc = _start(infra, "write:1.5")
    _kill_when(proc, lambda: len(_temps(infra)) >= 1)
    assert _journal_state(infra) == "prepare"
    assert recover(infra) == []
    assert {p: p.read_text() for p in files} == files
    assert _leftovers(infra) == []


def test_killed_at_random_points_is_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(11)
    for attempt in range(4):
        infra = tmp_path / f"infra{attempt}"
        files = _tree(infra)
        proc = _start(infra, "rename:0.05")
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        recover(infra)
        states = {_fixed(p.read_text()) for p in files}
        assert len(states) == 1, f"attempt {attempt}: some files fixed, some not"
        assert _leftovers(infra) == []


def test_a_hostile_journal_touches_nothing_outside(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    _tree(infra)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    planted = tmp_path / ".victim.txt.emailiac-1.tmp"
    planted.write_text("owned")
    doc = {"state": "commit", "files": [{"target": str(victim), "temp": str(planted)}]}
    (infra / JOURNAL).write_text(json.dumps(doc))
    recover(infra)
    assert victim.read_text() == "keep"
    assert not (infra / JOURNAL).exists()


def _null_device(tmp_path: Path) -> Path:
    """A character device that discards what is written: our own node (as root), else /dev/null."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return node
    except OSError:
        if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
            pytest.skip("no character device to write to: cannot create one, and /dev/null is not one here")
        return Path("/dev/null")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_output_writes_through_a_fifo_a_device_and_a_symlink(tmp_path: Path) -> None:
    import threading

    demo = ROOT / "fixtures" / "terraform" / "tls_weak"
    device = _null_device(tmp_path)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMAILIAC_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "emailiac", "lint", str(demo), "--rule", "TLS001"]
    cmd += ["-f", "json", "-o", str(fifo), "-f", "json", "-o", str(device), "-f", "json", "-o", str(link)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=300)
    reader.join(timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["findings"]
    assert stat.S_ISCHR(device.lstat().st_mode), f"{device} was replaced by a regular file"
    assert link.is_symlink() and json.loads(real.read_text())["findings"]
