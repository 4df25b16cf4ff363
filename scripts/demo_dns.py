"""See `emailiac scan --dns` work offline, on loopback.

Starts the demo mail world of fixtures/dns: an authoritative DNS server for a handful of `.example` domains
(zone files in fixtures/dns/zones), SMTP responders for their MX hosts, and an HTTPS server for their MTA-STS
policies, with a test CA made now. Prints the scan command (with the test-only environment that points the
probes at these servers), runs it once unless --no-scan, and serves until Ctrl-C.

    pip install -e '.[dns]'         # dnspython; cryptography comes with emailiac
    python scripts/demo_dns.py

The domains are seeded with what the scan looks for: an SPF chain over 10 look-ups, void look-ups, an include
loop, a subdomain that inherits a weak sp=none, a 1024-bit and a revoked DKIM key, MTA-STS in testing mode
with an MX host left out and a policy URL that redirects, and MX hosts with no STARTTLS, an expired, an
expiring and a wrong-name certificate, TLS 1.0 only, and one that never answers.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _world() -> Any:
    spec = importlib.util.spec_from_file_location(
        "emailiac_fixture_mailworld", ROOT / "fixtures" / "dns" / "mailworld.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit("fixtures/dns/mailworld.py is missing: run this from a checkout of the repository")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-scan", action="store_true", help="only start the servers and print the command")
    args = parser.parse_args()
    if importlib.util.find_spec("dns") is None:
        raise SystemExit("the demo needs dnspython: pip install -e '.[dns]'")
    mailworld = _world()
    world = mailworld.start()
    env = " ".join(f"{key}={shlex.quote(value)}" for key, value in sorted(world.env.items()))
    command = [
        "emailiac",
        "scan",
        "--nameserver",
        world.nameserver,
        "--dkim-selector",
        "old",
        "--dns-timeout",
        "2",
        "--dns",
        *mailworld.DOMAINS,
    ]
    print(f"DNS on {world.nameserver} (UDP and TCP), SMTP and HTTPS on 127.0.0.1; certificates in {world.directory}")
    print("Scan it with (the environment points the probes at the loopback servers; test use only):\n")
    print(f"  {env} \\\n    {shlex.join(command)}\n")
    try:
        if not args.no_scan:
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "emailiac", *command[1:]], env={**os.environ, **world.env}, check=False
            )
            print(f"\n(scan took {time.monotonic() - started:.1f} s, exit code {result.returncode})")
        print("Serving until Ctrl-C.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        world.stop()


if __name__ == "__main__":
    sys.exit(main())
