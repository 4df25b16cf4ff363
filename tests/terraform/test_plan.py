"""`terraform show -json` plans as input: exact values, unknowns with their references, modules expanded."""

from __future__ import annotations

from pathlib import Path

from emailiac.model import Unknown
from emailiac.sources.terraform.plan import load_plan

PLAN = Path(__file__).resolve().parents[2] / "fixtures" / "terraform" / "plan_json" / "plan.json"


def test_plan_resources_values_and_unknowns() -> None:
    load = load_plan(PLAN, PLAN.read_text())
    assert not load.errors
    got = {r.address: r for r in load.resources}
    assert sorted(got) == [
        "aws_route53_record.spf",
        "aws_route53_zone.main",
        "aws_security_group.admin",
        "module.mail.aws_sesv2_configuration_set.this",
    ]
    record = got["aws_route53_record.spf"]
    assert record.body.get("records") == ["v=spf1 include:amazonses.com ~all"]
    zone_id = record.body.get("zone_id")
    assert isinstance(zone_id, Unknown)
    assert zone_id.refs == ("aws_route53_zone.main.zone_id",)
    assert record.line is None and record.file == str(PLAN)
    sg = got["aws_security_group.admin"]
    assert sg.body.blocks_of("ingress")[0].get("cidr_blocks") == ["0.0.0.0/0"]
    module_set = got["module.mail.aws_sesv2_configuration_set.this"]
    assert module_set.module == "module.mail"
    assert module_set.config_address == "module.mail.aws_sesv2_configuration_set.this"
    assert module_set.body.blocks_of("delivery_options")[0].get("tls_policy") == "OPTIONAL"


def test_invalid_plan_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    load = load_plan(path, path.read_text())
    assert load.resources == []
    assert load.errors[0].line == 1
