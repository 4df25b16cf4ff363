"""`emailiac fix` end to end on a copy of the bundled demo: the diff, --write, --unsafe-fixes, --rule, --out,
exit codes, and a second run that changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from emailiac.baseline import load_baseline
from emailiac.commands.fix import fix
from emailiac.fixes.run import plan_fixes
from emailiac.lint import LintOptions, lint

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "terraform" / "demo"
runner = CliRunner()


def _app() -> typer.Typer:
    """The real app when `fix` is registered there, else one that has only it (and a neighbour, so typer
    keeps sub-command dispatch)."""
    from emailiac import cli

    if any(c.name == "fix" for c in cli.app.registered_commands):
        return cli.app
    app = typer.Typer()
    app.command("fix")(fix)
    app.command("version")(lambda: None)
    return app


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), ["fix", *args], env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    monkeypatch.chdir(copy)
    return copy


def _findings(path: Path) -> list[tuple[str, str]]:
    result = lint([path], load_baseline(str(path / "baseline.yaml")), LintOptions(cache=False, jobs=1))
    return sorted((f.rule_id, f.evaluation.subject.address) for f in result.active_findings)


def test_diff_mode_changes_nothing_and_exits_1(demo: Path) -> None:
    before = {p: p.read_text() for p in demo.rglob("*.tf")}
    code, out, err = run(".")
    assert code == 1
    assert out.startswith("--- ") and "+++ b/main.tf" in out
    assert "unsafe fixes not applied (add --unsafe-fixes" in err
    assert {p: p.read_text() for p in demo.rglob("*.tf")} == before
    assert not (demo / "emailiac_fixes.tf").exists()


def test_write_unsafe_leaves_only_findings_without_an_automatic_fix(demo: Path) -> None:
    code, out, err = run(".", "--write", "--unsafe-fixes")
    assert code == 0, err
    assert out == ""
    remaining = _findings(demo)
    _, fixes, _ = plan_fixes([demo], load_baseline(str(demo / "baseline.yaml")), LintOptions(cache=False, jobs=1))
    assert {f.applicability for f in fixes} <= {"display-only"}
    assert sorted({r for r, _ in remaining}) == ["RBAC004", "SES002"]
    code, out, _ = run(".", "--write", "--unsafe-fixes")
    assert (code, out) == (0, "")


def test_the_demo_diff_reads_like_a_reviewed_change(demo: Path) -> None:
    _, out, _ = run(".", "--unsafe-fixes")
    for line in (
        '+  records = ["v=spf1 include:amazonses.com include:spf.protection.outlook.com -all"]',
        '+  records = ["v=DMARC1; p=reject; rua=mailto:dmarc-reports@acme-health.example"]',
        "+  default = true",  # require_tls, where the module's tls_policy comes from
        "+  count   = 3",
        '+  name    = "_mta-sts.${local.domain}"',
        "+  zone_id = aws_route53_zone.main.zone_id",
        "+    cidr_blocks = var.admin_cidrs",
        "+    from_port   = 993",
        '+    description = "TODO: say who needs 993/tcp and why"',
        '+resource "azuread_directory_role_eligibility_schedule_request" "global_admin" {',
        "+      excluded_users = var.break_glass_user_ids",
        '+  state        = "enabled"',
    ):
        assert line in out.splitlines(), line
    # Only what needs to change: the untouched resources do not appear in the diff.
    assert "aws_lb_listener" not in "".join(line for line in out.splitlines() if line.startswith(("+", "-")))


def test_safe_only_by_default_then_the_rest_when_asked(demo: Path) -> None:
    code, _, err = run(".", "--write")
    assert code == 1  # unsafe fixes remain
    assert " fixes applied:" in err
    remaining = {r for r, _ in _findings(demo)}
    assert {"TLS001", "SES003", "PWD001", "IDS001", "LOG001", "LOG002", "LOG003"}.isdisjoint(remaining)
    assert {"SPF002", "DMARC002", "NET001", "MFA001"} <= remaining
    code, _, _ = run(".", "--write", "--unsafe-fixes")
    assert code == 0


def test_rule_limits_the_fixes(demo: Path) -> None:
    code, out, _ = run(".", "--rule", "TLS002", "--unsafe-fixes")
    assert code == 1
    changed = [line for line in out.splitlines() if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed == ['+  tls_policy    = "Require"']


def test_out_collects_new_root_blocks(demo: Path) -> None:
    code, _, err = run(".", "--write", "--out", "security.tf")
    assert code == 1, err
    text = (demo / "security.tf").read_text()
    assert 'resource "aws_route53_record" "tls_rpt"' in text
    assert not (demo / "emailiac_fixes.tf").exists()
    # Blocks that name a module's own resources stay in that module.
    assert (
        "aws_sesv2_configuration_set_event_destination" in (demo / "modules/ses_sender/emailiac_fixes.tf").read_text()
    )


def test_errors_exit_2_and_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "fixtures" / "terraform" / "bad_syntax", tmp_path / "bad")
    monkeypatch.chdir(tmp_path / "bad")
    before = {p: p.read_text() for p in Path(".").rglob("*.tf")}
    code, _, err = run(".", "--write", "--unsafe-fixes")
    assert code == 2
    assert "nothing was changed" in err
    assert {p: p.read_text() for p in Path(".").rglob("*.tf")} == before


def test_unknown_rule_is_a_usage_error(demo: Path) -> None:
    code, _, err = run(".", "--rule", "NOPE001")
    assert code == 2 and "unknown rule" in err


def test_nothing_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "fixtures" / "terraform" / "net_clean", tmp_path / "clean")
    monkeypatch.chdir(tmp_path / "clean")
    code, out, err = run(".", "--write")
    assert (code, out) == (0, "")
    assert "nothing to fix" in err
