"""Every rule's metadata is complete and consistent (what `explain`, docs and SARIF show)."""

from __future__ import annotations

import pytest

from emailiac.rules import ALL_RULES
from emailiac.rules.base import FIX_APPLICABILITY, RULE_ID, SOURCES, Rule

CATALOGUE = [
    "SPF001",
    "SPF002",
    "SPF003",
    "SPF004",
    "SPF005",
    "SPF006",
    "DMARC001",
    "DMARC002",
    "DMARC003",
    "DMARC004",
    "DMARC005",
    "DKIM001",
    "DKIM002",
    "DKIM003",
    "MTASTS001",
    "TLSRPT001",
    "SES001",
    "SES002",
    "SES003",
    "TLS001",
    "TLS002",
    "TLS003",
    "TLS004",
    "NET001",
    "NET002",
    "NET003",
    "NET004",
    "NET005",
    "IDS001",
    "MFA001",
    "MFA002",
    "MFA003",
    "MFA004",
    "MFA005",
    "RBAC001",
    "RBAC002",
    "RBAC003",
    "RBAC004",
    "PWD001",
    "PWD002",
    "LOG001",
    "LOG002",
    "LOG003",
]


def test_ids_are_unique_and_well_formed() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert all(RULE_ID.match(i) for i in ids)


def test_ids_belong_to_the_catalogue() -> None:
    assert {r.id for r in ALL_RULES} <= set(CATALOGUE)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_metadata_is_complete(rule: Rule) -> None:
    for section in ("slug", "title", "summary", "rationale", "bad_example", "good_example", "family"):
        assert getattr(rule, section).strip(), f"{rule.id}: {section} is empty"
    assert rule.sources and set(rule.sources) <= set(SOURCES)
    assert rule.fix in FIX_APPLICABILITY
    assert (rule.fix == "none") == (not rule.fix_title), f"{rule.id}: fix_title goes with a fix"
    assert rule.slug == rule.slug.lower() and " " not in rule.slug
    assert not rule.title.endswith("."), "titles are static phrases"


def test_builtin_profiles_validate_against_the_schema() -> None:
    import yaml

    from emailiac.baseline import _PROFILE_DIR, BUILTIN_PROFILES, load_baseline, validate_baseline_data

    for name in BUILTIN_PROFILES:
        data = yaml.safe_load((_PROFILE_DIR / f"{name}.yaml").read_text())
        assert validate_baseline_data(data, name) == []
        assert load_baseline(name).name == name
