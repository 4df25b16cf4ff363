"""One Graph stand-in on 127.0.0.1 for the session, reset to the weak tenant before each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.m365.support import server_module


@pytest.fixture(scope="session")
def graph_server() -> Iterator[Any]:
    server = server_module().GraphServer().start()
    yield server
    server.stop()


@pytest.fixture
def graph(graph_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The server serving the weak tenant; no Azure credentials in the environment."""
    for name in ("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "EMAILIAC_GRAPH_URL"):
        monkeypatch.delenv(name, raising=False)
    graph_server.reset("weak")
    return graph_server
