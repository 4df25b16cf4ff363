"""The terminal report."""

from __future__ import annotations

from emailiac.report import text
from emailiac.result import Result, Status
from tests.report.report_samples import (
    DYN_NOT_ASSESSED,
    NET001_FAIL,
    clean_result,
    empty_result,
    evaluation,
    finding,
    full_result,
    options,
    tf,
)

FULL = """\
aws://us-east-1
   -  HIGH      TLS001    configuration set 'mail' sends with TLS optional (aws://us-east-1/ses/configuration-set/mail)
      fix: Set tls_policy = "REQUIRE"

~/shared/net.tf
   4  HIGH      NET002    security group 'shared' opens 110/tcp

dns/mail zone.tf
   3  CRITICAL  SPF002    SPF record for example.com ends in "+all": any host may send as the domain
      fix: End the record in "-all"
  10  MEDIUM    DMARC003  pct=50 | `p=reject` applies to 50% of mail, not all: <b>raise it</b>

main.tf
  12  CRITICAL  NET001    security group 'admin' opens 22/tcp to 0.0.0.0/0
      fix: Narrow the rule to the admin CIDRs

Errors
  cannot read variables file: No such file or directory
  broken.tf:7:3: syntax error: unexpected '}'

Not assessed
  main.tf:40  NET001  var.admin_cidr has no value

"""
SUMMARY = "5 findings (2 critical, 2 high, 1 medium) · 2 passed · 1 not assessed · 1 out of scope · 1 suppressed"


def test_full_report() -> None:
    assert text.render(full_result(), options()) == FULL + SUMMARY + " · 2 errors · 1 warning\n"


def test_no_colour_means_no_escape_codes_and_colour_means_some() -> None:
    plain = text.render(full_result(), options(color=False))
    coloured = text.render(full_result(), options(color=True))
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert "\x1b[1;31mCRITICAL" in coloured  # critical in bold red


def test_long_lines_are_not_wrapped() -> None:
    long = evaluation("NET001", Status.FAIL, tf("aws_security_group.x", "/work/repo/a.tf", 1), "x" * 300)
    out = text.render(Result("default", findings=[finding(long)]), options(width=40))
    assert "x" * 300 in out


def test_all_well_is_one_quiet_line() -> None:
    result = Result("default", passes=clean_result().passes)
    assert text.render(result, options()) == "No findings. 2 checks passed.\n"


def test_quiet_line_mentions_what_was_left_aside() -> None:
    assert text.render(clean_result(), options()) == "No findings. 2 checks passed. (1 out of scope)\n"
    assert text.render(empty_result(), options()) == "No findings. 0 checks passed.\n"


def test_not_assessed_always_listed_with_its_reason_and_out_of_scope_only_when_asked() -> None:
    # What was not assessed makes the run exit 2: the report says what and why without -v.
    shown = text.render(full_result(), options())
    assert "Not assessed\n  main.tf:40  NET001  var.admin_cidr has no value\n\n" in shown
    assert "aws_account" not in shown
    everything = text.render(full_result(), options(show_not_assessed=True, show_out_of_scope=True))
    assert "  aws_account  IDS001  the Terraform tree does not speak for the whole AWS account (out of scope)" in (
        everything
    )


def test_passes_listed_when_asked() -> None:
    out = text.render(full_result(), options(show_passes=True))
    assert (
        "Passed\n"
        "  aws://eu-west-1/ses/configuration-set/bulk  TLS001  configuration set 'bulk' requires TLS\n"
        "  main.tf:12  NET002  security group 'admin' opens no plaintext mail port\n"
    ) in out


def test_incomplete_run_without_findings_is_not_called_clean() -> None:
    result = Result("default", passes=clean_result().passes, not_assessed=[DYN_NOT_ASSESSED])
    assert text.render(result, options()) == (
        "Not assessed\n  main.tf:40  NET001  var.admin_cidr has no value\n\n0 findings · 2 passed · 1 not assessed\n"
    )


def test_warnings_are_not_repeated_in_the_report() -> None:
    # The command line writes them to standard error, once.
    assert "emailiac:ignore names unknown rule" not in text.render(full_result(), options())


def test_singular_wording() -> None:
    result = Result("default", findings=[finding(NET001_FAIL)], passes=clean_result().passes[:1])
    assert text.render(result, options()).splitlines()[-1] == "1 finding (1 critical) · 1 passed"


def test_paths_without_base_dir_are_shown_as_given_with_home_abbreviated() -> None:
    out = text.render(full_result(), options(base_dir=None))
    assert "/work/repo/main.tf\n" in out
    assert "~/shared/net.tf\n" in out
    out = text.render(full_result(), options(base_dir=None, home_dir=None))
    assert "/home/alice/shared/net.tf\n" in out
