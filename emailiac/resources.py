"""Files that ship with emailiac: JSON schemas and fix templates.

In an installed wheel they live in `emailiac/_data/`; in a source checkout, at the repository root.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_path"]

_PACKAGE = Path(__file__).resolve().parent


def resource_path(kind: str, name: str) -> Path:
    """Path of `schemas/NAME` or `templates/NAME`."""
    for root in (_PACKAGE / "_data", _PACKAGE.parent):
        candidate = root / kind / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"emailiac is missing its {kind}/{name}; reinstall the package")
