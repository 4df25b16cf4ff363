"""Time `emailiac scan --dns` over N generated domains with their MX hosts, all served on loopback.

Each domain gets an SPF record with a nested include, DMARC, a 2048-bit DKIM key, MTA-STS (record and policy
over HTTPS), TLS-RPT and an MX host that offers STARTTLS with a certificate from a test CA; the scan looks up
every name, fetches every policy and probes every MX host (three TLS sessions each).

    python benchmarks/dns_scan.py [--domains 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _mailworld() -> Any:
    spec = importlib.util.spec_from_file_location(
        "emailiac_fixture_mailworld", ROOT / "fixtures" / "dns" / "mailworld.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _zone(domain: str, key: str) -> str:
    strings = " ".join(f'"{key[i : i + 250]}"' for i in range(0, len(key), 250))
    return f"""$ORIGIN {domain}.
$TTL 300
@               SOA   ns.{domain}. hostmaster.{domain}. 1 3600 600 86400 300
@               NS    ns.{domain}.
ns              A     127.0.0.1
@               MX    10 mx.{domain}.
@               TXT   "v=spf1 mx include:_spf.{domain} -all"
_spf            TXT   "v=spf1 ip4:192.0.2.0/24 include:_spf2.{domain} -all"
_spf2           TXT   "v=spf1 ip4:198.51.100.0/24 -all"
_dmarc          TXT   "v=DMARC1; p=reject; rua=mailto:dmarc@{domain}"
selector1._domainkey TXT {strings}
_mta-sts        TXT   "v=STSv1; id=1"
mta-sts         A     127.0.0.1
_smtp._tls      TXT   "v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"
mx              A     127.0.0.1
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    world = _mailworld()
    work = Path(tempfile.mkdtemp(prefix="emailiac-dns-bench-"))
    zones = work / "zones"
    zones.mkdir()
    key = (ROOT / "fixtures" / "dkim" / "rsa2048.txt").read_text().strip()
    domains = [f"bench-{i:03d}.example" for i in range(args.domains)]
    for domain in domains:
        (zones / f"{domain}.zone").write_text(_zone(domain, key))
        world.POLICIES[f"mta-sts.{domain}"] = f"version: STSv1\nmode: enforce\nmx: mx.{domain}\nmax_age: 1209600\n"
    dns = world.dnsserver.DnsServer(world.dnsserver.Zones(zones)).start()
    ca = world.TestCa(work)
    smtp = world.SmtpResponder("mx.bench.example", ca.server_context("mx", [f"mx.{d}" for d in domains], 90))
    https = ThreadingHTTPServer(("127.0.0.1", 0), world._PolicyHandler)
    https.requests = []  # type: ignore[attr-defined]
    https.socket = ca.server_context("mta-sts", [f"mta-sts.{d}" for d in domains], 90).wrap_socket(
        https.socket, server_side=True
    )
    for server in (smtp, https):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "EMAILIAC_SMTP_PORT_MAP": ",".join(f"mx.{d}={smtp.server_address[1]}" for d in domains),
        "EMAILIAC_MTASTS_PORT": str(https.server_address[1]),
        "EMAILIAC_CA_BUNDLE": str(ca.bundle),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "emailiac", "scan", "--nameserver", dns.nameserver, "--dns", *domains]
    times = []
    for _ in range(args.runs):
        started = time.monotonic()
        done = subprocess.run([*command, "-f", "json"], env=env, capture_output=True, text=True, check=False)
        times.append(time.monotonic() - started)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:])
            return 1
    queries = len(dns.log)
    print(
        f"{args.domains} domains, {args.domains} MX hosts: {statistics.median(times):.2f} s median of {args.runs} "
        f"runs ({', '.join(f'{t:.2f}' for t in times)}); {queries // args.runs} DNS queries a run"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
