"""What a partly known record says for certain.

Terraform configurations build records from variables: `"v=DMARC1; p=${var.policy}; rua=mailto:${var.rua}"`.
When some parts are not known, the value reaches us as a pattern with `*` for each unknown part. The tags
and terms written around the unknown parts are still certain; those holding an unknown part are not, and
neither is the absence of a tag (the unknown part may add it).
"""

from __future__ import annotations

from .dmarc import DmarcRecord, is_dmarc, parse_dmarc
from .spf import SpfRecord, is_spf, parse_spf

__all__ = ["dmarc_known_tags", "spf_known_terms"]


def dmarc_known_tags(pattern: str | None) -> DmarcRecord | None:
    """The DMARC record made of the tags written without an unknown part, if it starts with v=DMARC1."""
    if pattern is None or "*" not in pattern:
        return None
    tags = [t.strip() for t in pattern.split(";")]
    known = [t for t in tags if t and "*" not in t]
    text = "; ".join(known)
    if not tags or "*" in tags[0] or not is_dmarc(text):
        return None
    return parse_dmarc(text)


def spf_known_terms(pattern: str | None) -> SpfRecord | None:
    """The SPF record made of the terms written without an unknown part, when every unknown part is the
    argument of a written mechanism or modifier (`include:*`, `ip4:*`, `redirect=*`). An unknown part that
    stands for whole terms (`v=spf1 * -all`) may hold anything, even an earlier `all`: then None."""
    if pattern is None or "*" not in pattern:
        return None
    terms = pattern.split()
    known: list[str] = []
    for term in terms:
        if "*" not in term:
            known.append(term)
            continue
        head = term.split("*", 1)[0]
        if not (":" in head or "=" in head) or head.startswith(("*", "v=")):
            return None
    text = " ".join(known)
    return parse_spf(text) if is_spf(text) else None
