"""The request log of a full scan: reads only, every one a listed call, query options as Graph needs them,
every page followed; and `emailiac permissions m365` derived from the same list."""

from __future__ import annotations

import json
import re
from typing import Any

from typer.testing import CliRunner

from emailiac.sources.m365.calls import CALLS, USER_PROPERTIES
from tests.m365.support import cli, scan


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(path).replace(r"\{id\}", "[^/]+") + "$")


def _full_scan_log(graph: Any) -> list[Any]:
    scan(graph.url)
    weak = graph.log
    graph.reset("compliant")
    scan(graph.url)  # the compliant tenant has a group to expand
    return [*weak, *graph.log]


def test_a_full_scan_only_reads_and_only_listed_calls(graph: Any) -> None:
    log = _full_scan_log(graph)
    assert log and {entry.method for entry in log} == {"GET"}
    assert not [entry for entry in log if entry.authorized]  # loopback http: no token requested or sent
    used = {c.key for c in CALLS for entry in log if _pattern(c.path).match(entry.path)}
    assert used == {c.key for c in CALLS}  # every listed call is made, and nothing else:
    assert all(any(_pattern(c.path).match(entry.path) for c in CALLS) for entry in log)


def test_query_options_are_the_ones_graph_needs(graph: Any) -> None:
    log = _full_scan_log(graph)
    users = [e for e in log if e.path == "users"]
    assert users and all(e.query["$select"] == [",".join(USER_PROPERTIES)] for e in users)
    assert all(e.query["$filter"][0].startswith("id in ('") for e in users)
    members = [e for e in log if e.path.endswith("transitiveMembers/microsoft.graph.user")]
    assert members and all("userType" in e.query["$select"][0] for e in members)
    for path in (
        "roleManagement/directory/roleAssignments",
        "roleManagement/directory/roleEligibilityScheduleInstances",
    ):
        assert all(e.query.get("$expand") == ["principal"] for e in log if e.path == path)


def test_every_page_is_followed(graph: Any) -> None:
    log = _full_scan_log(graph)
    pages = {(e.path, e.query.get("$skiptoken", ["0"])[0]) for e in log}
    # The weak tenant has five active role assignments: three pages of two.
    assert {("roleManagement/directory/roleAssignments", t) for t in ("0", "2", "4")} <= pages
    assert ("identity/conditionalAccess/policies", "2") in pages


def test_permissions_are_generated_from_the_calls() -> None:
    run = CliRunner().invoke(cli(), ["permissions", "m365"])
    assert run.exit_code == 0
    listed = json.loads(run.stdout)
    assert [p["permission"] for p in listed] == sorted({c.permission for c in CALLS})
    assert all(p["type"] == "Application" and not p["permission"].endswith("ReadWrite.All") for p in listed)
    requests = {r for p in listed for r in p["requests"]}
    assert requests == {f"GET /{c.path}" for c in CALLS}
    by_name = {p["permission"]: p for p in listed}
    assert "GET /roleManagement/directory/roleAssignments" in by_name["RoleManagement.Read.Directory"]["requests"]
