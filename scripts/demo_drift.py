"""See `emailiac drift` work end to end without any account.

The bundled demo (fixtures/drift) is a Terraform tree for an AWS account, an Entra ID tenant and two mail
domains, and a saved live inventory of the same estate (what `scan --aws --m365 --dns --save-inventory`
would have written) in which things were changed by hand: a configuration set no longer requires TLS, a
DMARC policy went back to p=none, an MFA policy is report-only, SSH is open to the world, a role was handed
out outside Terraform... This script writes the drift report as HTML, JSON and Markdown, then the
Terraform that adopts the unmanaged objects, into a folder of your choice:

    python scripts/demo_drift.py [OUT_DIR]        # default: ./emailiac-drift-demo
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "drift"


def _emailiac(*args: str) -> int:
    return subprocess.call([sys.executable, "-m", "emailiac", *args], cwd=ROOT)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "emailiac-drift-demo").resolve()
    tree = out / "terraform"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(DEMO / "terraform", tree)
    live = str(DEMO / "live.json")
    baseline = str(tree / "baseline.yaml")
    common = [str(tree), "--live", live, "-b", baseline]
    _emailiac("drift", *common)
    _emailiac(
        "drift",
        *common,
        "-f",
        "html",
        "-o",
        str(out / "drift.html"),
        "-f",
        "json",
        "-o",
        str(out / "drift.json"),
        "-f",
        "markdown",
        "-o",
        str(out / "drift.md"),
    )
    print(f"\nwrote {out / 'drift.html'} (open it in a browser), drift.json and drift.md\n")
    _emailiac("fix", "--from-drift", str(out / "drift.json"), "-b", baseline, "--write")
    print(f"\n{tree / 'emailiac_drift.tf'} adopts the unmanaged objects; the drift report after the fix:\n")
    return _emailiac("drift", *common)


if __name__ == "__main__":
    raise SystemExit(main())
