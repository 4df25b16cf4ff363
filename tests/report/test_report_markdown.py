"""The Markdown report (pull-request comments)."""

from __future__ import annotations

from emailiac.report import markdown
from emailiac.result import Result
from tests.report.report_samples import clean_result, full_result, options


def test_summary_tables() -> None:
    out = markdown.render(full_result(), options())
    assert out.startswith("## emailiac report\n\nBaseline `default` · emailiac 1.2.3\n\n")
    assert (
        "| Severity | Findings |\n"
        "| --- | ---: |\n"
        "| Critical | 2 |\n"
        "| High | 2 |\n"
        "| Medium | 1 |\n"
        "| Low | 0 |\n"
        "| **Total** | **5** |\n"
    ) in out
    assert "| 2 | 1 | 1 | 1 | 2 |\n" in out


def test_sections_per_severity_in_order() -> None:
    out = markdown.render(full_result(), options())
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == ["### Critical (2)", "### High (2)", "### Medium (1)", "### Errors (2)"]
    assert (
        "| `NET001` NET001 title | `aws_security_group.admin` | `main.tf:12` "
        "| security group 'admin' opens 22/tcp to 0.0.0.0/0 | Narrow the rule to the admin CIDRs |"
    ) in out


def test_messages_cannot_break_the_table_or_inject_markup() -> None:
    out = markdown.render(full_result(), options())
    row = next(line for line in out.splitlines() if "DMARC003" in line and "pct=50" in line)
    assert r"pct=50 \| \`p=reject\` applies to 50% of mail, not all: &lt;b&gt;raise it&lt;/b&gt;" in row
    # Five columns: every unescaped pipe is a column edge.
    assert row.replace(r"\|", "").count("|") == 6


def test_escaping_helpers() -> None:
    assert markdown.cell("a|b`c\\d\ne*_[x]<y>") == r"a\|b\`c\\d e\*\_\[x\]&lt;y&gt;"
    assert markdown.code("aws_x.y") == "`aws_x.y`"
    assert markdown.code('aws_x.y["a|b"]') == r'`aws_x.y["a\|b"]`'
    assert markdown.code("a`b") == r"a\`b"


def test_not_assessed_suppressed_and_warnings_fold_away() -> None:
    out = markdown.render(full_result(), options())
    assert "<summary>Not assessed (1)</summary>" in out
    assert "<summary>Suppressed (1)</summary>" in out
    assert "<summary>1 warning</summary>" in out
    assert "Out of scope (1)</summary>" not in out
    assert "Out of scope (1)</summary>" in markdown.render(full_result(), options(show_out_of_scope=True))
    assert "Passed (2)</summary>" in markdown.render(full_result(), options(show_passes=True))


def test_clean_run() -> None:
    out = markdown.render(Result("default", passes=clean_result().passes), options())
    assert "**No findings. 2 checks passed.**" in out
    assert "### " not in out
    assert out.endswith("| 2 | 0 | 0 | 0 | 0 |\n")
