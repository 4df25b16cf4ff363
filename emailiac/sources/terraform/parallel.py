"""Parse many files: cache hits first, then the misses across a process pool (serially for a few)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from emailiac.result import InputError
from emailiac.sources.terraform.files import ParsedFile, decode, parse_text

__all__ = ["parse_many_for"]

# Below this many files a pool costs more to start than it saves.
_POOL_THRESHOLD = 12


def _parse_batch(batch: list[tuple[str, str]]) -> list[ParsedFile]:
    return [parse_text(text, path) for path, text in batch]


def parse_many_for(jobs: int | None, use_cache: bool) -> Callable[[list[Path]], list[ParsedFile]]:
    workers = jobs or os.cpu_count() or 1

    def parse_many(paths: list[Path]) -> list[ParsedFile]:
        from emailiac.sources.terraform.cache import ParseCache

        cache = ParseCache() if use_cache else None
        results: list[ParsedFile | None] = [None] * len(paths)
        todo: list[tuple[int, str, str, str]] = []  # index, path, text, cache key
        for i, path in enumerate(paths):
            try:
                data = path.read_bytes()
            except OSError as exc:
                results[i] = ParsedFile(str(path), None, InputError(f"cannot read file: {exc.strerror}", str(path)))
                continue
            key = cache.key(str(path), data) if cache else ""
            hit = cache.get(key) if cache else None
            if hit is not None:
                results[i] = hit
                continue
            text = decode(data, str(path))
            if isinstance(text, InputError):
                results[i] = ParsedFile(str(path), None, text)
                continue
            todo.append((i, str(path), text, key))
        batch = [(p, t) for _, p, t, _ in todo]
        if workers > 1 and len(todo) >= _POOL_THRESHOLD:
            size = max(1, len(batch) // (workers * 4))
            chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
            with ProcessPoolExecutor(max_workers=workers) as pool:
                parsed = [p for chunk in pool.map(_parse_batch, chunks) for p in chunk]
        else:
            parsed = _parse_batch(batch)
        for (i, _, _, key), item in zip(todo, parsed, strict=True):
            results[i] = item
            if cache is not None:
                cache.put(key, item)
        return [r for r in results if r is not None]

    return parse_many
