"""Time python-hcl2's lark parse of a corpus under one interpreter (run it once per python-hcl2 version).

    /path/to/venv-4.3.5/bin/python benchmarks/compare_hcl2.py CORPUS_DIR
    /path/to/venv-8.1.4/bin/python benchmarks/compare_hcl2.py CORPUS_DIR

Prints the python-hcl2 version, the files parsed, and seconds for the lark tree alone and for full `loads`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import hcl2


def main() -> None:
    files = sorted(Path(sys.argv[1]).rglob("*.tf"))
    texts = [f.read_text() for f in files]
    version = getattr(hcl2, "__version__", None) or __import__("hcl2.version").version.version
    tree = getattr(hcl2, "parses_to_tree", None)
    if tree is None:  # 4.x: the module-level lark parser
        from hcl2.parser import hcl2 as parser

        def tree(text: str) -> object:
            return parser.parse(text + "\n")

    start = time.perf_counter()
    for text in texts:
        tree(text)
    tree_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        hcl2.loads(text)
    loads_seconds = time.perf_counter() - start
    print(f"python-hcl2 {version}: {len(files)} files, lark tree {tree_seconds:.2f} s, loads {loads_seconds:.2f} s")


if __name__ == "__main__":
    main()
