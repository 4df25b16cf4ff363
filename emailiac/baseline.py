"""Baselines: the thresholds rules judge against. Built-in profiles and user YAML, validated by JSON Schema.

The YAML is validated against `schemas/baseline.schema.json`, then read into the typed `Baseline` below
(one typed model; a test checks the schema and the model agree).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from emailiac.resources import resource_path

__all__ = [
    "BUILTIN_PROFILES",
    "Baseline",
    "BaselineError",
    "load_baseline",
]

BUILTIN_PROFILES = ("default", "scuba", "hipaa")
_PROFILE_DIR = Path(__file__).parent / "baselines"

# The eight highly privileged Entra ID role templates named by CISA SCuBA (MS.AAD.7.1v1 and following).
HIGHLY_PRIVILEGED_ROLES = (
    "62e90394-69f5-4237-9190-012177145e10",  # Global Administrator
    "e8611ab8-c189-46e8-94e1-60213ab1f814",  # Privileged Role Administrator
    "fe930be7-5e62-47db-91af-98c3a49a38b1",  # User Administrator
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",  # SharePoint Administrator
    "29232cdf-9323-42fd-ade2-1d097af3e4de",  # Exchange Administrator
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",  # Hybrid Identity Administrator
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",  # Application Administrator
    "158c047a-c907-4556-b7ef-446551a6b5f7",  # Cloud Application Administrator
)
GLOBAL_ADMINISTRATOR = HIGHLY_PRIVILEGED_ROLES[0]


class BaselineError(Exception):
    """A baseline that cannot be used; the message names the file and the YAML path."""


@dataclass(frozen=True)
class SpfBaseline:
    all_qualifier: str = "-"  # weakest acceptable `all`: "-" or "~"
    max_lookups: int = 10
    max_void_lookups: int = 2


@dataclass(frozen=True)
class DmarcBaseline:
    policy: str = "reject"  # weakest acceptable p=
    subdomain_policy: str = "reject"
    min_pct: int = 100
    required_rua: tuple[str, ...] = ()


@dataclass(frozen=True)
class DkimBaseline:
    min_key_bits: int = 2048


@dataclass(frozen=True)
class MtaStsBaseline:
    mode: str = "enforce"
    min_max_age: int = 604800  # one week


@dataclass(frozen=True)
class TlsBaseline:
    ssl_policies: tuple[str, ...] = (
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    )
    mail_ports: tuple[int, ...] = (25, 465, 587, 993, 995, 110, 143, 443, 80)
    cert_min_days: int = 14


@dataclass(frozen=True)
class NetworkBaseline:
    admin_ports: tuple[int, ...] = (22, 3389)
    plaintext_mail_ports: tuple[int, ...] = (110, 143)
    allowed_world_ports: tuple[int, ...] = (25, 465, 587, 993, 995, 443)
    admin_cidrs: tuple[str, ...] = ()
    max_private_prefix: int = 16  # a private source broader than /16 is not segmentation


@dataclass(frozen=True)
class IdentityBaseline:
    break_glass_users: tuple[str, ...] = ()
    break_glass_groups: tuple[str, ...] = ()
    privileged_roles: tuple[str, ...] = HIGHLY_PRIVILEGED_ROLES
    global_admin_min: int = 2
    global_admin_max: int = 8
    strict_scope: bool = True  # narrowed policies (risk, location, platform, device filter) do not count


@dataclass(frozen=True)
class AwsPasswordBaseline:
    min_length: int = 14
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    reuse_prevention: int = 24
    max_age_days: int = 90


@dataclass(frozen=True)
class PasswordBaseline:
    aws: AwsPasswordBaseline = field(default_factory=AwsPasswordBaseline)
    # M365 managed domains: None = passwords never expire (SCuBA MS.AAD.6.1v1); a number demands that rotation.
    m365_validity_days: int | None = None


@dataclass(frozen=True)
class LoggingBaseline:
    entra_categories: tuple[str, ...] = ("SignInLogs", "AuditLogs")


@dataclass(frozen=True)
class TerraformBaseline:
    # Categories the Terraform tree speaks for as a whole: aws_account, m365_tenant.
    authoritative: tuple[str, ...] = ()


@dataclass(frozen=True)
class RulesBaseline:
    disabled: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity override


@dataclass(frozen=True)
class Baseline:
    name: str = "default"
    description: str = ""
    mail_domains: tuple[str, ...] = ()
    spf: SpfBaseline = field(default_factory=SpfBaseline)
    dmarc: DmarcBaseline = field(default_factory=DmarcBaseline)
    dkim: DkimBaseline = field(default_factory=DkimBaseline)
    mta_sts: MtaStsBaseline = field(default_factory=MtaStsBaseline)
    tls: TlsBaseline = field(default_factory=TlsBaseline)
    network: NetworkBaseline = field(default_factory=NetworkBaseline)
    identity: IdentityBaseline = field(default_factory=IdentityBaseline)
    passwords: PasswordBaseline = field(default_factory=PasswordBaseline)
    logging: LoggingBaseline = field(default_factory=LoggingBaseline)
    terraform: TerraformBaseline = field(default_factory=TerraformBaseline)
    rules: RulesBaseline = field(default_factory=RulesBaseline)

    def is_authoritative(self, category: str) -> bool:
        return category in self.terraform.authoritative


def _build(cls: type[Any], data: dict[str, Any]) -> Any:
    """Typed dataclass from validated YAML: lists become tuples, nested sections recurse."""
    kwargs: dict[str, Any] = {}
    defaults = cls()
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        current = getattr(defaults, f.name)
        if hasattr(current, "__dataclass_fields__"):
            value = _build(type(current), value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def _schema() -> dict[str, Any]:
    with resource_path("schemas", "baseline.schema.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _yaml_path(path: Any) -> str:
    parts = [str(p) for p in path]
    return ".".join(parts) if parts else "(top level)"


def validate_baseline_data(data: object, origin: str) -> list[str]:
    """Schema violations, each as `origin: yaml.path: message`."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{origin}: {_yaml_path(e.absolute_path)}: {e.message}" for e in errors]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> Any:
    import yaml  # only when a profile is not in the cache, or for a baseline file

    from emailiac.yamlsafe import safe_load

    try:
        return safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: baseline is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise BaselineError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def load_baseline_data(name_or_path: str) -> dict[str, Any]:
    """The validated YAML of a profile or file; a file may `extends:` a profile (default: `default`)."""
    if name_or_path in BUILTIN_PROFILES:
        path = _PROFILE_DIR / f"{name_or_path}.yaml"
    else:
        path = Path(name_or_path)
        if not path.is_file():
            known = ", ".join(BUILTIN_PROFILES)
            raise BaselineError(f"{name_or_path}: no such baseline file or built-in profile ({known})")
    raw = _read_yaml(path)
    if raw is None and path.parent != _PROFILE_DIR:
        raw = {}  # an empty file is the default profile under the file's name
    # Built-in profiles are validated by the test suite; validating them here would load jsonschema
    # (a tenth of a second) on every run.
    problems = [] if path.parent == _PROFILE_DIR else validate_baseline_data(raw, str(path))
    if problems:
        raise BaselineError("\n".join(problems))
    data: dict[str, Any] = dict(raw)
    if path.parent == _PROFILE_DIR:
        parent = data.pop("extends", None)
    else:
        # A user file needs neither: it is named after its file and extends `default` (always a built-in
        # profile, so a file called default.yaml or `name: default` still starts from the default profile).
        parent = data.pop("extends", "default")
        data.setdefault("name", path.stem)
    if parent:
        data = _merge(load_baseline_data(parent), data)
    return data


def load_baseline(name_or_path: str = "default") -> Baseline:
    if name_or_path in BUILTIN_PROFILES:
        return _builtin(name_or_path)
    data = load_baseline_data(name_or_path)
    baseline: Baseline = _build(Baseline, data)
    return baseline


_MAGIC = b"emailiac-baseline-1\n"


def _builtin(name: str) -> Baseline:
    """A built-in profile, kept built in the cache folder (reading YAML costs a tenth of a pre-commit lint),
    keyed by every profile's text and this module's code."""
    from emailiac.cachestore import EntryStore, default_cache_dir

    digest = hashlib.sha256(name.encode() + b"\0" + Path(__file__).read_bytes())
    for profile in BUILTIN_PROFILES:
        digest.update((_PROFILE_DIR / f"{profile}.yaml").read_bytes())
    store = EntryStore(default_cache_dir() / "baselines", _MAGIC)
    return store.built(digest.hexdigest(), Baseline, lambda: _build(Baseline, load_baseline_data(name)))
