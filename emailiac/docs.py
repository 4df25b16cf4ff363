"""Rule documentation generated from rule metadata: `emailiac explain ID` and docs/rules.md."""

from __future__ import annotations

from collections.abc import Iterable

from emailiac.rules.base import Rule

__all__ = ["explain_text", "rule_section", "rules_markdown"]

_FIX_WORDS = {
    "safe": "safe: `emailiac fix --write` applies it",
    "unsafe": "unsafe: it changes which mail is accepted, so it is applied only when asked for",
    "display-only": "shown as advice; it cannot be applied to code",
    "none": "none",
}
_SOURCE_NAMES = {"terraform": "Terraform", "aws": "live AWS", "m365": "live Microsoft 365", "dns": "live DNS"}


def explain_text(rule: Rule) -> str:
    lines = [
        f"{rule.id} ({rule.slug}): {rule.title}",
        f"Severity: {rule.severity.label} · Family: {rule.family} · Sources: "
        + ", ".join(_SOURCE_NAMES.get(s, s) for s in rule.sources),
        "",
        "What it does",
        f"  {rule.summary}",
        "",
        "Why is this bad?",
        *(f"  {ln}" for ln in rule.rationale.splitlines()),
        "",
        "Example (fails)",
        *(f"  {ln}" for ln in rule.bad_example.strip().splitlines()),
        "",
        "Use instead",
        *(f"  {ln}" for ln in rule.good_example.strip().splitlines()),
        "",
        f"Fix: {rule.fix_title or '-'} ({_FIX_WORDS.get(rule.fix, rule.fix)})",
    ]
    if rule.controls:
        lines.append("Controls: " + ", ".join(rule.controls))
    if rule.references:
        lines += ["References:", *(f"  - {ref}" for ref in rule.references)]
    return "\n".join(lines)


def rule_section(r: Rule, *, level: int) -> list[str]:
    """One rule's documentation in Markdown, headed at `level` (2 in the catalogue, 1 on its own page)."""
    h = "#" * level
    out = [
        f"{h} {r.id}",
        "",
        f"**{r.title}** · `{r.slug}` · severity {r.severity.label} · family {r.family}",
        "",
        f"{h}# What it does",
        "",
        r.summary,
        "",
        f"{h}# Why is this bad?",
        "",
        r.rationale,
        "",
        f"{h}# Example",
        "",
        "```hcl",
        r.bad_example.strip(),
        "```",
        "",
        f"{h}# Use instead",
        "",
        "```hcl",
        r.good_example.strip(),
        "```",
        "",
        f"{h}# Fix",
        "",
        f"{r.fix_title or '-'} ({_FIX_WORDS.get(r.fix, r.fix)}).",
    ]
    if r.controls:
        out += ["", f"{h}# Controls", "", ", ".join(r.controls)]
    if r.references:
        out += ["", f"{h}# References", "", *(f"- {ref}" for ref in r.references)]
    return out


def rules_markdown(rules: Iterable[Rule]) -> str:
    rules = list(rules)
    out = [
        "# emailiac rules",
        "",
        "Generated from the rules' own metadata by `python -m emailiac.docs`; do not edit by hand.",
        "",
        "| ID | Severity | Title | Sources | Fix |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        out.append(
            f"| [{r.id}](#{r.id.lower()}) | {r.severity.label} | {r.title} | "
            f"{', '.join(_SOURCE_NAMES.get(s, s) for s in r.sources)} | {r.fix} |"
        )
    for r in rules:
        out += ["", *rule_section(r, level=2)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    from emailiac.rules import ALL_RULES

    sys.stdout.write(rules_markdown(ALL_RULES))
