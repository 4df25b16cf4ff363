"""MTA-STS policy files uploaded by Terraform as objects (`.well-known/mta-sts.txt`), as `MtaStsPolicy` facts.

The policy is served from `https://mta-sts.<domain>/.well-known/mta-sts.txt`; a bucket named
`mta-sts.<domain>` (the usual S3 or Cloud Storage website set-up) tells which domain the policy is for.
Any other bucket name leaves the domain unknown and says why.
"""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.model import Fact, MtaStsPolicy, Unknown
from emailiac.sources.terraform.adapters.coerce import as_str
from emailiac.sources.terraform.adapters.references import resolved_str
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import ResourceIndex, TfResource

__all__ = ["ADAPTERS", "POLICY_PATH"]

POLICY_PATH = ".well-known/mta-sts.txt"
_PREFIX = "mta-sts."


def _domain(bucket: str | Unknown | None) -> str | Unknown:
    if bucket is None:
        return Unknown("the bucket of the policy object is not set")
    if isinstance(bucket, Unknown):
        return Unknown(f"the bucket of the policy object is not known ({bucket.reason})", bucket.refs)
    name = bucket.strip().lower().rstrip(".")
    if name.startswith(_PREFIX) and "." in name[len(_PREFIX) :]:
        return name[len(_PREFIX) :]
    return Unknown(f"bucket {bucket!r} does not name the policy domain (mta-sts.<domain>)")


def _object(key_attr: str, content_attr: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        key = as_str(res.body.get(key_attr), key_attr)
        if not isinstance(key, str) or key.lstrip("/") != POLICY_PATH:
            return
        bucket = resolved_str(res.body.get("bucket"), res, index, ("bucket", "name"), "bucket")
        text = as_str(res.body.get(content_attr), content_attr)
        if text is None:
            text = Unknown(f"the policy text is not in the configuration ({content_attr} is not set)")
        yield MtaStsPolicy(res.prov, _domain(bucket), text)

    return adapt


ADAPTERS: dict[str, Adapter] = {
    "aws_s3_object": _object("key", "content"),
    "aws_s3_bucket_object": _object("key", "content"),
    "google_storage_bucket_object": _object("name", "content"),
}
