"""DNS zones and records of Route 53, Azure DNS, Cloudflare (v4, v5) and Cloud DNS as facts, loaded from HCL."""

from __future__ import annotations

from pathlib import Path

import pytest

from emailiac.model import DnsRecord, DnsZone, Fact, MtaStsPolicy, Unknown
from emailiac.sources.terraform.adapters import facts_from_resources
from emailiac.sources.terraform.adapters.dns_names import looks_qualified
from emailiac.sources.terraform.adapters.dns_values import (
    azure_strings,
    character_strings,
    cloudflare_strings,
    route53_strings,
)
from emailiac.sources.terraform.loader import load_terraform
from emailiac.sources.terraform.resource import ResourceIndex

KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "x" * 300  # longer than one character-string


def facts(tmp_path: Path, hcl: str) -> list[Fact]:
    (tmp_path / "main.tf").write_text(hcl)
    load = load_terraform([tmp_path], env={})
    assert not load.errors, load.errors
    return facts_from_resources(ResourceIndex(load.resources))


def records(tmp_path: Path, hcl: str) -> dict[str, DnsRecord]:
    return {f.prov.address: f for f in facts(tmp_path, hcl) if isinstance(f, DnsRecord)}


def zones(tmp_path: Path, hcl: str) -> dict[str, DnsZone]:
    return {f.prov.address: f for f in facts(tmp_path, hcl) if isinstance(f, DnsZone)}


ROUTE53_ZONE = 'resource "aws_route53_zone" "main" {\n  name = "Example.com."\n}\n'


def route53(name: str, rtype: str, values: str, zone: str = "aws_route53_zone.main.zone_id") -> str:
    return (
        f'resource "aws_route53_record" "r" {{\n  zone_id = {zone}\n  name = {name}\n  type = "{rtype}"\n'
        f"  ttl = 300\n  records = {values}\n}}\n"
    )


# ---------------------------------------------------------------- character-strings


@pytest.mark.parametrize(
    ("rdata", "octal", "expected"),
    [
        ('"v=spf1 -all"', False, ("v=spf1 -all",)),
        ('"a" "b"', False, ("a", "b")),
        ('"a""b"', False, ("a", "b")),
        ("plain words", False, ("plain", "words")),
        ('"say \\"hi\\""', False, ('say "hi"',)),
        ('"semi\\059colon"', False, ("semi;colon",)),
        ('"semi\\073colon"', True, ("semi;colon",)),
        ('""', False, ("",)),
    ],
)
def test_character_strings(rdata: str, octal: bool, expected: tuple[str, ...]) -> None:
    assert character_strings(rdata, octal=octal) == expected


def test_provider_string_splitting() -> None:
    assert route53_strings('first""second') == ("first", "second")
    assert route53_strings('first" "second') == ("first", "second")
    assert [len(s) for s in azure_strings("x" * 600)] == [254, 254, 92]
    assert [len(s) for s in cloudflare_strings("x" * 600)] == [255, 255, 90]
    assert cloudflare_strings('"a" "b"') == ("a", "b")


@pytest.mark.parametrize(
    "value",
    ["v=spf1 include:amazonses.com ~all", "", " spaced  out ", "tab\there", "semi;colon\n", "100%", "${x}"],
)
def test_a_route53_value_without_quotes_or_escapes_is_one_string(value: str) -> None:
    """The common value is taken whole, as reading it as a quoted character-string reads it."""
    assert route53_strings(value) == (value,) == character_strings(f'"{value}"', octal=True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("example.com", True),
        ("mail.example.com.", True),
        ("shop.example.co.uk", True),
        ("_dmarc", False),
        ("s1._domainkey", False),
        ("www", False),
        ("_dmarc.mail", False),  # `mail` is no top-level domain: relative to the zone
        ("host.local", False),
        ("com", False),  # a public suffix alone names no zone's record
    ],
)
def test_looks_qualified(name: str, expected: bool) -> None:
    assert looks_qualified(name) is expected


# ---------------------------------------------------------------- Route 53


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('""', "example.com"),
        ('"example.com"', "example.com"),
        ('"Example.COM."', "example.com"),
        ('"_dmarc"', "_dmarc.example.com"),
        ('"_dmarc.example.com"', "_dmarc.example.com"),
        ('"mail.other.org."', "mail.other.org"),
    ],
)
def test_route53_names_read_against_the_zone(tmp_path: Path, name: str, expected: str) -> None:
    record = records(tmp_path, ROUTE53_ZONE + route53(name, "TXT", '["x"]'))["aws_route53_record.r"]
    assert record.name == expected
    assert record.zone == "aws_route53_zone.main"


