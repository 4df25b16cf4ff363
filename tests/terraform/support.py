"""Shared by the evaluation tests: what emailiac computes for expressions, and what `terraform console` says."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from emailiac.sources.terraform.loader import load_terraform


def evaluated(root: Path, expressions: list[str]) -> list[Any]:
    """emailiac's values of `expressions`, as attributes of one resource in `root`."""
    attrs = "\n".join(f"  v{i} = {e}" for i, e in enumerate(expressions))
    (root / "main.tf").write_text(f'resource "null_resource" "r" {{\n{attrs}\n}}\n', encoding="utf-8")
    load = load_terraform([root], env={})
    assert not load.errors, load.errors
    body = load.resources[0].body
    return [body.get(f"v{i}") for i in range(len(expressions))]


def console_json(cwd: Path, expression: str) -> Any:
    """Terraform's value of `expression` in `cwd` (through `jsonencode`, decoded)."""
    run = subprocess.run(
        ["terraform", "console"],
        input=f"jsonencode({expression})\n",
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull},
        check=False,
    )
    return json.loads(json.loads(run.stdout.strip().splitlines()[-1]))
