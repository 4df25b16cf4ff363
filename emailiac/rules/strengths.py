"""Entra ID authentication strengths: which method combinations are multi-factor, which resist phishing.

A strength is a set of allowed combinations ("password,microsoftAuthenticatorPush", "fido2"). It requires
MFA when every combination is multi-factor, and is phishing-resistant when every combination is one of
Windows Hello for Business, FIDO2 or certificate-based multi-factor authentication.
"""

from __future__ import annotations

from dataclasses import dataclass

from emailiac.model import ConditionalAccessPolicy, Unknown

__all__ = [
    "BUILTIN_STRENGTHS",
    "PHISHING_RESISTANT_METHODS",
    "STRENGTH_ID_PREFIX",
    "Strength",
    "normalise_strength_id",
    "strength_of",
]

STRENGTH_ID_PREFIX = "/policies/authenticationStrengthPolicies/"

PHISHING_RESISTANT_METHODS = frozenset({"windowshelloforbusiness", "fido2", "x509certificatemultifactor"})
# Methods that are multi-factor on their own; any combination of two methods is multi-factor too.
_MULTIFACTOR_METHODS = PHISHING_RESISTANT_METHODS | {
    "devicebasedpush",
    "temporaryaccesspassonetime",
    "temporaryaccesspassmultiuse",
    "federatedmultifactor",
}


@dataclass(frozen=True)
class Strength:
    label: str  # how messages name it: "authentication strength 'Phishing-resistant MFA'"
    combinations: tuple[str, ...]

    @property
    def single_factor(self) -> tuple[str, ...]:
        return tuple(c for c in self.combinations if not _is_multifactor(c))

    @property
    def not_phishing_resistant(self) -> tuple[str, ...]:
        return tuple(c for c in self.combinations if _methods(c) - PHISHING_RESISTANT_METHODS)

    @property
    def is_mfa(self) -> bool:
        return bool(self.combinations) and not self.single_factor

    @property
    def is_phishing_resistant(self) -> bool:
        return bool(self.combinations) and not self.not_phishing_resistant


def _methods(combination: str) -> set[str]:
    return {m.strip().lower() for m in combination.split(",") if m.strip()}


def _is_multifactor(combination: str) -> bool:
    methods = _methods(combination)
    return len(methods) >= 2 or bool(methods & _MULTIFACTOR_METHODS)


_MFA = "00000000-0000-0000-0000-000000000002"
_PASSWORDLESS = "00000000-0000-0000-0000-000000000003"
_PHISHING_RESISTANT = "00000000-0000-0000-0000-000000000004"

BUILTIN_STRENGTHS: dict[str, Strength] = {
    _MFA: Strength(
        "authentication strength 'Multifactor authentication'",
        (
            "windowsHelloForBusiness",
            "fido2",
            "x509CertificateMultiFactor",
            "deviceBasedPush",
            "temporaryAccessPassOneTime",
            "temporaryAccessPassMultiUse",
            "password,microsoftAuthenticatorPush",
            "password,softwareOath",
            "password,hardwareOath",
            "password,sms",
            "password,voice",
            "federatedMultiFactor",
            "microsoftAuthenticatorPush,federatedSingleFactor",
            "softwareOath,federatedSingleFactor",
            "hardwareOath,federatedSingleFactor",
            "sms,federatedSingleFactor",
            "voice,federatedSingleFactor",
        ),
    ),
    _PASSWORDLESS: Strength(
        "authentication strength 'Passwordless MFA'",
        ("windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush"),
    ),
    _PHISHING_RESISTANT: Strength(
        "authentication strength 'Phishing-resistant MFA'",
        ("windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"),
    ),
}


def normalise_strength_id(value: str) -> str:
    """`/policies/authenticationStrengthPolicies/<id>` or a bare ID -> the lower-case ID."""
    text = value.strip()
    if text.lower().startswith(STRENGTH_ID_PREFIX.lower()):
        text = text[len(STRENGTH_ID_PREFIX) :]
    return text.lower()


def strength_of(policy: ConditionalAccessPolicy) -> Strength | Unknown | None:
    """The authentication strength a policy grants with, None when it names none."""
    combos = policy.strength_combinations
    sid = policy.strength_id
    if isinstance(combos, Unknown):
        return combos
    if combos is not None:
        return Strength(_label(sid), tuple(combos))
    if sid is None:
        return None
    if isinstance(sid, Unknown):
        return sid
    builtin = BUILTIN_STRENGTHS.get(normalise_strength_id(sid))
    if builtin is not None:
        return builtin
    return Unknown(f"authentication strength {sid} is not declared here, so its methods are not known")


def _label(sid: str | Unknown | None) -> str:
    if isinstance(sid, str):
        key = normalise_strength_id(sid)
        builtin = BUILTIN_STRENGTHS.get(key)
        return builtin.label if builtin is not None else f"authentication strength {key}"
    return "a custom authentication strength"
