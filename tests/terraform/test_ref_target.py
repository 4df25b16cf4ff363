"""Which resource a computed reference names: module calls, variables and locals name none, so two outputs
of one module call are never taken for one resource (`module.app.module`)."""

from __future__ import annotations

import pytest

from emailiac.model import Unknown
from emailiac.sources.terraform.adapters.coerce import ref_target


@pytest.mark.parametrize(
    ("ref", "target"),
    [
        ("aws_lb.mail.arn", "aws_lb.mail"),
        ("module.app.aws_security_group.web[0].id", "module.app.aws_security_group.web[0]"),
        ('module.app["eu"].aws_security_group.web["a"].id', 'module.app["eu"].aws_security_group.web["a"]'),
        ("data.aws_security_group.shared.id", "data.aws_security_group.shared"),
        ("module.app.data.aws_lb.front.arn", "module.app.data.aws_lb.front"),
        ("module.web_sg", None),
        ("module.app.module.web_sg", None),
        ("module.app.module.web_sg.id", None),
        ("module.app.var.sg_id", None),
        ("module.app.local.sg_id", None),
        ("var.sg_id", None),
    ],
)
def test_ref_target(ref: str, target: str | None) -> None:
    assert ref_target(Unknown("not known", (ref,))) == target


def test_two_references_name_no_one_resource() -> None:
    assert ref_target(Unknown("not known", ("aws_lb.a.arn", "aws_lb.b.arn"))) is None
