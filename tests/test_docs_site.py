"""The documentation site: generated pages are current, and `mkdocs build --strict` passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from emailiac.docs_site import GENERATED_DIRS, mkdocs_config, site_pages
from emailiac.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]
STALE = "the docs site is stale: python -m emailiac.docs_site"


def test_generated_pages_are_current() -> None:
    pages = site_pages(ALL_RULES)
    for rel, text in pages.items():
        path = ROOT / "docs" / rel
        assert path.exists(), f"{rel} is missing: {STALE}"
        assert path.read_text(encoding="utf-8") == text, f"{rel}: {STALE}"
    for folder in GENERATED_DIRS:
        for path in (ROOT / "docs" / folder).glob("*.md"):
            assert f"{folder}/{path.name}" in pages, f"{folder}/{path.name} is left over: {STALE}"
    assert (ROOT / "mkdocs.yml").read_text(encoding="utf-8") == mkdocs_config(ALL_RULES), f"mkdocs.yml: {STALE}"


def test_every_rule_has_a_page_in_the_navigation() -> None:
    config = mkdocs_config(ALL_RULES)
    for rule in ALL_RULES:
        assert f"rules/{rule.id}.md" in config


def test_site_builds_strictly(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "rules" / "SPF001" / "index.html").exists()
    assert "emailiac scan" in (tmp_path / "site" / "live" / "index.html").read_text(encoding="utf-8")
