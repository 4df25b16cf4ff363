"""The command line end to end: exit codes, formats, configuration, user errors as one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from emailiac.cli import app
from emailiac.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent
DEMO = "fixtures/terraform/demo"
CLEAN = "fixtures/terraform/net_clean"

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _at_root(in_repo: Path) -> None:
    """Every test runs from the repository root."""


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("emailiac ")


def test_demo_has_findings_exit_1() -> None:
    code, out, _ = run("lint", DEMO)
    assert code == 1
    for family_rule in ("NET001", "SES002", "TLS001", "IDS001", "SPF002", "DMARC002", "DKIM003", "MFA001", "PWD001"):
        assert family_rule in out
    assert "fixtures/terraform/demo/main.tf" in out and "fix:" in out


def test_clean_configuration_exits_0_and_is_quiet() -> None:
    code, out, _ = run("lint", CLEAN, "--rule", "NET001", "--rule", "NET002")
    assert code == 0
    assert "No findings" in out


def test_fail_on_raises_the_threshold() -> None:
    code, _, _ = run("lint", "fixtures/terraform/net_descriptions", "--rule", "NET004", "--fail-on", "medium")
    assert code == 0
    code, _, _ = run("lint", "fixtures/terraform/net_descriptions", "--rule", "NET004", "--fail-on", "low")
    assert code == 1


def test_every_format_to_files_in_one_run(tmp_path: Path) -> None:
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "sarif", "junit", "markdown", "github")}
    args = ["lint", DEMO]
    for fmt, path in outputs.items():
        args += ["--format", fmt, "--output", str(path)]
    code, out, _ = run(*args)
    assert code == 1 and out == ""
    report = json.loads(outputs["json"].read_text())
    jsonschema.validate(report, json.loads(resource_path("schemas", "report.schema.json").read_text()))
    assert report["summary"]["findings"] == len([f for f in report["findings"] if not f["suppressed"]])
    sarif = json.loads(outputs["sarif"].read_text())
    jsonschema.validate(sarif, json.loads(resource_path("schemas", "sarif-2.1.0.schema.json").read_text()))
    assert ET.fromstring(outputs["junit"].read_text()).tag == "testsuites"
    assert outputs["github"].read_text().startswith("::")


def test_json_output_is_deterministic() -> None:
    first = run("lint", DEMO, "-f", "json")[1]
    second = run("lint", DEMO, "-f", "json", "--no-cache")[1]
    assert first == second


def test_syntax_error_is_one_line_with_position_and_others_still_linted() -> None:
    code, out, _ = run("lint", "fixtures/terraform/bad_syntax", "--rule", "NET001", "-f", "github")
    assert code == 2
    assert "::error file=fixtures/terraform/bad_syntax/broken.tf,line=5" in out
    assert "NET001" in out  # good.tf was linted


def test_missing_path() -> None:
    code, _out, err = run("lint", "no/such/dir", "-f", "json")
    assert code == 2
    assert "no/such/dir: no such file or directory" in err


def test_unknown_rule_and_bad_severity_are_usage_errors() -> None:
    code, _, err = run("lint", CLEAN, "--rule", "NOPE001")
    assert code == 2 and "unknown rule 'NOPE001'" in err
    code, _, err = run("lint", CLEAN, "--fail-on", "severe")
    assert code == 2 and "unknown severity" in err


def test_bad_baseline_names_the_yaml_path(tmp_path: Path) -> None:
    bad = tmp_path / "b.yaml"
    bad.write_text("name: x\nnetwork:\n  admin_ports: [99999]\n")
    code, _, err = run("lint", CLEAN, "--baseline", str(bad))
    assert code == 2
    assert f"{bad}: network.admin_ports.0: 99999 is greater than the maximum of 65535" in err
    code, _, err = run("baseline", "validate", str(bad))
    assert code == 2


def test_baseline_show_and_validate() -> None:
    code, out, _ = run("baseline", "show", "scuba")
    assert code == 0 and "mailto:reports@dmarc.cyber.dhs.gov" in out
    code, out, _ = run("baseline", "validate", "fixtures/terraform/demo/baseline.yaml")
    assert code == 0 and out.startswith("fixtures/terraform/demo/baseline.yaml: valid\n")


def test_baseline_validate_prints_the_resolved_file(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text("identity:\n  break_glass_users: [breakglass@acme.example]\n")
    code, out, _ = run("baseline", "validate", str(path))
    assert code == 0
    resolved = yaml.safe_load(out.split("\n", 1)[1])
    assert resolved["name"] == "acme"  # named after the file
    assert resolved["identity"]["break_glass_users"] == ["breakglass@acme.example"]
    assert resolved["dmarc"]["policy"] == "reject"  # inherited from the default profile


def test_rules_and_explain() -> None:
    code, out, _ = run("rules")
    assert code == 0 and "TLS001" in out and "MFA002" in out
    code, out, _ = run("explain", "tls001")
    assert code == 0
    for section in ("What it does", "Why is this bad?", "Example (fails)", "Use instead", "References"):
        assert section in out
    code, _, err = run("explain", "XYZ999")
    assert code == 2 and "unknown rule" in err


def test_configuration_file_is_found_from_the_linted_path(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "sg" {\n  ingress {\n    from_port = 22\n    to_port = 22\n'
        '    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    (tmp_path / ".emailiac.yaml").write_text("skip: [NET001, NET004, IDS001]\nfail-on: high\n")
    code, out, _ = run("lint", str(tmp_path))
    assert code == 0, out
    code, _, _ = run("lint", str(tmp_path), "--config", str(tmp_path / "missing.yaml"))
    assert code == 2


def test_single_file_reports_only_that_file() -> None:
    code, out, _ = run("lint", f"{DEMO}/identity.tf", "-f", "json")
    files = {f["file"] for f in json.loads(out)["findings"]}
    assert files == {f"{DEMO}/identity.tf"}
    assert code == 1


def test_suppressed_findings_are_listed_but_not_counted() -> None:
    _code, out, _ = run("lint", "fixtures/terraform/net_suppressed", "-f", "json")
    report = json.loads(out)
    suppressed = [f for f in report["findings"] if f["suppressed"]]
    assert suppressed and all(f["suppression"]["reason"] for f in suppressed)
    assert report["summary"]["suppressed"] == len(suppressed)


def test_user_errors_never_print_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "EMAILIAC_CACHE_DIR": str(tmp_path)}
    for args in (["lint", "nope"], ["lint", CLEAN, "--baseline", "nope.yaml"], ["explain", "X"], ["lint"]):
        proc = subprocess.run([sys.executable, "-m", "emailiac", *args], capture_output=True, text=True, env=env)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr


def _imported(args: list[str], cache: Path) -> set[str]:
    """Every module a real `python -m emailiac ...` run imports (the console script leaves with os._exit, so
    it is asked through -X importtime rather than sys.modules)."""
    env = {**os.environ, "EMAILIAC_CACHE_DIR": str(cache)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "emailiac", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def _heavy(imported: set[str], heavy: tuple[str, ...]) -> set[str]:
    return {m for m in imported if m.split(".")[0] in heavy}


def test_version_and_single_file_lint_load_no_cloud_sdks(tmp_path: Path) -> None:
    sdks = ("boto3", "botocore", "msgraph", "azure", "jinja2", "dns")
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "fixtures" / "terraform" / "dns_route53", tree)  # no configuration file
    changed = tree / "main.tf"
    for args in (["--version"], ["lint", str(changed)]):
        imported = _imported(args, tmp_path / "cache")
        assert "emailiac" in imported and not _heavy(imported, sdks), args
    # A pre-commit run over a changed file, once the built-in baseline is in the cache: no YAML parser (no
    # configuration file here) and no worker pool either (one root, one file).
    changed.write_text(changed.read_text() + "\n# edited\n")
    imported = _imported(["lint", str(changed)], tmp_path / "cache")
    assert "emailiac.rootjudge" in imported, "the root was judged again"
    assert not _heavy(imported, (*sdks, "yaml", "multiprocessing"))
    # Nor the modules of the other commands: a lint run registers only the commands defined with it.
    assert not imported & {"emailiac.commands.drift", "emailiac.commands.scan", "emailiac.commands.fix"}


def test_fix_plans_load_the_template_engine_only_to_write_a_new_block(tmp_path: Path) -> None:
    """A JSON lint plans fixes; an edit in place renders no template, so Jinja2 is not imported for it; with
    nothing to fix, not even the planners are."""
    in_place = tmp_path / "in_place"
    in_place.mkdir()
    (in_place / "main.tf").write_text('resource "aws_guardduty_detector" "d" {\n  enable = false\n}\n')
    args = ["--format", "json", "--no-cache", "--jobs", "1", "-o", str(tmp_path / "r.json")]
    imported = _imported(["lint", str(in_place), *args], tmp_path / "cache")
    assert "emailiac.fixes.planner" in imported and "jinja2" not in imported
    assert json.loads((tmp_path / "r.json").read_text())["findings"][0]["fix"]["edits"]
    new_block = tmp_path / "new_block"
    shutil.copytree(ROOT / "fixtures" / "terraform" / "tls_weak", new_block)
    imported = _imported(["lint", str(new_block), *args], tmp_path / "cache")
    assert "jinja2" in imported
    assert any(f["fix"]["new_blocks"] for f in json.loads((tmp_path / "r.json").read_text())["findings"] if "fix" in f)
    # A tree with nothing to fix plans nothing: the planners are not imported at all.
    imported = _imported(["lint", str(ROOT / "fixtures" / "terraform" / "net_clean"), *args], tmp_path / "cache")
    assert "emailiac.rootjudge" in imported and "emailiac.fixes.planner" not in imported
    assert json.loads((tmp_path / "r.json").read_text())["findings"] == []


def test_pyproject_tool_section_is_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_guardduty_detector" "d" {\n  enable = false\n}\n')
    (tmp_path / "pyproject.toml").write_text('[tool.emailiac]\nskip = ["IDS001"]\n')
    code, out, _ = run("lint", str(tmp_path))
    assert code == 0 and "IDS001" not in out
    (tmp_path / "pyproject.toml").write_text("[tool.emailiac]\nbogus = 1\n")
    code, _, err = run("lint", str(tmp_path))
    assert code == 2 and "unknown setting 'bogus'" in err


def test_sensitive_variable_values_never_reach_reports(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "relay_note" {\n  type      = string\n  sensitive = true\n}\n'
        'resource "aws_security_group" "sg" {\n  ingress {\n    description = "relay ${var.relay_note}"\n'
        '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    (tmp_path / "terraform.tfvars").write_text('relay_note = "hunter2-secret-token"\n')
    for fmt in ("text", "json", "sarif", "github", "markdown", "junit"):
        _, out, err = run("lint", str(tmp_path), "-f", fmt, "-v")
        assert "hunter2-secret-token" not in out + err, fmt
    _, out, _ = run("lint", str(tmp_path), "-v")
    assert "(sensitive)" in out


def test_version_is_answered_before_the_cli_framework_loads() -> None:
    code = (
        "import sys\nsys.argv = ['emailiac', '--version']\n"
        "from emailiac.entry import main\nmain()\n"
        "print('LOADED', sorted(m for m in ('typer', 'rich', 'emailiac.cli') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.startswith("emailiac ")
    assert "LOADED []" in proc.stderr


def test_every_command_is_listed_and_reachable() -> None:
    """Commands defined outside cli.py are registered for help, completion and their own runs."""
    code, out, _ = run("--help")
    assert code == 0
    for name in ("lint", "rules", "explain", "baseline", "drift", "diff", "fix", "scan", "permissions"):
        assert f" {name} " in out, name
    proc = subprocess.run(
        [sys.executable, "-m", "emailiac", "permissions", "aws"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0 and '"Statement"' in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "emailiac", "lnt"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "Did you mean 'lint'?" in proc.stderr
