"""The reporter registry, and what every reporter promises: text out, same input -> same bytes."""

from __future__ import annotations

import random
from collections.abc import Iterable

import pytest

from emailiac.baseline import Baseline
from emailiac.engine import evaluate
from emailiac.model import Inventory
from emailiac.report import FORMATS, REPORTERS, ReportOptions, render, rules_by_id
from emailiac.result import Evaluation, Result
from emailiac.rules.base import Rule, Verdict
from tests.report.report_samples import (
    DMARC003_FAIL,
    DYN_NOT_ASSESSED,
    IDS001_OUT_OF_SCOPE,
    NET001_FAIL,
    NET002_PASS,
    NET004_FAIL,
    RULES,
    SHARED_FAIL,
    SPF002_FAIL,
    SUPPRESSION,
    TLS001_LIVE,
    TLS001_PASS,
    clean_result,
    empty_result,
    full_result,
    options,
)

ALL_FORMATS = ["text", "json", "sarif", "junit", "markdown", "github", "gitlab", "checkstyle", "html"]


def test_registry_names_every_format() -> None:
    assert list(REPORTERS) == ALL_FORMATS
    assert tuple(ALL_FORMATS) == FORMATS


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format 'yaml'"):
        render("yaml", empty_result(), ReportOptions())


def test_default_options_work_without_rules_or_paths() -> None:
    for name in ALL_FORMATS:
        assert isinstance(render(name, full_result(), ReportOptions()), str)


@pytest.mark.parametrize("name", ALL_FORMATS)
@pytest.mark.parametrize("make", [full_result, clean_result, empty_result])
def test_same_result_gives_identical_output(name: str, make: object) -> None:
    assert callable(make)
    first = REPORTERS[name](make(), options())
    second = REPORTERS[name](make(), options())
    assert first == second
    assert first == "" or first.endswith("\n")


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_reporters_do_not_change_the_result(name: str) -> None:
    result = full_result()
    before = repr(result)
    REPORTERS[name](result, options())
    assert repr(result) == before


def _verdict(ev: Evaluation) -> Verdict:
    return Verdict(ev.status, ev.subject, ev.message, ev.evidence, ev.fix_hint, None, ev.out_of_scope)


def _rules_yielding(evaluations: Iterable[Evaluation], shuffle: random.Random | None) -> list[Rule]:
    by_rule: dict[str, list[Verdict]] = {}
    for ev in evaluations:
        by_rule.setdefault(ev.rule_id, []).append(_verdict(ev))
    rules = []
    for rule in RULES:
        verdicts = list(by_rule.get(rule.id, []))
        if shuffle:
            shuffle.shuffle(verdicts)
        rules.append(Rule(**{**rule.__dict__, "check": lambda inventory, baseline, verdicts=verdicts: iter(verdicts)}))
    # The rule order stays: it is the registry's (catalogue) order, which `rules_run` reports as it is.
    return rules


def _engine_result(shuffle: random.Random | None) -> Result:
    evaluations = [
        TLS001_LIVE,
        SHARED_FAIL,
        SPF002_FAIL,
        DMARC003_FAIL,
        NET001_FAIL,
        NET004_FAIL,
        NET002_PASS,
        TLS001_PASS,
        DYN_NOT_ASSESSED,
        IDS001_OUT_OF_SCOPE,
    ]
    rules = _rules_yielding(evaluations, shuffle)
    return evaluate(Inventory(), Baseline(), rules=rules, suppressions=[SUPPRESSION])


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_shuffled_input_gives_the_same_output_once_the_engine_has_sorted_it(name: str) -> None:
    expected = REPORTERS[name](_engine_result(None), options())
    for seed in range(5):
        assert REPORTERS[name](_engine_result(random.Random(seed)), options()) == expected


def test_engine_order_is_the_order_reporters_show() -> None:
    result = _engine_result(random.Random(7))
    addresses = [f.evaluation.subject.address for f in result.findings]
    assert addresses == [f.evaluation.subject.address for f in full_result().findings]


def test_rules_by_id_keeps_catalogue_order_and_is_read_only() -> None:
    lookup = rules_by_id(RULES)
    assert list(lookup) == [r.id for r in RULES]
    with pytest.raises(TypeError):
        lookup["X"] = RULES[0]  # type: ignore[index]


def test_report_options_are_frozen() -> None:
    opts = options()
    with pytest.raises(AttributeError):
        opts.color = True  # type: ignore[misc]
