"""GitHub Actions annotations."""

from __future__ import annotations

from emailiac.report import github
from emailiac.result import InputError, Result, Status
from tests.report.report_samples import clean_result, evaluation, finding, full_result, options, tf


def test_one_command_per_active_finding_then_input_errors() -> None:
    assert github.render(full_result(), options()) == (
        "::error title=TLS001 TLS001 title::configuration set 'mail' sends with TLS optional\n"
        "::error file=~/shared/net.tf,line=4,title=NET002 NET002 title::security group 'shared' opens 110/tcp\n"
        "::error file=dns/mail zone.tf,line=3,endLine=8,title=SPF002 SPF002 title::"
        'SPF record for example.com ends in "+all": any host may send as the domain\n'
        "::warning file=dns/mail zone.tf,line=10,title=DMARC003 DMARC003 title::"
        "pct=50 | `p=reject` applies to 50%25 of mail,%0Anot all: <b>raise it</b>\n"
        "::error file=main.tf,line=12,endLine=20,title=NET001 NET001 title::"
        "security group 'admin' opens 22/tcp to 0.0.0.0/0\n"
        "::error::cannot read variables file: No such file or directory\n"
        "::error file=broken.tf,line=7,col=3::syntax error: unexpected '}'\n"
    )


def test_low_is_a_notice_and_properties_are_escaped() -> None:
    ev = evaluation("NET004", Status.FAIL, tf("aws_security_group.a", "/work/repo/a,b:c%.tf", 5), "no description")
    result = Result("default", findings=[finding(ev)])
    assert github.render(result, options()) == (
        "::notice file=a%2Cb%3Ac%25.tf,line=5,title=NET004 NET004 title::no description\n"
    )


def test_escaping_rules() -> None:
    assert github.escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert github.escape_property("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d"


def test_nothing_to_annotate_is_empty() -> None:
    assert github.render(clean_result(), options()) == ""


def test_error_without_line() -> None:
    result = Result("default", errors=[InputError("not valid UTF-8", "/work/repo/x.tf")])
    assert github.render(result, options()) == "::error file=x.tf::not valid UTF-8\n"
