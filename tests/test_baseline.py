"""Baselines: the JSON Schema and the typed model agree; profiles inherit; bad files name the YAML path."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from emailiac.baseline import Baseline, BaselineError, load_baseline
from emailiac.resources import resource_path

SCHEMA = json.loads(resource_path("schemas", "baseline.schema.json").read_text())


def _compare(schema: dict[str, Any], model: type, where: str) -> None:
    props = set(schema["properties"]) - {"extends"}
    fields = {f.name: f for f in dataclasses.fields(model)}
    assert props == set(fields), f"{where}: schema {sorted(props)} vs model {sorted(fields)}"
    defaults = model()
    for name in props:
        sub = schema["properties"][name]
        value = getattr(defaults, name)
        if dataclasses.is_dataclass(value) and sub.get("type") == "object":
            _compare(sub, type(value), f"{where}.{name}")


def test_schema_and_typed_model_agree() -> None:
    _compare(SCHEMA, Baseline, "baseline")


def test_profiles_inherit_from_default() -> None:
    scuba = load_baseline("scuba")
    assert scuba.dmarc.required_rua == ("mailto:reports@dmarc.cyber.dhs.gov",)
    assert scuba.spf.all_qualifier == load_baseline("default").spf.all_qualifier
    assert load_baseline("hipaa").rules.severity["LOG001"] == "high"


def test_user_file_extends_default_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text("name: ours\nspf:\n  all_qualifier: '~'\nnetwork:\n  admin_cidrs: [10.1.0.0/16]\n")
    baseline = load_baseline(str(path))
    assert baseline.spf.all_qualifier == "~"
    assert baseline.spf.max_lookups == 10
    assert baseline.network.admin_cidrs == ("10.1.0.0/16",)


@pytest.mark.parametrize("text", ["spf:\n  all_qualifier: '~'\n", "extends: default\nspf:\n  all_qualifier: '~'\n"])
def test_a_user_file_needs_no_name_nor_extends(tmp_path: Path, text: str) -> None:
    path = tmp_path / "acme-mail.yaml"
    path.write_text(text)
    baseline = load_baseline(str(path))
    assert baseline.name == "acme-mail"
    assert baseline.spf.all_qualifier == "~"
    assert baseline.dmarc == load_baseline("default").dmarc


def test_a_user_file_named_default_still_extends_the_default_profile(tmp_path: Path) -> None:
    path = tmp_path / "default.yaml"
    path.write_text("name: default\nspf:\n  all_qualifier: '~'\n")
    baseline = load_baseline(str(path))
    assert baseline.spf.all_qualifier == "~"
    # Inherited from the profile (the typed model's own default description is empty).
    assert baseline.description == load_baseline("default").description != ""


def test_an_empty_user_file_is_the_default_profile_under_its_name(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    baseline = load_baseline(str(path))
    assert dataclasses.replace(baseline, name="default", description="") == dataclasses.replace(
        load_baseline("default"), description=""
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nspf:\n  all_qualifier: '+'\n", "spf.all_qualifier: '+' is not one of"),
        ("name: x\nunknown: 1\n", "(top level): Additional properties are not allowed ('unknown' was unexpected)"),
        ("name: x\nrules:\n  disabled: [nope]\n", "rules.disabled.0: 'nope' does not match"),
        ("spf: [\n", "not valid YAML"),
    ],
)
def test_bad_baselines_name_file_and_yaml_path(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(BaselineError) as info:
        load_baseline(str(path))
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)
