"""Facts: the provider-neutral inventory every source produces and every rule reads.

A fact is a small frozen dataclass. Each carries its provenance (where it was seen). A field whose value
could not be determined holds an `Unknown` with the reason, so a rule can say *why* it could not judge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = [
    "AWS_REGION_CATEGORY",
    "FACT_TYPES",
    "AuditTrail",
    "ConditionalAccessPolicy",
    "DirectoryDomain",
    "DnsLookups",
    "DnsRecord",
    "DnsZone",
    "Fact",
    "FirewallRule",
    "Gap",
    "IamPolicy",
    "Inventory",
    "ListenerTls",
    "LogExport",
    "MailDomain",
    "MtaStsPolicy",
    "MxTls",
    "PasswordPolicy",
    "Provenance",
    "ReceiptRule",
    "RoleAssignment",
    "RootAccount",
    "SecurityDefaults",
    "SesConfigSet",
    "SesDkim",
    "SesEventDestination",
    "SesIdentity",
    "SesIdentityPolicy",
    "SesMailFrom",
    "ThreatDetection",
    "Unknown",
    "is_known",
]


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that could not be resolved.

    `refs` names what it depends on (`aws_ses_domain_dkim.main.dkim_tokens`); `pattern` is the text with `*`
    for each unknown part when the value is a partly known string (`*._domainkey.example.com`).
    """

    reason: str
    refs: tuple[str, ...] = ()
    pattern: str | None = None

    def __bool__(self) -> bool:
        # An unknown must never be read as true or false: that is how a false "pass" happens.
        raise TypeError(f"unknown value used as a boolean ({self.reason})")

    def __reduce__(self) -> tuple[type, tuple[str, tuple[str, ...], str | None]]:
        # The dataclass default pickles through __setstate__ and fields(), slow for cached loads.
        return (Unknown, (self.reason, self.refs, self.pattern))


def is_known(value: object) -> bool:
    """True when the value, and everything inside it, is resolved."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_known(v) for v in value)
    if isinstance(value, Mapping):
        return all(is_known(v) for v in value.values())
    return True


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact was seen: a Terraform block or a live object."""

    source: str  # terraform | aws | m365 | dns
    address: str  # Terraform address (module.mail.aws_route53_record.spf) or live URI (aws://us-east-1/...)
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    import_id: str | None = None  # the id `terraform import` takes, for live objects
    region: str | None = None
    # The root module (or input file) the subject belongs to, set when one run judges several: the same
    # address in two roots is two subjects.
    root: str | None = None
    # For a resource inside a module: the `module` block in the root module that calls it ("file:line").
    call: str | None = None
    # Why the object may not be created at all (a count or for_each that is not known): one instance is
    # judged, but what it proves by existing (a record is published) is not known.
    maybe_absent: str | None = None

    def __reduce__(self) -> tuple[type, tuple[str | int | None, ...]]:
        # Cached results hold many; the slotted-dataclass default pickles far slower.
        return (
            Provenance,
            (
                self.source,
                self.address,
                self.file,
                self.line,
                self.end_line,
                self.import_id,
                self.region,
                self.root,
                self.call,
                self.maybe_absent,
            ),
        )


# ---------------------------------------------------------------- DNS and mail domains


@dataclass(frozen=True, slots=True)
class DnsZone:
    prov: Provenance
    name: str | Unknown  # lowercase, no trailing dot
    provider: str  # route53 | azure | cloudflare | google | live
    key: str  # identity other facts use to point at the zone (Terraform address or live zone id)
    private: bool = False


@dataclass(frozen=True, slots=True)
class DnsRecord:
    prov: Provenance
    name: str | Unknown  # fully qualified, lowercase, no trailing dot
    type: str  # TXT, MX, CNAME, A...
    # One entry per record value. TXT values are the joined text; `strings` keeps their character-strings.
    values: tuple[str | Unknown, ...] | Unknown
    zone: str | None = None  # DnsZone.key when known
    strings: tuple[tuple[str, ...], ...] = ()
    ttl: int | Unknown | None = None


@dataclass(frozen=True, slots=True)
class DnsLookups:
    """The names a live DNS scan looked up: where the inventory holds no record of such a name, it has none
    (NXDOMAIN or no data), unless a `Gap` names it (the look-up failed). Other names it does not speak for."""

    prov: Provenance
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MailDomain:
    """A domain declared as a mail domain by a source (M365 accepted domain, baseline list)."""

    prov: Provenance
    name: str
    origin: str


