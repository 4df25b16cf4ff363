"""Configuration and baseline files: paths relative to the file, alias bombs refused quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emailiac.cli import app
from emailiac.config import ConfigError, load_config

runner = CliRunner()


def _bomb(levels: int = 9) -> str:
    text = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels + 1):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


def test_var_files_are_relative_to_the_configuration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(
        'variable "admin_cidr" {}\n'
        'resource "aws_security_group" "admin" {\n'
        "  ingress {\n"
        '    description = "ssh"\n'
        "    from_port   = 22\n"
        "    to_port     = 22\n"
        '    protocol    = "tcp"\n'
        "    cidr_blocks = [var.admin_cidr]\n"
        "  }\n"
        "}\n"
    )
    (infra / "prod.tfvars").write_text('admin_cidr = "0.0.0.0/0"\n')
    (infra / ".emailiac.yaml").write_text("var-files: [prod.tfvars]\n")
    assert load_config(infra / ".emailiac.yaml").var_files == (str(infra / "prod.tfvars"),)
    monkeypatch.chdir(tmp_path)  # not where the configuration file is
    out = runner.invoke(app, ["lint", "infra", "--rule", "NET001", "--no-cache"], env={"NO_COLOR": "1"})
    assert out.exit_code == 1, out.stderr
    assert "opens 22/tcp (SSH) to 0.0.0.0/0" in out.stdout


def test_alias_bomb_in_configuration_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / ".emailiac.yaml"
    path.write_text("skip: [NET004]\n" + _bomb())
    start = time.monotonic()
    with pytest.raises(ConfigError, match="an alias bomb"):
        load_config(path)
    assert time.monotonic() - start < 1


def test_alias_bomb_in_baseline_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("extends: default\n" + _bomb())
    start = time.monotonic()
    out = runner.invoke(app, ["baseline", "validate", str(path)])
    assert time.monotonic() - start < 2
    assert out.exit_code == 2
    assert out.stderr.count("\n") == 1 and "an alias bomb" in out.stderr


def test_ordinary_anchors_still_work(tmp_path: Path) -> None:
    path = tmp_path / ".emailiac.yaml"
    path.write_text("skip: &quiet [NET004]\nselect: *quiet\n")
    assert load_config(path).select == ("NET004",)
