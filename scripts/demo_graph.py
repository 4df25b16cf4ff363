"""See `emailiac scan --m365` work without a Microsoft 365 tenant.

Starts a Microsoft Graph stand-in on 127.0.0.1 serving a recorded test tenant from fixtures/graph/ (the
`weak` one by default: report-only and leaky conditional access, permanent and guest administrators, expiring
passwords; or `compliant`), prints the command that scans it, and serves until Ctrl-C. The real msgraph-sdk
client does the scan; a loopback http:// Graph URL gets no token, so no credentials are needed.

    pip install -e '.[m365]'              # or: pip install -e '.[test]'
    python scripts/demo_graph.py [--tenant compliant] [--port 8765]

Microsoft Graph holds no DKIM data, so DKIM001 shows as not assessed (exit code 2); add --allow-partial to
see exit code 1 for the findings alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "fixtures" / "graph"


def _server_module() -> Any:
    spec = importlib.util.spec_from_file_location("graph_fixture_server", GRAPH / "server.py")
    if spec is None or spec.loader is None:
        raise SystemExit("fixtures/graph/server.py is missing: run this from a checkout of the repository")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenant", choices=("weak", "compliant"), default="weak", help="tenant to serve")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--page-size", type=int, default=3, help="items per page (paging is followed)")
    args = parser.parse_args()
    server = _server_module().GraphServer(args.tenant, port=args.port, page_size=args.page_size).start()
    baseline = GRAPH / f"{args.tenant}.baseline.yaml"
    print(f"A Microsoft Graph stand-in is serving the {args.tenant} test tenant at {server.url}. In another shell:\n")
    print(f"  emailiac scan --m365 --graph-url {server.url} --baseline {baseline}\n")
    print("Also try -f json, -v (passes and not-assessed checks), --save-inventory tenant.json (then")
    print("emailiac lint tenant.json), and emailiac permissions m365. Ctrl-C stops the server.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