@dataclass(frozen=True, slots=True)
class MtaStsPolicy:
    """An MTA-STS policy file (RFC 8461) whose text the source can read, e.g. an object uploaded for
    https://mta-sts.<domain>/.well-known/mta-sts.txt."""

    prov: Provenance
    domain: str | Unknown  # the policy domain (lowercase, no trailing dot)
    text: str | Unknown
    # Live: why senders cannot use the policy (HTTP 404, not text/plain, a redirect, a bad certificate...).
    error: str | None = None


# ---------------------------------------------------------------- Amazon SES


@dataclass(frozen=True, slots=True)
class SesIdentity:
    prov: Provenance
    identity: str | Unknown  # domain or address
    kind: str  # domain | email


@dataclass(frozen=True, slots=True)
class SesDkim:
    prov: Provenance
    identity: str | Unknown
    enabled: bool | Unknown
    status: str | Unknown | None = None  # SUCCESS, PENDING, FAILED... (live only)
    origin: str = "AWS_SES"  # AWS_SES (Easy DKIM), EXTERNAL (BYODKIM)
    key_length: str | Unknown | None = None  # RSA_1024_BIT | RSA_2048_BIT
    next_key_length: str | Unknown | None = None
    tokens: tuple[str, ...] | Unknown | None = None  # Easy-DKIM tokens; Unknown in Terraform (known after apply)


@dataclass(frozen=True, slots=True)
class SesMailFrom:
    prov: Provenance
    identity: str | Unknown
    domain: str | Unknown | None
    behavior_on_mx_failure: str | Unknown | None  # UseDefaultValue | RejectMessage (normalised spelling)


@dataclass(frozen=True, slots=True)
class SesIdentityPolicy:
    prov: Provenance
    identity: str | Unknown
    name: str | Unknown
    document: Mapping[str, Any] | Unknown


@dataclass(frozen=True, slots=True)
class SesConfigSet:
    prov: Provenance
    name: str | Unknown
    tls_policy: str | Unknown | None  # REQUIRE | OPTIONAL (normalised to upper case); None: not set


@dataclass(frozen=True, slots=True)
class SesEventDestination:
    prov: Provenance
    config_set: str | Unknown
    name: str | Unknown
    enabled: bool | Unknown
    event_types: tuple[str, ...] | Unknown
    destination: str  # cloudwatch | firehose | sns | eventbridge | pinpoint


@dataclass(frozen=True, slots=True)
class ReceiptRule:
    prov: Provenance
    name: str | Unknown
    rule_set: str | Unknown
    enabled: bool | Unknown
    scan_enabled: bool | Unknown | None
    tls_policy: str | Unknown | None  # REQUIRE | OPTIONAL


# ---------------------------------------------------------------- Network and TLS


@dataclass(frozen=True, slots=True)
class FirewallRule:
    """One allow/deny rule of a security group, NSG or firewall, for one direction."""

    prov: Provenance
    group: str  # the security group / NSG / firewall it belongs to
    direction: str  # ingress | egress
    action: str  # allow | deny
    protocol: str | Unknown  # tcp | udp | icmp | all | <number>
    ports: tuple[tuple[int, int], ...] | Unknown  # inclusive ranges; ((0, 65535),) for every port
    sources: tuple[str | Unknown, ...] | Unknown  # CIDRs, "*", "Internet", "Any", prefix lists, group refs
    description: str | Unknown | None
    self_ref: bool = False
    priority: int | None = None
    rule_key: str = ""  # distinguishes inline rules of one group (ingress[0]) for identity and fixes
    # Set when the group's id or name is not known (a variable, an unread module's output): `group` then
    # only names it for messages, and the rule is not known to share a group with any other.
    group_unknown: Unknown | None = None


@dataclass(frozen=True, slots=True)
class ListenerTls:
    prov: Provenance
    load_balancer: str | Unknown
    protocol: str | Unknown  # HTTPS, TLS, HTTP, TCP...
    port: int | Unknown
    ssl_policy: str | Unknown | None
    # A plaintext listener whose every default action redirects to HTTPS serves nothing in the clear.
    redirects_to_https: bool | Unknown = False