def test_route53_zone_is_lowercase_without_dot_and_private_with_a_vpc(tmp_path: Path) -> None:
    hcl = (
        ROUTE53_ZONE
        + 'resource "aws_route53_zone" "vpc" {\n  name = "corp.example"\n  vpc {\n    vpc_id = "v"\n  }\n}\n'
    )
    found = zones(tmp_path, hcl)
    assert found["aws_route53_zone.main"].name == "example.com"
    assert found["aws_route53_zone.main"].provider == "route53"
    assert not found["aws_route53_zone.main"].private
    assert found["aws_route53_zone.vpc"].private


def test_route53_txt_strings_and_values(tmp_path: Path) -> None:
    hcl = ROUTE53_ZONE + route53('""', "TXT", f'["v=spf1 -all", "{KEY[:200]}\\"\\"{KEY[200:]}"]')
    record = records(tmp_path, hcl)["aws_route53_record.r"]
    assert record.values == ("v=spf1 -all", KEY)
    assert record.strings == (("v=spf1 -all",), (KEY[:200], KEY[200:]))
    assert record.ttl == 300


def test_route53_mx_and_cname_are_normalised(tmp_path: Path) -> None:
    hcl = (
        ROUTE53_ZONE
        + route53('""', "MX", '["10 MX1.Example.com.", "0 ."]')
        + route53('"www"', "CNAME", '["Target.Example.net."]').replace('"r"', '"c"')
    )
    found = records(tmp_path, hcl)
    assert found["aws_route53_record.r"].values == ("10 mx1.example.com", "0 .")
    assert found["aws_route53_record.c"].values == ("target.example.net",)


def test_route53_alias_records_are_left_out(tmp_path: Path) -> None:
    hcl = ROUTE53_ZONE + (
        'resource "aws_route53_record" "a" {\n  zone_id = aws_route53_zone.main.zone_id\n  name = "www"\n'
        '  type = "A"\n  alias {\n    name = "d.cloudfront.net"\n    zone_id = "Z2"\n'
        "    evaluate_target_health = false\n  }\n}\n"
    )
    assert records(tmp_path, hcl) == {}


def test_route53_literal_zone_id_keeps_qualified_names_and_leaves_relative_ones_unknown(tmp_path: Path) -> None:
    qualified = route53('"example.com"', "TXT", '["x"]', zone='"Z0123"')
    relative = route53('"_dmarc"', "TXT", '["y"]', zone='"Z0123"').replace('"r"', '"rel"')
    hcl = qualified + relative
    found = records(tmp_path, hcl)
    assert found["aws_route53_record.r"].name == "example.com"
    assert found["aws_route53_record.r"].zone is None
    name = found["aws_route53_record.rel"].name
    assert isinstance(name, Unknown)
    assert "relative" in name.reason


def test_route53_unknown_token_names_are_qualified_patterns(tmp_path: Path) -> None:
    hcl = ROUTE53_ZONE + (
        'resource "aws_ses_domain_dkim" "d" {\n  domain = "example.com"\n}\n'
        'resource "aws_route53_record" "dkim" {\n  count = 3\n  zone_id = aws_route53_zone.main.zone_id\n'
        '  name = "${aws_ses_domain_dkim.d.dkim_tokens[count.index]}._domainkey"\n  type = "CNAME"\n  ttl = 600\n'
        '  records = ["${aws_ses_domain_dkim.d.dkim_tokens[count.index]}.dkim.amazonses.com"]\n}\n'
    )
    record = records(tmp_path, hcl)["aws_route53_record.dkim[1]"]
    assert isinstance(record.name, Unknown)
    assert record.name.pattern == "*._domainkey.example.com"
    assert record.name.refs == ("aws_ses_domain_dkim.d.dkim_tokens",)


def test_route53_unresolved_values_keep_their_pattern(tmp_path: Path) -> None:
    hcl = (
        'variable "esp" {\n  type = string\n}\nvariable "all" {\n  type = list(string)\n}\n'
        + ROUTE53_ZONE
        + route53('""', "TXT", '["v=spf1 include:${var.esp} -all"]')
        + route53('"x"', "TXT", "var.all").replace('"r"', '"whole"')
    )
    found = records(tmp_path, hcl)
    value = found["aws_route53_record.r"].values
    assert isinstance(value, tuple) and isinstance(value[0], Unknown)
    assert value[0].pattern == "v=spf1 include:* -all"
    assert found["aws_route53_record.r"].strings == ((),)
    assert isinstance(found["aws_route53_record.whole"].values, Unknown)


