"""The four outcomes, attribute-level changes, what Terraform never sets, verdicts on both sides, ranking,
coverage, state-file matching and what cannot be compared."""

from __future__ import annotations

import json

import pytest

from emailiac.drift.compare import compare
from emailiac.drift.state import StateFormatError, read_state
from emailiac.model import (
    FirewallRule,
    Gap,
    PasswordPolicy,
    ReceiptRule,
    SesConfigSet,
    SesDkim,
    Unknown,
)
from tests.drift.support import aws, by_status, drift, side, tf


def _config_sets() -> tuple[list[SesConfigSet], list[SesConfigSet]]:
    declared = [
        SesConfigSet(tf("aws_sesv2_configuration_set.outbound", 10), "outbound", "REQUIRE"),
        SesConfigSet(tf("aws_sesv2_configuration_set.alerts", 20), "alerts", "REQUIRE"),
        SesConfigSet(tf("aws_sesv2_configuration_set.old", 30), "old", "REQUIRE"),
    ]
    live = [
        SesConfigSet(aws("ses/configuration-set/outbound", "outbound"), "outbound", "OPTIONAL"),
        SesConfigSet(aws("ses/configuration-set/alerts", "alerts"), "alerts", "REQUIRE"),
        SesConfigSet(aws("ses/configuration-set/marketing", "marketing"), "marketing", "OPTIONAL"),
    ]
    return declared, live


def test_four_outcomes_with_attribute_changes_and_both_verdicts() -> None:
    declared, live = _config_sets()
    report = drift(declared, live, {"aws"})
    assert by_status(report) == {
        "changed": [("ses_configuration_set", "us-east-1/outbound")],
        "unmanaged": [("ses_configuration_set", "us-east-1/marketing")],
        "missing": [("ses_configuration_set", "old")],
        "managed": [("ses_configuration_set", "us-east-1/alerts")],
    }
    changed = report.items[0]
    assert [(c.attribute, c.declared, c.live) for c in changed.changes] == [("tls_policy", "REQUIRE", "OPTIONAL")]
    assert changed.declared_verdicts["TLS001"] == "pass"
    assert changed.live_verdicts["TLS001"] == "fail"
    assert changed.weakens == ("TLS001",) and changed.severity is not None and changed.severity.label == "high"
    unmanaged = report.items[1]
    assert unmanaged.declared_verdicts == {} and unmanaged.live_verdicts["TLS001"] == "fail"
    missing = report.items[2]
    assert missing.live_verdicts == {} and missing.declared_verdicts["TLS001"] == "pass"
    cov = {c.kind: (c.live, c.managed, c.declared) for c in report.coverage}
    assert cov == {"ses_configuration_set": (3, 2, 3)}


def test_weakening_drift_ranks_before_other_drift() -> None:
    declared = [
        ReceiptRule(tf("aws_ses_receipt_rule.a"), "a", "inbound", True, False, "REQUIRE"),
        SesConfigSet(tf("aws_sesv2_configuration_set.outbound"), "outbound", "REQUIRE"),
    ]
    live = [
        ReceiptRule(aws("ses/receipt-rule/inbound/a", "inbound:a"), "a", "inbound", True, True, "REQUIRE"),
        SesConfigSet(aws("ses/configuration-set/outbound", "outbound"), "outbound", "OPTIONAL"),
    ]
    report = drift(declared, live, {"aws"})
    assert [(i.kind, bool(i.weakens), i.strengthens) for i in report.items] == [
        ("ses_configuration_set", True, ()),
        ("ses_receipt_rule", False, ("SES003",)),  # the live rule is the stronger one
    ]


def test_what_terraform_never_sets_is_not_drift() -> None:
    # Terraform leaves delivery options out (= OPTIONAL), the DKIM key length and tokens are computed.
    declared = [
        SesConfigSet(tf("aws_sesv2_configuration_set.o"), "o", None),
        SesDkim(tf("aws_sesv2_email_identity.main"), "example.com", True, tokens=Unknown("known after apply")),
        PasswordPolicy(tf("aws_iam_account_password_policy.p"), 14, True, True, True, True, None, None),
    ]
    live = [
        SesConfigSet(aws("ses/configuration-set/o", "o"), "o", "OPTIONAL"),
        SesDkim(
            aws("ses/identity/example.com", "example.com"),
            "example.com",
            True,
            "SUCCESS",
            "AWS_SES",
            "RSA_2048_BIT",
            "RSA_2048_BIT",
            ("t1", "t2", "t3"),
        ),
        PasswordPolicy(
            aws("iam/account-password-policy", "iam-account-password-policy", None), 14, True, True, True, True, 0, 0
        ),
    ]
    report = drift(declared, live, {"aws"})
    assert {(i.kind, i.status) for i in report.items} == {
        ("ses_configuration_set", "managed"),
        ("ses_dkim", "managed"),
        ("password_policy", "managed"),
    }


def test_an_unknown_declared_value_is_not_compared_rather_than_equal() -> None:
    declared = [SesConfigSet(tf("aws_sesv2_configuration_set.o"), "o", Unknown("var.tls has no value"))]
    live = [SesConfigSet(aws("ses/configuration-set/o", "o"), "o", "OPTIONAL")]
    [item] = drift(declared, live, {"aws"}).items
    assert (item.status, item.unresolved) == ("managed", ("tls_policy",))


