"""The same zones served by a real authoritative server, nsd (which .ci/run installs), give the same facts
as the in-process server: UDP with TCP after truncation, CNAME chains, NXDOMAIN against NODATA."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emailiac.model import DnsLookups, DnsRecord, Inventory
from emailiac.sources.dns.collector import DnsScan, collect_dns
from emailiac.sources.dns.resolver import LiveResolver

NSD = shutil.which("nsd") or ("/usr/sbin/nsd" if Path("/usr/sbin/nsd").exists() else None)
ZONES = Path(__file__).resolve().parents[2] / "fixtures" / "dns" / "zones"
pytestmark = pytest.mark.skipif(NSD is None, reason="nsd is not installed (.ci/run installs it with apt-get)")


def _free_port() -> int:
    """A high loopback port free for both UDP and TCP."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
            udp.bind(("127.0.0.1", 0))
            port: int = udp.getsockname()[1]
            try:
                tcp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError("no port free for both UDP and TCP")


@pytest.fixture(scope="module")
def nsd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    assert NSD is not None
    work = tmp_path_factory.mktemp("nsd")
    port = _free_port()
    zones = "".join(
        f"zone:\n    name: {path.name.removesuffix('.zone')}\n    zonefile: {path.name}\n"
        for path in sorted(ZONES.glob("*.zone"))
    )
    config = work / "nsd.conf"
    config.write_text(
        "server:\n"
        f"    ip-address: 127.0.0.1@{port}\n"
        f"    port: {port}\n"
        '    username: ""\n'
        '    chroot: ""\n'
        f'    zonesdir: "{ZONES}"\n'
        '    database: ""\n'
        f'    pidfile: "{work}/nsd.pid"\n'
        f'    xfrdfile: "{work}/xfrd.state"\n'
        f'    xfrdir: "{work}"\n'
        f'    zonelistfile: "{work}/zone.list"\n'
        f'    logfile: "{work}/nsd.log"\n'
        "    server-count: 1\n"
        "    do-ip6: no\n"
        "remote-control:\n"
        "    control-enable: no\n" + zones
    )
    process = subprocess.Popen([NSD, "-d", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while LiveResolver([("127.0.0.1", port)], timeout=0.3).query("good.example", "SOA").status != "ok":
            if process.poll() is not None or time.monotonic() > deadline:
                log = (work / "nsd.log").read_text() if (work / "nsd.log").exists() else ""
                pytest.fail(f"nsd did not start: {process.stderr.read().decode() if process.stderr else ''}{log}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


def _records(inventory: Inventory) -> set[tuple[Any, ...]]:
    return {(r.name, r.type, r.values, r.strings) for r in inventory.of(DnsRecord)}


def test_nsd_answers_as_the_in_process_server(nsd: int, world: Any) -> None:
    domains = ("chain.example", "good.example", "inherit.example", "loop.example", "void.example", "weakkey.example")
    scan = DnsScan(domains, selectors=("old", "s1"), probe_mx=False, timeout=2.0)
    served = collect_dns(LiveResolver([("127.0.0.1", nsd)]), scan)
    in_process = collect_dns(LiveResolver([("127.0.0.1", world.dns.port)]), scan)
    assert _records(served) == _records(in_process)
    assert next(served.of(DnsLookups)).names == next(in_process.of(DnsLookups)).names
    assert not served.gaps
    by_key = {(r.name, r.type): r for r in served.of(DnsRecord)}
    assert len(by_key[("good.example", "TXT")].values) == 5  # over 512 bytes: only over TCP
    assert by_key[("old._domainkey.weakkey.example", "CNAME")].values == ("old.keys.weakkey.example",)
    assert by_key[("old._domainkey.weakkey.example", "TXT")].values == ("v=DKIM1; k=rsa; p=",)


def test_nxdomain_and_nodata_through_nsd(nsd: int) -> None:
    live = LiveResolver([("127.0.0.1", nsd)])
    assert live.query("gone1.void.example", "TXT").status == "nxdomain"
    assert live.query("noaddress.void.example", "A").status == "nodata"
    assert live.query("keys.weakkey.example", "TXT").status == "nodata"
