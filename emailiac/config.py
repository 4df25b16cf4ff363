"""Project configuration: `.emailiac.yaml` or `[tool.emailiac]` in pyproject.toml. Command-line flags win."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["Config", "ConfigError", "find_config", "load_config"]


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    baseline: str = "default"
    fail_on: str = "low"
    skip: tuple[str, ...] = ()  # rule IDs
    select: tuple[str, ...] = ()  # rule IDs; empty = all
    exclude: tuple[str, ...] = ()  # path globs
    var_files: tuple[str, ...] = ()
    allow_partial: bool = False
    origin: str | None = field(default=None, compare=False)


_KEYS = {f.name for f in fields(Config)} - {"origin"}


def _from_mapping(data: Any, origin: str) -> Config:
    if data is None:
        return Config(origin=origin)
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the configuration must be a mapping")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in _KEYS:
            raise ConfigError(f"{origin}: unknown setting {key!r} (known: {', '.join(sorted(_KEYS))})")
        default = getattr(Config(), name)
        if isinstance(default, tuple):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: {key} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{origin}: {key} must be true or false")
        elif not isinstance(value, str):
            raise ConfigError(f"{origin}: {key} must be a string")
        kwargs[name] = value
    # Paths in the file are relative to the file, wherever emailiac runs from.
    base = Path(origin).parent
    if "baseline" in kwargs and kwargs["baseline"].endswith((".yaml", ".yml")):
        kwargs["baseline"] = str(base / kwargs["baseline"])
    if "var_files" in kwargs:
        kwargs["var_files"] = tuple(str(base / name) for name in kwargs["var_files"])
    return Config(origin=origin, **kwargs)


def find_config(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / ".emailiac.yaml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.emailiac]" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
        if (directory / ".git").exists():
            break
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(text).get("tool", {}).get("emailiac")
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        return _from_mapping(data, str(path))
    import yaml  # only when there is a YAML file to read

    from emailiac.yamlsafe import safe_load

    try:
        return _from_mapping(safe_load(text), str(path))
    except RecursionError:
        raise ConfigError(f"{path}: not valid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
