"""The RFC 9989 DNS tree walk: which names are queried, and which record is the Organisational Domain's."""

from __future__ import annotations

import pytest

from emailiac.mailauth.dmarc_walk import organizational_domain_of, tree_walk


def test_the_walk_goes_up_one_label_at_a_time() -> None:
    assert tree_walk("A.Mail.Example.com.") == ["a.mail.example.com", "mail.example.com", "example.com", "com"]


def test_a_long_name_is_shortened_to_seven_labels_first() -> None:
    # RFC 9989's own example: eight queries for a thirteen-label name.
    assert tree_walk("a.b.c.d.e.f.g.h.i.j.mail.example.com") == [
        "a.b.c.d.e.f.g.h.i.j.mail.example.com",
        "g.h.i.j.mail.example.com",
        "h.i.j.mail.example.com",
        "i.j.mail.example.com",
        "j.mail.example.com",
        "mail.example.com",
        "example.com",
        "com",
    ]
    assert len(tree_walk("a.b.c.d.e.f.g.example.com")) == 8  # eight labels: the parent is the next query


@pytest.mark.parametrize(
    ("records", "org"),
    [
        ({"mail.example.com": "u", "example.com": "u"}, "example.com"),  # fewest labels
        ({"mail.example.com": "n", "example.com": "u"}, "mail.example.com"),  # psd=n stops there
        ({"com": "y"}, "example.com"),  # one label below a PSD
        ({"mail.example.com": "u"}, "mail.example.com"),
        ({}, "a.mail.example.com"),  # nothing found: the domain itself
    ],
)
def test_organizational_domain_selection(records: dict[str, str], org: str) -> None:
    assert organizational_domain_of("a.mail.example.com", records) == org
