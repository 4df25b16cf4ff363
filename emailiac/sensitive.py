"""Sensitive values, marked as Terraform marks them: a string from a `sensitive` variable or output, or
computed from one (`upper(var.key)`, `"p=${var.key}"`), is a `SecretStr`. It behaves as the string it is, so
adapters and rules work unchanged; the evaluator keeps the mark on everything derived from it, and every
marked value is kept out of reports, caches and written fixes."""

from __future__ import annotations

from typing import Any

__all__ = ["SecretStr", "has_secret", "mark", "secret_strings", "unmark"]


class SecretStr(str):
    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (SecretStr, (str(self),))


def has_secret(value: Any) -> bool:
    if isinstance(value, SecretStr):
        return True
    if isinstance(value, (list, tuple)):
        return any(has_secret(v) for v in value)
    if isinstance(value, dict):
        return any(has_secret(v) for v in value.values())
    return False


def mark(value: Any) -> Any:
    """The value with every string inside it marked sensitive."""
    if isinstance(value, SecretStr):
        return value
    if isinstance(value, str):
        return SecretStr(value)
    if isinstance(value, list):
        return [mark(v) for v in value]
    if isinstance(value, dict) and type(value) is dict:
        return {k: mark(v) for k, v in value.items()}
    return value


def unmark(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return str(value)
    if isinstance(value, list):
        return [unmark(v) for v in value]
    if isinstance(value, dict) and type(value) is dict:
        return {k: unmark(v) for k, v in value.items()}
    return value


def secret_strings(value: Any, into: set[str]) -> None:
    """Add every marked string inside `value` to `into`."""
    if isinstance(value, SecretStr):
        into.add(str(value))
    elif isinstance(value, (list, tuple)):
        for item in value:
            secret_strings(item, into)
    elif isinstance(value, dict):
        for item in value.values():
            secret_strings(item, into)
