"""Bounds on what emailiac reads from the tree it lints, and the interpreter limits that let it hold that much.

Syntax trees and JSON documents may be MAX_TREE_DEPTH levels deep and integers MAX_INT_DIGITS digits long
(deeper or longer input is a one-line error). Whoever holds such a value (parser, caches, evaluator, adapters,
reports) must be able to walk and pickle it and print its numbers, so importing this module raises Python's
recursion limit and integer-conversion limit to fit; both only ever grow here.
"""

from __future__ import annotations

import sys

__all__ = ["MAX_INT_DIGITS", "MAX_TREE_DEPTH"]

MAX_TREE_DEPTH = 1000
MAX_INT_DIGITS = 20_000

# About a dozen interpreter frames per level of nesting (parser, evaluator, pickling), and room for the rest.
sys.setrecursionlimit(max(sys.getrecursionlimit(), MAX_TREE_DEPTH * 12 + 2000))
if 0 < sys.get_int_max_str_digits() < MAX_INT_DIGITS:
    sys.set_int_max_str_digits(MAX_INT_DIGITS)
