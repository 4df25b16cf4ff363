"""YAML for configuration and baseline files: safe tags only, and no alias bombs.

PyYAML shares an aliased node instead of copying it, so a "billion laughs" document loads quickly, but
everything that walks the result afterwards (schema validation, printing) expands it exponentially. The
expanded size of the node graph is counted first, in linear time, and a document that expands past
`MAX_NODES` is rejected before it is built.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_NODES", "YamlBombError", "safe_load"]

MAX_NODES = 100_000  # far above any real configuration or baseline


class YamlBombError(yaml.YAMLError):
    """A document whose aliases expand to more nodes than any configuration needs."""

    def __init__(self, size: int) -> None:
        super().__init__(f"aliases expand the document to more than {MAX_NODES:,} values (an alias bomb?)")
        self.problem = str(self)
        self.problem_mark = None
        self.size = size


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is copied out (capped just past the limit)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            sizes[id(node)] = 1
            continue
        if children_done:
            sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes.get(id(c), 0) for c in children))
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def safe_load(text: str) -> Any:
    """`yaml.safe_load`, refusing documents whose aliases expand past `MAX_NODES` values."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node)
        if size > MAX_NODES:
            raise YamlBombError(size)
        return loader.construct_document(node)
    finally:
        loader.dispose()
