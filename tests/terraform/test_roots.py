"""Several root modules in one run, each judged as if linted alone; nothing to lint is an error."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from emailiac.baseline import load_baseline
from emailiac.cli import app
from emailiac.lint import LintOptions, lint
from emailiac.result import Evaluation, Result, Severity
from tests.fixture_cases import CASES_DIR

runner = CliRunner()
OPTIONS = LintOptions(cache=False, jobs=1, env={})


def _rows(result: Result) -> list[tuple[object, ...]]:
    def row(ev: Evaluation) -> tuple[object, ...]:
        return (ev.rule_id, ev.status, ev.subject.address, ev.subject.file, ev.subject.line, ev.message)

    evaluations = [f.evaluation for f in result.findings] + result.passes + result.not_assessed
    return sorted(row(ev) for ev in evaluations)


def _plain_cases() -> list[Path]:
    """Fixture cases that are Terraform folders linted as they are (no plan input, vars or own baseline)."""
    cases = []
    for spec in sorted(CASES_DIR.glob("*/expected.yaml")):
        exp = yaml.safe_load(spec.read_text()) or {}
        if not ({"inputs", "vars", "env", "var_files", "baseline"} & set(exp)):
            cases.append(spec.parent)
    return cases


def test_a_folder_of_many_roots_gives_exactly_the_findings_of_each_root_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cases = _plain_cases()
    assert len(cases) > 30
    for case in cases:
        shutil.copytree(case, tmp_path / "repo" / case.name, ignore=shutil.ignore_patterns("expected.yaml"))
    baseline = load_baseline("default")
    together = lint([Path("repo")], baseline, OPTIONS)
    alone = Result("default")
    for case in cases:
        part = lint([Path("repo") / case.name], baseline, OPTIONS)
        alone.findings += part.findings
        alone.passes += part.passes
        alone.not_assessed += part.not_assessed
    assert _rows(together) == _rows(alone)
    assert len(together.findings) > 100


def test_same_address_in_two_roots_is_two_subjects_and_reports_name_the_root(in_repo: Path) -> None:
    result = lint([Path("fixtures/terraform/roots_independent")], load_baseline("default"), OPTIONS)
    spf = [e for e in result.passes if e.rule_id == "SPF001"]
    assert {e.subject.root for e in spf} == {
        "fixtures/terraform/roots_independent/prod",
        "fixtures/terraform/roots_independent/stage",
    }
    assert len({e.fingerprint for e in spf}) == 2
    out = runner.invoke(app, ["lint", "fixtures/terraform/roots_independent", "--no-cache", "-f", "json"])
    finding = yaml.safe_load(out.stdout)["findings"][0]
    assert finding["root"] == "fixtures/terraform/roots_independent/stage"
    text = runner.invoke(app, ["lint", "fixtures/terraform/roots_independent", "--no-cache"], env={"NO_COLOR": "1"})
    assert "root fixtures/terraform/roots_independent/stage" in text.stdout


def test_one_root_keeps_its_plain_fingerprints(in_repo: Path) -> None:
    result = lint([Path("fixtures/terraform/roots_independent/stage")], load_baseline("default"), OPTIONS)
    assert all(f.evaluation.subject.root is None for f in result.findings)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "no Terraform files (.tf, .tf.json) in this folder or below it: nothing to lint"),
        (lambda p: _write(p, {"README.md": "# docs"}), "no Terraform files"),
        (lambda p: p.write_text("# notes"), "not a Terraform file (.tf, .tf.json), plan JSON or emailiac inventory"),
        (lambda p: p.symlink_to(p.parent / "gone.tf"), "broken symbolic link"),
    ],
    ids=["empty folder", "folder without terraform", "other file", "broken symlink"],
)
def test_nothing_to_lint_is_a_one_line_error_and_exit_2(tmp_path: Path, make: object, message: str) -> None:
    target = tmp_path / "target"
    make(target)  # type: ignore[operator]
    out = runner.invoke(app, ["lint", str(target), "--no-cache"])
    assert out.exit_code == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and message in out.stderr
    assert "No findings" not in out.stderr


def test_a_named_pipe_says_what_it_is(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    out = runner.invoke(app, ["lint", str(fifo), "--no-cache"])
    assert out.exit_code == 2
    assert out.stderr == (
        f"emailiac: error: {fifo}: a named pipe, not a Terraform file or folder, plan JSON or emailiac inventory: "
        "nothing to lint\n"
    )


@pytest.mark.skipif(not stat.S_ISCHR(os.stat(os.devnull).st_mode), reason="/dev/null is not a device here")
def test_dev_null_says_what_it_is() -> None:
    out = runner.invoke(app, ["lint", os.devnull, "--no-cache"])
    assert out.exit_code == 2
    assert out.stderr == (
        "emailiac: error: /dev/null: a character device, not a Terraform file or folder, plan JSON or "
        "emailiac inventory: nothing to lint\n"
    )


def test_broken_symlink_and_empty_module_folder_inside_a_root_are_errors(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": 'module "net" {\n  source = "./net"\n}\n',
            "net/README.md": "moved away",
            "good.tf": 'resource "aws_guardduty_detector" "d" {\n  enable = true\n}\n',
        },
    )
    (tmp_path / "dns.tf").symlink_to(tmp_path / "elsewhere" / "dns.tf")
    result = lint([tmp_path], load_baseline("default"), OPTIONS)
    messages = sorted(str(e) for e in result.errors)
    assert messages == [
        f"{tmp_path}/dns.tf: broken symbolic link: the file it points to does not exist",
        f"{tmp_path}/main.tf:1: module source './net' holds no Terraform files",
    ]
    assert result.exit_code(Severity.LOW) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder whatever its mode")
def test_unreadable_folder_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, {"a/main.tf": 'resource "aws_guardduty_detector" "d" {}\n', "b/main.tf": ""})
    (tmp_path / "b").chmod(0)
    try:
        result = lint([tmp_path], load_baseline("default"), OPTIONS)
    finally:
        (tmp_path / "b").chmod(0o755)
    assert any("cannot read directory" in str(e) for e in result.errors)


_OPEN_SSH_MODULE = """
variable "ingress_cidr" {
  type    = string
  default = "10.0.0.0/8"
}
resource "aws_security_group" "this" {
  name = "web"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ingress_cidr]
  }
}
"""


def _registry_root(tmp_path: Path, manifest_dir: str = ".terraform/modules/web") -> Path:
    _write(
        tmp_path,
        {
            "main.tf": (
                'module "web" {\n  source  = "example-corp/web/aws"\n  version = "1.2.0"\n'
                '  ingress_cidr = "0.0.0.0/0"\n}\n'
                'module "web_eu" {\n  source  = "example-corp/web/aws"\n}\n'
            ),
            ".terraform/modules/web/main.tf": _OPEN_SSH_MODULE,
            ".terraform/modules/modules.json": (
                '{"Modules":[{"Key":"","Source":"","Dir":"."},'
                '{"Key":"web","Source":"registry.terraform.io/example-corp/web/aws","Version":"1.2.0",'
                f'"Dir":"{manifest_dir}"}}]}}'
            ),
        },
    )
    return tmp_path


def test_modules_downloaded_by_terraform_init_are_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_registry_root(tmp_path))
    result = lint([Path(".")], load_baseline("default"), LintOptions(cache=False, jobs=1, env={}, only=("NET001",)))
    [finding] = result.findings
    assert finding.evaluation.subject.address == "module.web.aws_security_group.this"
    assert finding.evaluation.subject.file == ".terraform/modules/web/main.tf"
    assert finding.evaluation.subject.call == "main.tf:1"
    # web_eu was not downloaded (its key is not in the manifest): said once, not assessed.
    assert result.warnings == [
        "main.tf:6: module source 'example-corp/web/aws' is not read: not downloaded (run `terraform init` "
        "to let emailiac read it); its resources are not assessed"
    ]
    out = runner.invoke(app, ["lint", ".", "--no-cache", "--rule", "NET001"], env={"NO_COLOR": "1"})
    assert "in module.web, called at main.tf:1" in out.stdout
    assert "is not read" not in out.stdout and out.stderr.count("is not read") == 1


def test_a_manifest_pointing_outside_the_tree_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    _write(outside, {"main.tf": _OPEN_SSH_MODULE})
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.chdir(_registry_root(root, manifest_dir="../outside"))
    result = lint([Path(".")], load_baseline("default"), LintOptions(cache=False, jobs=1, env={}, only=("NET001",)))
    assert result.findings == []
    assert any("lies outside the linted tree" in w for w in result.warnings)


def test_remote_sources_are_warned_about_once_per_source_on_stderr(tmp_path: Path) -> None:
    calls = "".join(f'module "m{i}" {{\n  source = "git::https://example.com/net.git?ref=v1"\n}}\n' for i in range(5))
    _write(tmp_path, {"a/main.tf": calls, "b/main.tf": calls})
    out = runner.invoke(app, ["lint", str(tmp_path), "--no-cache"], env={"NO_COLOR": "1"})
    assert out.stderr.count("git::https://example.com/net.git?ref=v1") == 1
    assert "(and 9 more calls)" in out.stderr
    assert "git::" not in out.stdout


def test_terraform_init_after_a_cached_run_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _registry_root(tmp_path / "root")
    manifest = root / ".terraform" / "modules" / "modules.json"
    saved = manifest.read_text()
    manifest.unlink()
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    args = ["lint", str(root), "--rule", "NET001", "--allow-partial"]
    assert runner.invoke(app, args).exit_code == 0  # nothing downloaded: nothing judged
    manifest.write_text(saved)
    assert runner.invoke(app, args).exit_code == 1  # the downloaded module's open SSH port


def test_unknown_expansion_is_warned_about_only_for_resources_emailiac_reads(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": (
                'variable "names" {}\n'
                'resource "kubernetes_secret" "app" {\n  for_each = var.names\n}\n'
                'resource "aws_security_group_rule" "admin" {\n  for_each = var.names\n  type = "ingress"\n}\n'
            )
        },
    )
    result = lint([tmp_path], load_baseline("default"), OPTIONS)
    assert [w.split(": ", 2)[1] for w in result.warnings] == ["aws_security_group_rule.admin"]
