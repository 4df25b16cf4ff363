"""`emailiac drift` on the bundled demo (fixtures/drift): every outcome across AWS, Microsoft 365 and DNS,
the JSON report valid against schemas/drift.schema.json, Markdown and text, and user errors as one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from typer.testing import CliRunner

from emailiac.cli import app
from emailiac.resources import resource_path

DEMO = [
    "fixtures/drift/terraform",
    "--live",
    "fixtures/drift/live.json",
    "-b",
    "fixtures/drift/terraform/baseline.yaml",
]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _at_root(in_repo: Path) -> None:
    """Every test runs from the repository root."""


def validate_drift_report(report: dict[str, Any]) -> None:
    schemas = {
        name: json.loads(resource_path("schemas", name).read_text())
        for name in ("drift.schema.json", "report.schema.json")
    }
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    jsonschema.Draft202012Validator(schemas["drift.schema.json"], registry=registry).validate(report)


def demo_json() -> dict[str, Any]:
    code, out, err = run("drift", *DEMO, "-f", "json")
    assert code == 1, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_the_demo_drifts_in_every_way_across_aws_m365_and_dns() -> None:
    report = demo_json()
    validate_drift_report(report)
    statuses = {(d["source"], d["status"]) for d in report["drift"]}
    for source in ("aws", "m365", "dns"):
        assert {(source, "managed"), (source, "changed"), (source, "unmanaged")} <= statuses, source
    assert ("aws", "missing") in statuses
    assert {k: report["summary"][k] for k in ("managed", "changed", "unmanaged", "missing", "weakening")} == {
        "managed": 24,
        "changed": 6,
        "unmanaged": 5,
        "missing": 2,
        "weakening": 5,
    }
    first = report["drift"][0]
    assert first["weakens"] and first["status"] == "changed"
    # Weakening drift first, everything that agrees last.
    ranks = [0 if d["weakens"] else 2 if d["status"] == "managed" else 1 for d in report["drift"]]
    assert ranks == sorted(ranks)
    outbound = next(d for d in report["drift"] if d["address"] == "aws_sesv2_configuration_set.outbound")
    assert outbound["changes"] == [{"attribute": "tls_policy", "declared": "REQUIRE", "live": "OPTIONAL"}]
    assert outbound["declared_verdicts"]["TLS001"] == "pass" and outbound["live_verdicts"]["TLS001"] == "fail"
    ca = next(d for d in report["drift"] if d["kind"] == "conditional_access_policy" and d["status"] == "changed")
    assert ca["changes"] == [{"attribute": "state", "declared": "enabled", "live": "enabledForReportingButNotEnforced"}]
    assert ca["weakens"] == ["MFA004"]
    assert report["coverage"]["ses_configuration_set"] == {"live": 3, "managed": 2, "declared": 2, "ratio": 0.6667}
    assert {f["source"] for f in report["findings"]} == {"terraform", "aws", "m365", "dns"}


def test_text_and_markdown_say_what_changed_and_both_verdicts() -> None:
    code, out, _ = run("drift", *DEMO)
    assert code == 1
    assert 'tls_policy: "REQUIRE" (declared) -> "OPTIONAL" (live)' in out
    assert "declared passes TLS001, live fails TLS001" in out
    assert out.rstrip().endswith(
        "6 changed (5 weakening) · 5 unmanaged · 2 missing · 24 managed · 1 not compared · 54 findings"
    )
    code, md, _ = run("drift", *DEMO, "-f", "markdown")
    assert code == 1
    assert md.startswith("## emailiac drift")
    assert "| **weakening** changed | ses\\_configuration\\_set |" in md


def test_no_drift_exits_0(tmp_path: Path) -> None:
    code, out, err = run(
        "drift", "fixtures/terraform/aws_parity", "--live", "fixtures/drift/parity_live.json", "-f", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    validate_drift_report(report)
    assert report["summary"]["drifted"] == 0 and report["summary"]["managed"] == 27


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fixtures/drift/terraform"], "name the live side"),
        (["fixtures/drift/terraform", "--live", "nope.json"], "nope.json: cannot read the inventory"),
        (
            ["fixtures/drift/terraform", "--live", "fixtures/drift/terraform/baseline.yaml"],
            "baseline.yaml: invalid JSON",
        ),
        (
            ["fixtures/drift/terraform", "--live", "fixtures/drift/live.json", "--state", "fixtures/drift/live.json"],
            "live.json: no values.root_module",
        ),
        (["fixtures/drift/terraform", "--live", "fixtures/drift/live.json", "-f", "sarif"], "unknown format 'sarif'"),
        (["fixtures/drift/terraform", "--dns", "--nameserver", "nope"], "--nameserver 'nope': give the server's IP"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, _, err = run("drift", *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_reports_go_to_files(tmp_path: Path) -> None:
    html, js = tmp_path / "drift.html", tmp_path / "drift.json"
    code, out, _ = run("drift", *DEMO, "-f", "html", "-o", str(html), "-f", "json", "-o", str(js))
    assert code == 1 and out == ""
    assert html.read_text().startswith("<!DOCTYPE html>")
    validate_drift_report(json.loads(js.read_text()))
