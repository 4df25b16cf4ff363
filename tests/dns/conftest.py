"""The demo mail world (fixtures/dns/mailworld.py) on loopback for the DNS source's tests: the in-process
authoritative DNS server over fixtures/dns/zones, SMTP responders and the MTA-STS policy server, with a test CA
made at start-up."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_fixture_module(name: str) -> Any:
    key = f"emailiac_fixture_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "fixtures" / "dns" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


mailworld = load_fixture_module("mailworld")


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    started = mailworld.start(tmp_path_factory.mktemp("mailworld"))
    yield started
    started.stop()


@pytest.fixture
def world_env(world: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The world, with the scan's test-only overrides (ports, CA bundle) in the environment."""
    for key, value in world.env.items():
        monkeypatch.setenv(key, value)
    return world
