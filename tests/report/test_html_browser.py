"""The HTML reports in a real browser: Debian's chromium, driven by Playwright's Python package through
`executable_path` (no browser download). The page renders without console errors or network requests, the
filter works, and a screenshot is written under the test's tmp dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emailiac.cli import app

CHROMIUM = os.environ.get("EMAILIAC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO = [
    "fixtures/drift/terraform",
    "--live",
    "fixtures/drift/live.json",
    "-b",
    "fixtures/drift/terraform/baseline.yaml",
]

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the Python package) is not installed")


@pytest.fixture(scope="module")
def browser() -> Any:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _report(tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, [*args, "-f", "html", "-o", str(target)], env={"NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.stderr
    return target


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url) if not req.url.startswith("file:") else None)
    page.goto(path.as_uri())
    return page, errors, requests


def _visible_rows(page: Any) -> int:
    count: int = page.locator("#items tbody tr:not([hidden])").count()
    return count


def test_drift_report_renders_filters_and_is_screenshotted(browser: Any, tmp_path: Path, in_repo: Path) -> None:
    page, errors, requests = _open(browser, _report(tmp_path, "drift", *DEMO))
    total = page.locator("#items tbody tr").count()
    assert total == 13 + 54  # drifted objects, then the findings of both sides
    assert page.locator("#shown").inner_text() == f"{total} of {total} shown"
    assert page.locator(".card").first.inner_text().split() == ["5", "WEAKENING"]
    assert page.locator(".bar").count() == 16
    page.screenshot(path=str(tmp_path / "drift.png"), full_page=False)

    page.select_option("#group", "weak")
    assert _visible_rows(page) == 5
    assert all(
        "weakening" in t.lower() for t in page.locator("#items tbody tr:not([hidden]) td:first-child").all_inner_texts()
    )
    page.select_option("#group", "unmanaged")
    assert _visible_rows(page) == 5
    page.select_option("#group", "all")
    page.fill("#q", "tls_policy")
    texts = page.locator("#items tbody tr:not([hidden])").all_inner_texts()
    assert texts and all("tls_policy" in t.lower() for t in texts)
    page.fill("#q", "no such thing anywhere")
    assert _visible_rows(page) == 0 and page.locator("#none").is_visible()
    page.fill("#q", "")
    page.select_option("#sev", "critical")
    assert _visible_rows(page) >= 2
    assert (tmp_path / "drift.png").stat().st_size > 10_000
    assert errors == [] and requests == []


def test_lint_html_comes_from_the_same_renderer(browser: Any, tmp_path: Path, in_repo: Path) -> None:
    page, errors, requests = _open(browser, _report(tmp_path, "lint", "fixtures/terraform/demo", "--no-cache"))
    rows = page.locator("#items tbody tr").count()
    assert rows > 10
    page.select_option("#sev", "critical")
    critical = _visible_rows(page)
    assert 0 < critical < rows
    page.screenshot(path=str(tmp_path / "lint.png"))
    assert errors == [] and requests == []
