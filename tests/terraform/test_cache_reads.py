"""No stale pass from the caches: a change to anything the evaluation read (a file read by file() or
templatefile(), a module called from .tf.json) is seen by the next cached run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from emailiac.cli import app

RECORD = """
resource "aws_route53_zone" "main" {{
  name = "example.com"
}}
resource "aws_route53_record" "dmarc" {{
  zone_id = aws_route53_zone.main.zone_id
  name    = "_dmarc.example.com"
  type    = "TXT"
  ttl     = 300
  records = [{value}]
}}
"""
STRICT = "v=DMARC1; p=reject; rua=mailto:d@example.com"
WEAK = "v=DMARC1; p=none; rua=mailto:d@example.com"


def _lint(path: Path) -> str:
    result = CliRunner().invoke(app, ["lint", str(path), "--rule", "DMARC002"], env={"NO_COLOR": "1"})
    return result.stdout


@pytest.mark.parametrize(
    ("files", "changed"),
    [
        ({"main.tf": RECORD.format(value='trimspace(file("dmarc.txt"))'), "dmarc.txt": STRICT}, "dmarc.txt"),
        (
            {"main.tf": RECORD.format(value='templatefile("t.tpl", { p = "x" })'), "t.tpl": STRICT},
            "t.tpl",
        ),
        (
            {
                "main.tf.json": '{"module": {"mail": {"source": "./../shared"}}}',
                "../shared/main.tf": RECORD.format(value=f'"{STRICT}"'),
            },
            "../shared/main.tf",
        ),
    ],
    ids=["file", "templatefile", "module-from-tf-json"],
)
def test_a_change_to_what_evaluation_read_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], changed: str
) -> None:
    monkeypatch.setenv("EMAILIAC_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo" / "root"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert "DMARC002" not in _lint(root)
    assert "DMARC002" not in _lint(root)  # served from the caches
    target = root / changed
    target.write_text(target.read_text(encoding="utf-8").replace(STRICT, WEAK), encoding="utf-8")
    assert "DMARC002" in _lint(root)