def test_zone_in_a_module_and_a_data_source_zone(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "dns"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'variable "domain" {\n  type = string\n}\n'
        'resource "aws_route53_zone" "z" {\n  name = var.domain\n}\n'
        + route53('"_dmarc"', "TXT", '["v=DMARC1; p=reject"]', zone="aws_route53_zone.z.zone_id")
    )
    hcl = (
        'module "dns" {\n  source = "./modules/dns"\n  domain = "example.org"\n}\n'
        'data "aws_route53_zone" "ext" {\n  name = "example.net."\n}\n'
        + route53('"_dmarc"', "TXT", '["v=DMARC1; p=none"]', zone="data.aws_route53_zone.ext.zone_id")
    )
    found = facts(tmp_path, hcl)
    by_address = {f.prov.address: f for f in found}
    in_module = by_address["module.dns.aws_route53_record.r"]
    assert isinstance(in_module, DnsRecord)
    assert in_module.name == "_dmarc.example.org"
    assert in_module.zone == "module.dns.aws_route53_zone.z"
    in_data_zone = by_address["aws_route53_record.r"]
    assert isinstance(in_data_zone, DnsRecord)
    assert in_data_zone.name == "_dmarc.example.net"
    assert in_data_zone.zone is None  # read, not declared here
    assert [f.prov.address for f in found if isinstance(f, DnsZone)] == ["module.dns.aws_route53_zone.z"]


def test_a_zone_of_unknown_name_leaves_relative_names_unknown(tmp_path: Path) -> None:
    hcl = 'variable "domain" {\n  type = string\n}\nresource "aws_route53_zone" "main" {\n  name = var.domain\n}\n'
    hcl += route53('"_dmarc"', "TXT", '["v=DMARC1; p=none"]')
    found = facts(tmp_path, hcl)
    zone = next(f for f in found if isinstance(f, DnsZone))
    record = next(f for f in found if isinstance(f, DnsRecord))
    assert isinstance(zone.name, Unknown)
    assert isinstance(record.name, Unknown)
    assert record.name.pattern == "_dmarc.*"
    assert "var.domain" in record.name.reason


# ---------------------------------------------------------------- Azure DNS

AZURE_ZONES = (
    'resource "azurerm_dns_zone" "a" {\n  name = "example.com"\n  resource_group_name = "rg-a"\n}\n'
    'resource "azurerm_dns_zone" "b" {\n  name = "example.com"\n  resource_group_name = "rg-b"\n}\n'
)


def test_azure_txt_mx_cname(tmp_path: Path) -> None:
    hcl = AZURE_ZONES + (
        'resource "azurerm_dns_txt_record" "apex" {\n  name = "@"\n  zone_name = "example.com"\n'
        '  resource_group_name = "rg-b"\n  ttl = 300\n'
        f'  record {{\n    value = "v=spf1 -all"\n  }}\n  record {{\n    value = "{KEY}"\n  }}\n}}\n'
        'resource "azurerm_dns_mx_record" "mx" {\n  name = "mail"\n  zone_name = azurerm_dns_zone.a.name\n'
        '  resource_group_name = "rg-a"\n  ttl = 300\n'
        '  record {\n    preference = 10\n    exchange = "MX.example.com."\n  }\n}\n'
        'resource "azurerm_dns_cname_record" "c" {\n  name = "s1._domainkey"\n  zone_name = "example.com"\n'
        '  resource_group_name = "rg-a"\n  ttl = 300\n  record = "s1.dkim.example.net"\n}\n'
    )
    found = records(tmp_path, hcl)
    apex = found["azurerm_dns_txt_record.apex"]
    assert apex.name == "example.com"
    assert apex.zone == "azurerm_dns_zone.b"  # the resource group tells the two zones apart
    assert apex.values == ("v=spf1 -all", KEY)
    assert [len(s) for s in apex.strings[1]] == [254, len(KEY) - 254]
    assert found["azurerm_dns_mx_record.mx"].name == "mail.example.com"
    assert found["azurerm_dns_mx_record.mx"].values == ("10 mx.example.com",)
    assert found["azurerm_dns_cname_record.c"].name == "s1._domainkey.example.com"
    assert found["azurerm_dns_cname_record.c"].values == ("s1.dkim.example.net",)


# ---------------------------------------------------------------- Cloudflare


