"""See `emailiac scan --aws` work without an AWS account.

Starts a moto server on 127.0.0.1, seeds it with the weak mail setup of fixtures/aws/weak_mail.json (SES
identities and configuration sets, a receipt rule, Route 53 records, a security group, a load balancer, IAM,
CloudTrail, GuardDuty), prints the command that scans it, and serves until Ctrl-C.

    pip install 'moto[server]' boto3      # or: pip install -e '.[test]'
    python scripts/demo_moto.py [--port 5000]

moto does not implement SES v2 event destinations, so that check shows as not assessed (exit code 2); add
--allow-partial to see exit code 1 for the findings alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}


def _seed_module() -> Any:
    spec = importlib.util.spec_from_file_location("weak_mail_seed", ROOT / "fixtures" / "aws" / "seed.py")
    if spec is None or spec.loader is None:
        raise SystemExit("fixtures/aws/seed.py is missing: run this from a checkout of the repository")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    args = parser.parse_args()
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        print("this demo needs moto and boto3: pip install 'moto[server]' boto3", file=sys.stderr)
        return 2

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"

    def client(service: str, region: str) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    _seed_module().seed(client)
    env = " ".join(f"{k}={v}" for k, v in {"AWS_ENDPOINT_URL": endpoint, **CREDENTIALS}.items())
    print(f"moto is serving a weak mail setup at {endpoint}. In another shell, run:\n")
    print(f"  {env} emailiac scan --aws --region {REGION}\n")
    print("Also try -f json, --save-inventory inventory.json (then emailiac lint inventory.json), and")
    print("emailiac permissions aws. Ctrl-C stops the server.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    sys.exit(main())
