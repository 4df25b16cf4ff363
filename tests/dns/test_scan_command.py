"""`emailiac scan --dns` end to end over the demo world: exactly the expected findings, a saved inventory that
`lint` judges the same way offline, no look-up through getaddrinfo, usage errors as one line."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from emailiac.cli import app
from tests.fixture_cases import compare

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = yaml.safe_load((ROOT / "fixtures" / "dns" / "expected.yaml").read_text())
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def scan_args(world: Any, *extra: str) -> list[str]:
    return [
        "scan",
        "--nameserver",
        world.nameserver,
        "--dkim-selector",
        "old",
        "--dns-timeout",
        "1",
        "--dns",
        EXPECTED["domains"][0],
        *EXPECTED["domains"][1:],
        *extra,
    ]


def rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"rule": e["rule_id"], "resource": e["resource"], "reason": e.get("message") or e["reason"]} for e in entries
    ]


def check(report: dict[str, Any]) -> None:
    problems = []
    for section, key in (("findings", "findings"), ("not_assessed", "not_assessed")):
        got = rows([e for e in report[key] if not e.get("out_of_scope")])
        missing, unexpected = compare(EXPECTED[section], got)
        if missing or unexpected:
            problems.append(f"{section}: missing {missing}, unexpected {unexpected}")
    missing, _ = compare(EXPECTED["passes"], rows(report["passes"]))
    if missing:
        problems.append(f"passes: missing {missing}")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def scanned(world: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str, Path, float]:
    saved = tmp_path_factory.mktemp("scan") / "inventory.json"
    mp = pytest.MonkeyPatch()
    for key, value in world.env.items():
        mp.setenv(key, value)

    def no_getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"getaddrinfo{args} called: every name must go through the scan's resolver")

    mp.setattr(socket, "getaddrinfo", no_getaddrinfo)
    started = time.monotonic()
    try:
        code, out, err = run(*scan_args(world, "-f", "json", "--save-inventory", str(saved)))
    finally:
        mp.undo()
    return code, json.loads(out), err, saved, time.monotonic() - started


def test_scan_reports_exactly_the_seeded_weaknesses(scanned: tuple[int, dict[str, Any], str, Path, float]) -> None:
    code, report, err, _, _ = scanned
    assert code == 2, err  # mx2.mtagap.example never answers: not assessed
    check(report)
    assert all(f["source"] == "dns" for f in report["findings"])
    for warning in EXPECTED["warnings"]:
        assert any(warning in w for w in report["warnings"])


def test_a_dead_mx_host_does_not_stall_the_scan(scanned: tuple[int, dict[str, Any], str, Path, float]) -> None:
    # Every look-up, connection and read is bounded by --dns-timeout 1; hosts are probed concurrently.
    assert scanned[4] < 30


def test_spf006_never_fires_on_live_records(scanned: tuple[int, dict[str, Any], str, Path, float]) -> None:
    report = scanned[1]
    assert not [e for e in report["findings"] + report["passes"] if e["rule_id"] == "SPF006"]


def test_include_targets_are_counted_through_not_judged(scanned: tuple[int, dict[str, Any], str, Path, float]) -> None:
    # _spf4.chain.example ends in +all and _spf2 in ?all: an include's own all is not the includer's.
    report = scanned[1]
    judged = {e["resource"] for e in report["findings"] + report["passes"] if e["rule_id"].startswith("SPF")}
    assert "dns://_spf4.chain.example/TXT" not in judged and "dns://_spf.good.example/TXT" not in judged


def test_saved_inventory_is_judged_again_offline(scanned: tuple[int, dict[str, Any], str, Path, float]) -> None:
    code, report, _, saved, _ = scanned
    again_code, out, err = run("lint", str(saved), "-f", "json", "--no-cache")
    assert again_code == code, err
    again = json.loads(out)
    assert rows(again["findings"]) == rows(report["findings"])


def test_text_report_names_the_dns_names_and_mx_hosts(world_env: Any) -> None:
    code, out, _ = run(*scan_args(world_env, "--rule", "TLS004", "--rule", "SPF004", "--allow-partial"))
    assert code == 1
    assert "MX host mx-nostarttls.chain.example (of chain.example): it offers no STARTTLS" in out
    assert "SPF record of void.example meets 3 void look-ups" in out


def test_domains_from_a_file(world_env: Any, tmp_path: Path) -> None:
    listing = tmp_path / "domains.txt"
    listing.write_text("# demo\ngood.example\n\nvoid.example   # the broken one\n")
    code, out, err = run(
        "scan", "--nameserver", world_env.nameserver, "--dns-from", str(listing), "--rule", "SPF004", "-f", "json"
    )
    assert code == 1, err
    assert [f["resource"] for f in json.loads(out)["findings"]] == ["dns://void.example/TXT"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dns", "good.example", "--nameserver", "ns.example.com"], "give the server's IP address"),
        (["--dns", "not a domain"], "'not a domain' is not a domain name"),
        (["--nameserver", "127.0.0.1"], "--nameserver and --dkim-selector need a DNS scan"),
        ([], "name what to scan: --aws, --m365, --dns DOMAIN"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    code, _, err = run("scan", *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_domain_in_a_file_names_file_and_line(tmp_path: Path) -> None:
    listing = tmp_path / "domains.txt"
    listing.write_text("good.example\nbad_domain!\n")
    code, _, err = run("scan", "--dns-from", str(listing))
    assert code == 2 and f"{listing}:2: 'bad_domain!' is not a domain name" in err
    code, _, err = run("scan", "--dns-from", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read the domain list" in err