@dataclass(frozen=True, slots=True)
class MxTls:
    """What an MX host showed a sender on port 25 (live DNS scans): STARTTLS, TLS versions, its certificate.

    `error` says why the host could not be probed (no address, refused, timed out); the other fields are then
    None. `checked` is when (ISO 8601, UTC): certificate expiry is judged against it, also when re-linted later.
    """

    prov: Provenance
    host: str
    domains: tuple[str, ...]  # the mail domains it is an MX host of
    checked: str
    address: str | None = None
    error: str | None = None
    starttls: bool | None = None
    tls_version: str | None = None  # negotiated when TLS 1.2 or later was required; None: no such handshake
    handshake_error: str | None = None
    legacy_versions: tuple[str, ...] | Unknown = ()  # TLSv1 / TLSv1.1 when the host still accepts them
    cert_names: tuple[str, ...] = ()  # DNS names of the certificate (subjectAltName, else the common name)
    cert_not_after: str | None = None  # ISO 8601, UTC
    verify_error: str | None = None  # the chain does not verify against the trusted CAs (None: it does)


@dataclass(frozen=True, slots=True)
class ThreatDetection:
    prov: Provenance
    service: str  # guardduty
    enabled: bool | Unknown
    region: str | None = None


# ---------------------------------------------------------------- Identity


@dataclass(frozen=True, slots=True)
class ConditionalAccessPolicy:
    prov: Provenance
    policy_id: str | Unknown | None
    display_name: str | Unknown
    state: str | Unknown  # enabled | disabled | enabledForReportingButNotEnforced
    include_users: tuple[str, ...] | Unknown = ()
    # Exclusions keep their known members beside unknown ones: one known unapproved exclusion is enough.
    exclude_users: tuple[str | Unknown, ...] | Unknown = ()
    include_groups: tuple[str, ...] | Unknown = ()
    exclude_groups: tuple[str | Unknown, ...] | Unknown = ()
    include_roles: tuple[str, ...] | Unknown = ()
    exclude_roles: tuple[str, ...] | Unknown = ()
    include_guests: bool | Unknown = False
    exclude_guests: bool | Unknown = False
    include_apps: tuple[str, ...] | Unknown = ()
    exclude_apps: tuple[str, ...] | Unknown = ()
    client_app_types: tuple[str, ...] | Unknown = ()
    built_in_controls: tuple[str, ...] | Unknown = ()
    operator: str | Unknown | None = None  # AND | OR
    strength_id: str | Unknown | None = None
    strength_combinations: tuple[str, ...] | Unknown | None = None
    # Narrowing conditions (SCuBA accepts them; a strict baseline does not).
    has_locations: bool | Unknown = False
    has_platforms: bool | Unknown = False
    has_risk_levels: bool | Unknown = False
    has_device_filter: bool | Unknown = False


@dataclass(frozen=True, slots=True)
class SecurityDefaults:
    prov: Provenance
    enabled: bool | Unknown


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    prov: Provenance
    role_template_id: str | Unknown
    principal: str | Unknown
    principal_kind: str | Unknown  # user | group | servicePrincipal | unknown
    permanent: bool | Unknown
    user_type: str | Unknown | None = None  # Member | Guest (live)
    on_premises_synced: bool | Unknown | None = None
    role_name: str | Unknown | None = None  # display name, when the role is named rather than given by ID


@dataclass(frozen=True, slots=True)
class IamPolicy:
    prov: Provenance
    name: str | Unknown
    document: Mapping[str, Any] | Unknown
    attached: bool | Unknown  # attached to a user, group or role (inline policies always are)
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    prov: Provenance
    min_length: int | Unknown | None
    require_uppercase: bool | Unknown | None
    require_lowercase: bool | Unknown | None
    require_numbers: bool | Unknown | None
    require_symbols: bool | Unknown | None
    reuse_prevention: int | Unknown | None
    max_age_days: int | Unknown | None


@dataclass(frozen=True, slots=True)
class RootAccount:
    prov: Provenance
    mfa_enabled: bool | Unknown


@dataclass(frozen=True, slots=True)
class DirectoryDomain:
    prov: Provenance
    name: str
    authentication: str | Unknown  # Managed | Federated
    password_validity_days: int | Unknown | None  # 2147483647 = never expires
    services: tuple[str, ...] = ()


# ---------------------------------------------------------------- Logging


