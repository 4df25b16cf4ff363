"""Read-only, provably: every operation a full scan makes, recorded through botocore's before-call events on
the scan's session, is a listed call and only reads."""

from __future__ import annotations

from typing import Any

from emailiac.sources.aws.calls import CALLS, READ_ONLY_PREFIXES, lookup
from tests.aws.support import REGION, Twins, record_operations, scan, scan_session, stub_weak_mail_gaps


def test_a_full_scan_makes_only_listed_read_only_calls(weak_mail: Any) -> None:
    session = scan_session()
    seen = record_operations(session)  # before any client exists, so every client carries the hook
    twins = Twins(session)
    stub_weak_mail_gaps(twins, weak_mail.data)
    # moto lists 30+ regions; the account here has two enabled (the discovery call itself is recorded).
    twins.route("ec2", REGION, "describe_regions").add_response(
        "describe_regions",
        {"Regions": [{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}]},
        {"AllRegions": False},
    )
    twins.install()
    inventory = scan(session, regions=())
    twins.assert_used()
    assert inventory.facts and not inventory.gaps

    operations = set(seen)
    for service, operation in operations:
        assert operation.startswith(READ_ONLY_PREFIXES), (service, operation)
        lookup(service, operation)  # raises for a call that is not listed
    # ... and the list holds nothing the scan does not need.
    assert operations == {(c.service, c.operation) for c in CALLS}
