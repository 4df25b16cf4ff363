"""Route 53 record data in zone-file form, read into facts' spelling."""

from __future__ import annotations

import pytest

from emailiac.sources.aws.route53 import _name, _value, txt_strings


@pytest.mark.parametrize(
    ("rdata", "strings"),
    [
        ('"v=spf1 include:amazonses.com -all"', ("v=spf1 include:amazonses.com -all",)),
        ('"v=spf1 include:a.example " "-all"', ("v=spf1 include:a.example ", "-all")),
        ('"say \\"hi\\""', ('say "hi"',)),
        ('"semi\\073colon"', ("semi;colon",)),  # Route 53 writes special characters as octal escapes
        ("unquoted words", ("unquoted", "words")),
        ('""', ("",)),
    ],
)
def test_txt_character_strings(rdata: str, strings: tuple[str, ...]) -> None:
    assert txt_strings(rdata) == strings


def test_txt_value_is_joined_and_keeps_its_strings() -> None:
    assert _value("TXT", '"v=DMARC1; " "p=reject"') == ("v=DMARC1; p=reject", ("v=DMARC1; ", "p=reject"))


def test_mx_cname_and_names_are_normalised() -> None:
    assert _value("MX", "10 Inbound-SMTP.us-east-1.amazonaws.com.") == ("10 inbound-smtp.us-east-1.amazonaws.com", ())
    assert _value("CNAME", "Token.DKIM.amazonses.com.") == ("token.dkim.amazonses.com", ())
    assert _value("MX", "0 .") == ("0 .", ())  # the null MX keeps its dot
    assert _name("\\052.Example.COM.") == "*.example.com"
    assert _name("_dmarc.example.com.") == "_dmarc.example.com"