def test_an_unknown_identity_is_not_compared() -> None:
    declared = [SesConfigSet(tf("aws_sesv2_configuration_set.o"), Unknown("var.name has no value"), "REQUIRE")]
    live = [SesConfigSet(aws("ses/configuration-set/o", "o"), "o", "REQUIRE")]
    report = drift(declared, live, {"aws"})
    assert by_status(report) == {"unmanaged": [("ses_configuration_set", "us-east-1/o")]}
    assert [(n.side, n.name) for n in report.not_compared] == [("declared", "aws_sesv2_configuration_set.o")]


def test_objects_no_live_source_read_are_not_missing() -> None:
    declared = [
        SesConfigSet(tf("aws_sesv2_configuration_set.o"), "o", "REQUIRE"),
        FirewallRule(
            tf("azurerm_network_security_group.n"),
            "azurerm_network_security_group.n",
            "ingress",
            "allow",
            "tcp",
            ((22, 22),),
            ("*",),
            None,
        ),
    ]
    no_aws = drift(declared, [], {"m365"})
    assert no_aws.items == []
    assert [(n.name, n.reason) for n in no_aws.not_compared] == [
        ("azurerm_network_security_group.n", "azurerm_network_security_group objects are not read by any live source"),
        ("aws_sesv2_configuration_set.o", "no live aws scan in the inputs"),
    ]


def test_a_gap_in_the_live_scan_is_not_missing() -> None:
    declared = side([SesConfigSet(tf("aws_sesv2_configuration_set.o"), "o", "REQUIRE")], {"terraform"})
    live = side([], {"aws"})
    live.inventory.gaps.append(Gap("SesConfigSet", "us-east-1", "AccessDenied: missing ses:ListConfigurationSets"))
    report = compare(declared, live)
    assert report.items == []
    assert "missing ses:ListConfigurationSets" in report.not_compared[0].reason


STATE = {
    "format_version": "1.0",
    "values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_sesv2_configuration_set.a",
                    "mode": "managed",
                    "type": "aws_sesv2_configuration_set",
                    "name": "a",
                    "values": {"id": "renamed-in-console", "arn": "arn:aws:ses:us-east-1:1:configuration-set/x"},
                },
            ],
            "child_modules": [
                {
                    "address": "module.net",
                    "resources": [
                        {
                            "address": "module.net.aws_security_group.mail",
                            "mode": "managed",
                            "type": "aws_security_group",
                            "name": "mail",
                            "values": {"id": "sg-2", "name": "mail"},
                        },
                    ],
                },
            ],
        }
    },
}


def test_a_state_file_pairs_by_id_where_natural_keys_cannot() -> None:
    state = read_state(json.dumps(STATE))
    declared = [
        SesConfigSet(tf("aws_sesv2_configuration_set.a"), "a", "REQUIRE"),
        FirewallRule(
            tf("module.net.aws_security_group.mail"),
            "module.net.aws_security_group.mail",
            "ingress",
            "allow",
            "tcp",
            ((25, 25),),
            ("0.0.0.0/0",),
            "smtp",
            rule_key="ingress[0]",
        ),
    ]
    live = [
        SesConfigSet(
            aws("ses/configuration-set/renamed-in-console", "renamed-in-console"), "renamed-in-console", "OPTIONAL"
        ),
        # Two groups named mail (two VPCs): the state says which one Terraform manages.
        *(
            FirewallRule(
                aws(f"ec2/security-group/{gid}", gid),
                "mail",
                "ingress",
                "allow",
                "tcp",
                ((25, 25),),
                ("0.0.0.0/0",),
                "smtp",
                rule_key="ingress tcp 25 from 0.0.0.0/0",
            )
            for gid in ("sg-1", "sg-2")
        ),
    ]
    groups = {"module.net.aws_security_group.mail": "mail"}
    with_state = drift(declared, live, {"aws"}, groups=groups, state=state)
    assert sorted((i.status, i.kind, i.live_id, i.matched_by) for i in with_state.items) == [
        ("changed", "ses_configuration_set", "renamed-in-console", "state"),
        ("managed", "security_group_rule", "sg-2", "state"),
        ("unmanaged", "security_group_rule", "sg-1", None),
    ]
    without = drift(declared, live, {"aws"}, groups=groups)
    assert sorted((i.status, i.kind, i.live_id) for i in without.items) == [
        ("managed", "security_group_rule", "sg-1"),
        ("missing", "ses_configuration_set", None),
        ("unmanaged", "security_group_rule", "sg-2"),
        ("unmanaged", "ses_configuration_set", "renamed-in-console"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "invalid JSON at line 1"),
        ("[]", "not a Terraform state"),
        ('{"values": 3}', "no values.root_module"),
    ],
)
def test_bad_state_files_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(StateFormatError, match=message):
        read_state(text)


def test_empty_inventories_drift_nothing() -> None:
    report = compare(side([], {"terraform"}), side([], {"aws"}))
    assert (report.items, report.coverage, report.exit_code()) == ([], [], 0)
