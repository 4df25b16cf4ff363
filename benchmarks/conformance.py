"""Parse every `.tf` and `.tf.json` file of some repositories and count the files Terraform accepts that we reject.

    python benchmarks/conformance.py REPO [REPO ...]

Each REPO is a directory or a bare git repository (its HEAD is read). A file our parser rejects is handed to
`terraform fmt -` on stdin (for `.tf.json`, Python's JSON parser is the judge): if Terraform accepts it, that
is a conformance error and is listed. Prints one line per repository and a total; exits 1 on any error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emailiac.sources.terraform.files import parse_text


def _files(repo: Path) -> Iterator[tuple[str, bytes]]:
    if (repo / "HEAD").is_file() and (repo / "objects").is_dir():
        names = subprocess.run(
            ["git", "-C", str(repo), "ls-tree", "-r", "-z", "--name-only", "HEAD"],
            capture_output=True, check=True,
        ).stdout.decode().split("\0")  # fmt: skip
        for name in sorted(n for n in names if n.endswith((".tf", ".tf.json"))):
            blob = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{name}"], capture_output=True, check=True)
            yield name, blob.stdout
    else:
        for path in sorted([*repo.rglob("*.tf"), *repo.rglob("*.tf.json")]):
            if ".terraform" not in path.parts:
                yield str(path.relative_to(repo)), path.read_bytes()


def _terraform_accepts(name: str, data: bytes, terraform: str) -> bool:
    if name.endswith(".json"):
        try:
            json.loads(data.decode("utf-8-sig"))
        except ValueError:
            return False
        return True
    done = subprocess.run([terraform, "fmt", "-"], input=data, capture_output=True, check=False)
    return done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    args = parser.parse_args()
    total_files = total_errors = total_rejected = 0
    total_bytes = 0
    parse_seconds = 0.0
    for repo in args.repos:
        files = errors = rejected = 0
        for name, data in _files(repo):
            files += 1
            total_bytes += len(data)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = None
            start = time.perf_counter()
            parsed = parse_text(text, name) if text is not None else None
            parse_seconds += time.perf_counter() - start
            if parsed is not None and parsed.error is None:
                continue
            if _terraform_accepts(name, data, args.terraform):
                errors += 1
                detail = parsed.error if parsed is not None else "not UTF-8"
                print(f"  {name}: {detail}")
            else:
                rejected += 1
        print(f"{repo}: {files} files, {errors} syntax errors, {rejected} rejected by Terraform too")
        total_files += files
        total_errors += errors
        total_rejected += rejected
    print(
        f"total: {len(args.repos)} repositories, {total_files} files ({total_bytes / 1e6:.1f} MB), "
        f"{total_errors} syntax errors, {total_rejected} rejected by Terraform too, "
        f"parse {parse_seconds:.1f} s ({1000 * parse_seconds / max(1, total_files):.1f} ms a file)"
    )
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
