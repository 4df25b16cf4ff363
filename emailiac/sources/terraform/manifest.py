"""Modules as `terraform init` left them: `.terraform/modules/modules.json` maps each module call (by its
path of call names, `vpc` or `vpc.subnets`) to the folder the module was downloaded into.

Only folders inside the linted root are followed: the manifest is input like any other file, and a hostile
one must not make emailiac read elsewhere.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NOT_DOWNLOADED", "ModuleManifest", "call_path", "is_local_source", "read_manifest"]

MANIFEST = Path(".terraform") / "modules" / "modules.json"
NOT_DOWNLOADED = "not downloaded (run `terraform init` to let emailiac read it)"
_REGISTRY_HOST = "registry.terraform.io/"
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../"))


def call_path(address: str) -> str:
    """`module.a["x"].module.b` -> `a.b`: the manifest's key for a module instance's call."""
    plain = _INSTANCE_KEY.sub("", address)
    return ".".join(part for i, part in enumerate(plain.split(".")) if i % 2 == 1)


def _same_source(recorded: str, called: str) -> bool:
    """Whether the manifest's source is the one the call names (registry sources are recorded with their host)."""
    recorded, called = recorded.strip(), called.strip()
    return recorded == called or recorded.removeprefix(_REGISTRY_HOST) == called.removeprefix(_REGISTRY_HOST)


@dataclass(frozen=True)
class ModuleManifest:
    root: Path
    dirs: dict[str, tuple[str, str]]  # call path -> (source recorded, folder relative to the root)

    def folder(self, key: str, source: str) -> Path | str:
        """The downloaded folder of the call `key` naming `source`, or why there is none to read."""
        entry = self.dirs.get(key)
        if entry is None:
            return NOT_DOWNLOADED
        recorded, relative = entry
        if not _same_source(recorded, source):
            return f"`terraform init` downloaded {recorded!r} for it; run it again"
        folder = Path(os.path.normpath(self.root / relative))
        inside = os.path.realpath(folder)
        top = os.path.realpath(self.root)
        if os.path.commonpath([inside, top]) != top:
            return f"the downloaded folder {relative!r} lies outside the linted tree"
        if not folder.is_dir():
            return f"the downloaded folder {relative!r} is missing (run `terraform init`)"
        return folder


def read_manifest(root: Path) -> ModuleManifest | str | None:
    """The root's module manifest; None when there is none (no `terraform init`); a reason when unreadable."""
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        return f"{path}: cannot read the module manifest ({exc})"
    modules = doc.get("Modules") if isinstance(doc, dict) else None
    if not isinstance(modules, list):
        return f"{path}: not a Terraform module manifest"
    dirs: dict[str, tuple[str, str]] = {}
    for entry in modules:
        if not isinstance(entry, dict):
            continue
        key, source, folder = entry.get("Key"), entry.get("Source"), entry.get("Dir")
        if isinstance(key, str) and key and isinstance(source, str) and isinstance(folder, str):
            dirs[key] = (source, folder)
    return ModuleManifest(root, dirs)
