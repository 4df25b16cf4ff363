"""`emailiac scan --m365` end to end: options, the http refusal, a saved inventory that lint judges again,
`scan --aws --m365` as one report, and DKIM answered by DNS facts of the same run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emailiac.baseline import load_baseline
from emailiac.cli import app as emailiac_app
from emailiac.engine import evaluate
from emailiac.model import DnsRecord, Provenance
from emailiac.sources.m365.connect import CLOUDS, GraphReach, graph_root
from emailiac.sources.m365.dkim import selector_names, unseen_selectors
from emailiac.sources.m365.errors import M365SetupError
from tests.aws.conftest import aws, moto_endpoint, weak_mail  # noqa: F401 - fixtures for the joint scan
from tests.m365.support import WEAK_TENANT, cli, scan

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli(), ["scan", *args], env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_graph_roots_per_cloud_and_the_plain_http_refusal() -> None:
    assert graph_root(GraphReach()) == ("https://graph.microsoft.com/v1.0", True)
    assert graph_root(GraphReach(cloud="usgov-dod"))[0] == "https://dod-graph.microsoft.us/v1.0"
    assert graph_root(GraphReach(cloud="china"))[0] == "https://microsoftgraph.chinacloudapi.cn/v1.0"
    assert graph_root(GraphReach(graph_url="http://127.0.0.1:8080/")) == ("http://127.0.0.1:8080/v1.0", False)
    assert graph_root(GraphReach(graph_url="https://proxy.example/graph/v1.0")) == (
        "https://proxy.example/graph/v1.0",
        True,
    )
    assert set(CLOUDS) == {"global", "usgov", "usgov-dod", "china"}
    with pytest.raises(M365SetupError, match=r"refusing to send a Graph token over plain http to proxy\.example"):
        graph_root(GraphReach(graph_url="http://proxy.example"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--graph-url", "http://graph.example"), "refusing to send a Graph token over plain http"),
        (("--cloud", "mars"), "--cloud 'mars': choose one of global, usgov, usgov-dod, china"),
        (("--client-id", "app"), "--client-id needs --tenant-id"),
        (("--certificate", "cert.pem"), "--certificate needs --client-id"),
    ],
)
def test_bad_options_are_one_line_errors(args: tuple[str, ...], message: str) -> None:
    code, _, err = run("--m365", *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_client_secret_comes_only_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_CLIENT_SECRET", raising=False)
    result = runner.invoke(cli(), ["scan", "--m365", "--tenant-id", "t", "--client-id", "app"], env={})
    assert result.exit_code == 2 and "takes the client secret from $AZURE_CLIENT_SECRET" in result.stderr
    assert "--client-secret" not in runner.invoke(cli(), ["scan", "--help"]).stdout


def test_credentials_per_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from azure.identity.aio import CertificateCredential, ClientSecretCredential, DefaultAzureCredential

    from emailiac.sources.m365.connect import _credential

    monkeypatch.setenv("AZURE_CLIENT_SECRET", "s3cret")
    assert isinstance(_credential(GraphReach(tenant_id="t", client_id="c")), ClientSecretCredential)
    assert isinstance(_credential(GraphReach()), DefaultAzureCredential)
    with pytest.raises(M365SetupError, match="no such certificate file"):
        _credential(GraphReach(tenant_id="t", client_id="c", certificate=str(tmp_path / "none.pem")))
    assert CertificateCredential  # built only from a readable PEM (azure-identity parses it)


def test_scan_saves_an_inventory_lint_judges_again(graph: Any, tmp_path: Path) -> None:
    saved = tmp_path / "tenant.json"
    code, out, _ = run("--m365", "--graph-url", graph.url, "-f", "json", "--save-inventory", str(saved))
    assert code == 2  # findings, and DKIM001 not assessed without DNS
    report = json.loads(out)
    assert {f["source"] for f in report["findings"]} == {"m365"}
    assert any(f["resource"].startswith(f"m365://{WEAK_TENANT}/") and f["import_id"] for f in report["findings"])
    offline = runner.invoke(emailiac_app, ["lint", str(saved), "-f", "json"], env={"NO_COLOR": "1"})
    again = json.loads(offline.stdout)
    key = lambda f: (f["rule_id"], f["resource"], f["fingerprint"])  # noqa: E731
    assert sorted(map(key, again["findings"])) == sorted(map(key, report["findings"]))
    code, _, _ = run("--m365", "--graph-url", graph.url, "--allow-partial")
    assert code == 1


def test_aws_and_m365_in_one_run_give_one_report(graph: Any, weak_mail: Any) -> None:  # noqa: F811
    code, out, _ = run("--aws", "--region", "us-east-1", "--m365", "--graph-url", graph.url, "-f", "json")
    assert code == 2
    report = json.loads(out)
    assert {f["source"] for f in report["findings"]} == {"aws", "m365"}
    assert {"TLS001", "MFA004", "RBAC002"} <= {f["rule_id"] for f in report["findings"]}


def test_dkim_of_tenant_domains_is_answered_by_dns_facts_of_the_same_run(graph: Any) -> None:
    inventory = scan(graph.url)
    names = selector_names(inventory)
    assert names == [
        "selector1._domainkey.legacy.weak.example",
        "selector2._domainkey.legacy.weak.example",
        "selector1._domainkey.weak.example",
        "selector2._domainkey.weak.example",
    ]
    # What a DNS scan of the same run would add: weak.example publishes its selector, legacy does not.
    inventory.gaps = [g for g in inventory.gaps if g.fact_type != "DnsRecord"]
    inventory.sources.add("dns")
    target = "selector1-weak-example._domainkey.fabrikamweak.onmicrosoft.com"
    record = DnsRecord(Provenance("dns", f"dns://{names[2]}/CNAME"), names[2], "CNAME", (target,))
    inventory.facts.append(record)
    assert unseen_selectors(inventory) == []
    result = evaluate(inventory, load_baseline("default"), only=("DKIM001",))
    assert [e.message for e in result.passes] == ["Microsoft 365 domain weak.example publishes a DKIM selector"]
    # legacy.weak.example publishes none: never a pass.
    assert not [e for e in result.passes if "legacy.weak.example" in e.message]
