"""Parsers and validators for mail-authentication DNS records.

Pure functions over record text: SPF (RFC 7208), DMARC (RFC 7489, RFC 9091),
DKIM keys (RFC 6376, RFC 8463), MTA-STS (RFC 8461) and TLS-RPT (RFC 8460).
Each parser returns a frozen result carrying a tuple of ``Problem`` items and
never raises on bad input. DNS is reached only through caller callbacks.
"""

from __future__ import annotations

from .dkim import DkimKey, parse_dkim_key
from .dmarc import (
    DmarcRecord,
    ReportUri,
    dmarc_record_set_problems,
    external_report_authorization_name,
    find_dmarc_records,
    is_dmarc,
    parse_dmarc,
    policy_strength,
)
from .mtasts import (
    StsPolicy,
    StsRecord,
    find_sts_records,
    mx_covered,
    parse_sts_policy,
    parse_sts_record,
    sts_record_set_problems,
)
from .orgdomain import organizational_domain
from .problem import Problem
from .spf import (
    LookupCount,
    LookupFailure,
    LookupStep,
    Mechanism,
    Modifier,
    SpfRecord,
    count_lookups,
    find_spf_records,
    is_spf,
    parse_spf,
    qualifier_strength,
    spf_record_set_problems,
)
from .tlsrpt import TlsRptRecord, find_tlsrpt_records, parse_tlsrpt, tlsrpt_record_set_problems
from .txt import check_string_lengths, split_txt_value

__all__ = [
    "DkimKey",
    "DmarcRecord",
    "LookupCount",
    "LookupFailure",
    "LookupStep",
    "Mechanism",
    "Modifier",
    "Problem",
    "ReportUri",
    "SpfRecord",
    "StsPolicy",
    "StsRecord",
    "TlsRptRecord",
    "check_string_lengths",
    "count_lookups",
    "dmarc_record_set_problems",
    "external_report_authorization_name",
    "find_dmarc_records",
    "find_spf_records",
    "find_sts_records",
    "find_tlsrpt_records",
    "is_dmarc",
    "is_spf",
    "mx_covered",
    "organizational_domain",
    "parse_dkim_key",
    "parse_dmarc",
    "parse_spf",
    "parse_sts_policy",
    "parse_sts_record",
    "parse_tlsrpt",
    "policy_strength",
    "qualifier_strength",
    "spf_record_set_problems",
    "split_txt_value",
    "sts_record_set_problems",
    "tlsrpt_record_set_problems",
]