@dataclass(frozen=True, slots=True)
class AuditTrail:
    prov: Provenance
    name: str | Unknown
    multi_region: bool | Unknown
    log_validation: bool | Unknown
    logging: bool | Unknown


@dataclass(frozen=True, slots=True)
class LogExport:
    """An export of directory logs (Entra ID sign-in and audit logs) to a store or SIEM."""

    prov: Provenance
    name: str | Unknown
    categories: tuple[str, ...] | Unknown


Fact = (
    DnsZone
    | DnsRecord
    | DnsLookups
    | MailDomain
    | MtaStsPolicy
    | SesIdentity
    | SesDkim
    | SesMailFrom
    | SesIdentityPolicy
    | SesConfigSet
    | SesEventDestination
    | ReceiptRule
    | FirewallRule
    | ListenerTls
    | MxTls
    | ThreatDetection
    | ConditionalAccessPolicy
    | SecurityDefaults
    | RoleAssignment
    | IamPolicy
    | PasswordPolicy
    | RootAccount
    | DirectoryDomain
    | AuditTrail
    | LogExport
)

FACT_TYPES: dict[str, type[Any]] = {
    t.__name__: t
    for t in (
        DnsZone,
        DnsRecord,
        DnsLookups,
        MailDomain,
        MtaStsPolicy,
        SesIdentity,
        SesDkim,
        SesMailFrom,
        SesIdentityPolicy,
        SesConfigSet,
        SesEventDestination,
        ReceiptRule,
        FirewallRule,
        ListenerTls,
        MxTls,
        ThreatDetection,
        ConditionalAccessPolicy,
        SecurityDefaults,
        RoleAssignment,
        IamPolicy,
        PasswordPolicy,
        RootAccount,
        DirectoryDomain,
        AuditTrail,
        LogExport,
    )
}

F = TypeVar("F")


@dataclass(frozen=True, slots=True)
class Gap:
    """Something a source could not collect: the facts of `fact_type` in `scope` are incomplete."""

    fact_type: str  # a FACT_TYPES name
    scope: str  # region, tenant, or "" for everywhere
    reason: str  # "AccessDenied: missing iam:GetAccountPasswordPolicy"


@dataclass(frozen=True, slots=True)
class Note:
    """Something a source saw but could not evaluate (a remote module, an unknown count)."""

    address: str
    reason: str
    file: str | None = None
    line: int | None = None


AWS_REGION_CATEGORY = "aws_region:"


@dataclass
class Inventory:
    """Everything the sources collected, plus what they could not."""

    facts: list[Fact] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    # Categories this inventory speaks for as a whole, so absence means "missing":
    # aws_account, m365_tenant (live scans; Terraform only through the baseline), and each scanned AWS
    # region as `aws_region:<name>` (a regional service absent there is absent).
    authoritative: set[str] = field(default_factory=set)
    gaps: list[Gap] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    _by_type: dict[type, list[Any]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _indexed_len: int = field(default=-1, init=False, repr=False, compare=False)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo_len: int = field(default=-1, init=False, repr=False, compare=False)

    def of(self, kind: type[F]) -> Iterator[F]:
        # Rules ask for one fact type at a time, many times over; index the facts by type once.
        if self._indexed_len != len(self.facts):
            self._by_type = {}
            for fact in self.facts:
                self._by_type.setdefault(type(fact), []).append(fact)
            self._indexed_len = len(self.facts)
        if kind in self._by_type or kind in FACT_TYPES.values():
            return iter(self._by_type.get(kind, []))
        return (f for f in self.facts if isinstance(f, kind))

    def memo(self, key: str, build: Callable[[Inventory], F]) -> F:
        """A value derived from the facts (an index, the mail domains), built once and shared by every rule
        that asks; it is rebuilt when facts are added."""
        if self._memo_len != len(self.facts):
            self._memo = {}
            self._memo_len = len(self.facts)
        if key not in self._memo:
            self._memo[key] = build(self)
        value: F = self._memo[key]
        return value

    def gap(self, kind: type[Any], scope: str = "") -> Gap | None:
        name = kind.__name__
        for g in self.gaps:
            if g.fact_type == name and (not g.scope or not scope or g.scope == scope):
                return g
        return None

    def extend(self, other: Inventory) -> None:
        self.facts.extend(other.facts)
        self.sources |= other.sources
        self.authoritative |= other.authoritative
        self.gaps.extend(other.gaps)
        self.notes.extend(other.notes)