def test_cloudflare_v4_and_v5(tmp_path: Path) -> None:
    hcl = (
        'resource "cloudflare_zone" "v4" {\n  account_id = "a"\n  zone = "example.com"\n}\n'
        'resource "cloudflare_zone" "v5" {\n  account = { id = "a" }\n  name = "example.net"\n}\n'
        'resource "cloudflare_record" "spf" {\n  zone_id = cloudflare_zone.v4.id\n  name = "@"\n  type = "TXT"\n'
        '  value = "v=spf1 -all"\n}\n'
        'resource "cloudflare_record" "mx" {\n  zone_id = cloudflare_zone.v4.id\n  name = "mail"\n  type = "MX"\n'
        '  content = "mx.example.com"\n  priority = 5\n}\n'
        'resource "cloudflare_dns_record" "dmarc" {\n  zone_id = cloudflare_zone.v5.id\n  name = "_dmarc.example.net"\n'
        '  type = "TXT"\n  content = "\\"v=DMARC1; \\" \\"p=reject\\""\n  ttl = 1\n}\n'
        f'resource "cloudflare_dns_record" "key" {{\n  zone_id = cloudflare_zone.v5.id\n  name = "s1._domainkey"\n'
        f'  type = "TXT"\n  content = "{KEY}"\n  ttl = 1\n}}\n'
    )
    found = facts(tmp_path, hcl)
    by_address = {f.prov.address: f for f in found}
    assert {f.name for f in found if isinstance(f, DnsZone)} == {"example.com", "example.net"}
    spf = by_address["cloudflare_record.spf"]
    assert isinstance(spf, DnsRecord) and spf.name == "example.com" and spf.values == ("v=spf1 -all",)
    mx = by_address["cloudflare_record.mx"]
    assert isinstance(mx, DnsRecord) and mx.name == "mail.example.com" and mx.values == ("5 mx.example.com",)
    dmarc = by_address["cloudflare_dns_record.dmarc"]
    assert isinstance(dmarc, DnsRecord)
    assert dmarc.values == ("v=DMARC1; p=reject",)
    assert dmarc.strings == (("v=DMARC1; ", "p=reject"),)
    key = by_address["cloudflare_dns_record.key"]
    assert isinstance(key, DnsRecord) and key.name == "s1._domainkey.example.net"
    assert all(len(s) <= 255 for s in key.strings[0])  # Cloudflare cuts long strings itself


# ---------------------------------------------------------------- Google Cloud DNS


def test_google_record_sets(tmp_path: Path) -> None:
    hcl = (
        'resource "google_dns_managed_zone" "z" {\n  name = "example-com"\n  dns_name = "example.com."\n}\n'
        'resource "google_dns_managed_zone" "p" {\n  name = "internal"\n  dns_name = "corp.example."\n'
        '  visibility = "private"\n}\n'
        'resource "google_dns_record_set" "txt" {\n  name = "example.com."\n  managed_zone = "example-com"\n'
        '  type = "TXT"\n  rrdatas = ["\\"v=spf1 \\" \\"-all\\"", "unquoted words"]\n}\n'
        'resource "google_dns_record_set" "mx" {\n  name = google_dns_managed_zone.z.dns_name\n'
        '  managed_zone = google_dns_managed_zone.z.name\n  type = "MX"\n  rrdatas = ["1 aspmx.l.google.com."]\n}\n'
    )
    found = facts(tmp_path, hcl)
    by_address = {f.prov.address: f for f in found}
    private = by_address["google_dns_managed_zone.p"]
    assert isinstance(private, DnsZone) and private.private
    txt = by_address["google_dns_record_set.txt"]
    assert isinstance(txt, DnsRecord)
    assert txt.zone == "google_dns_managed_zone.z"
    assert txt.values == ("v=spf1 -all", "unquotedwords")  # Cloud DNS splits unquoted text at spaces
    assert txt.strings == (("v=spf1 ", "-all"), ("unquoted", "words"))
    mx = by_address["google_dns_record_set.mx"]
    assert isinstance(mx, DnsRecord) and mx.name == "example.com" and mx.values == ("1 aspmx.l.google.com",)


# ---------------------------------------------------------------- MTA-STS policy objects


def test_policy_objects(tmp_path: Path) -> None:
    hcl = (
        'resource "aws_s3_bucket" "sts" {\n  bucket = "mta-sts.example.com"\n}\n'
        'resource "aws_s3_object" "policy" {\n  bucket = aws_s3_bucket.sts.id\n  key = "/.well-known/mta-sts.txt"\n'
        '  content = "version: STSv1\\nmode: enforce\\n"\n}\n'
        'resource "aws_s3_object" "other" {\n  bucket = aws_s3_bucket.sts.id\n  key = "index.html"\n'
        '  content = "hi"\n}\n'
        'resource "google_storage_bucket_object" "gcs" {\n  bucket = "static-site"\n'
        '  name = ".well-known/mta-sts.txt"\n  content = "version: STSv1\\n"\n}\n'
    )
    policies = {f.prov.address: f for f in facts(tmp_path, hcl) if isinstance(f, MtaStsPolicy)}
    assert set(policies) == {"aws_s3_object.policy", "google_storage_bucket_object.gcs"}
    assert policies["aws_s3_object.policy"].domain == "example.com"
    assert policies["aws_s3_object.policy"].text == "version: STSv1\nmode: enforce\n"
    unknown = policies["google_storage_bucket_object.gcs"].domain
    assert isinstance(unknown, Unknown) and "static-site" in unknown.reason
