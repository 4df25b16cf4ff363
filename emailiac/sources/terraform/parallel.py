"""Parse many files: cache hits first, then the misses across a process pool (serially for a few)."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

from emailiac.result import InputError
from emailiac.sources.terraform.files import ParsedFile, decode, parse_text

__all__ = ["parse_many_for"]

# Below this many files a pool costs more to start than it saves.
_POOL_THRESHOLD = 12


def _parse_each(batch: list[tuple[str, str, str]], send: bool) -> Iterator[tuple[ParsedFile, bytes]]:
    """Parse files (path, text, parse-cache key), each written to the parse cache where it was parsed. A file
    is pickled once, for the cache and, with `send`, for a parent process alike (b"" when neither wants it)."""
    from emailiac.sources.terraform.cache import ParseCache

    cache = ParseCache() if any(key for _, _, key in batch) else None
    for path, text, key in batch:
        parsed = parse_text(text, path)
        stored = cache is not None and bool(key)
        blob = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL) if send or stored else b""
        if cache is not None and stored:
            cache.put_pickled(key, blob)
        yield parsed, blob


def _parse_batch(batch: list[tuple[str, str, str]]) -> list[ParsedFile]:
    return [parsed for parsed, _ in _parse_each(batch, send=False)]


def _store_parsed(batch: list[tuple[str, str, str]], parsed: list[ParsedFile]) -> None:
    from emailiac.sources.terraform.cache import ParseCache

    cache = ParseCache()
    for (_, _, key), item in zip(batch, parsed, strict=True):
        if key:
            cache.put(key, item)


def _parse_batch_pickled(batch: list[tuple[str, str, str]]) -> list[bytes]:
    """In a worker: what it parsed, pickled for its parent."""
    return [blob for _, blob in _parse_each(batch, send=True)]


# Chunks per process: small enough that the processes finish close together, large enough that sending
# them costs little.
_CHUNKS_PER_PROCESS = 8


def _parse_shared(batch: list[tuple[str, str, str]], jobs: int) -> list[ParsedFile]:
    """Parse across `jobs` processes, this one included. The files are cut into chunks, all handed to the
    pool; the workers take them from the front while this process takes back, from the end, every chunk no
    worker has started, and parses it itself (no pickling either way). So the split follows how fast each
    process really goes (a worker pays for pickling what it sends, and virtual cores are not all alike).
    This process's own files are cached once the pool is done (by a forked copy, where the run allows one,
    while this process goes on)."""
    from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only for a pool

    from emailiac.detached import later

    step = max(1, -(-len(batch) // (jobs * _CHUNKS_PER_PROCESS)))
    chunks = [batch[i : i + step] for i in range(0, len(batch), step)]
    parsed: list[list[ParsedFile]] = [[] for _ in chunks]
    own: list[int] = []
    with ProcessPoolExecutor(max_workers=jobs - 1) as pool:
        futures = [pool.submit(_parse_batch_pickled, chunk) for chunk in chunks]
        for index in reversed(range(len(chunks))):
            if not futures[index].cancel():
                break  # a worker has this chunk, and every one before it
            own.append(index)
            parsed[index] = _parse_batch([(path, text, "") for path, text, _ in chunks[index]])  # cached below
        for index, future in enumerate(futures[: len(chunks) - len(own)]):
            parsed[index] = [pickle.loads(blob) for blob in future.result()]
    own.reverse()  # taken back from the end: now in the files' order
    mine = [item for index in own for item in chunks[index]]
    if any(key for _, _, key in mine):
        later(functools.partial(_store_parsed, mine, [p for index in own for p in parsed[index]]), len(mine))
    return [item for chunk in parsed for item in chunk]


# Files parsed in this process, by path and content, once `keep_parsed` was called: fix planning reads the
# files lint has just parsed and takes them from here rather than parsing (or unpickling from the parse
# cache) a second time. Lint alone keeps nothing (its parsed files are freed once the roots are evaluated).
_PARSED: dict[tuple[str, bytes], ParsedFile] | None = None


def keep_parsed() -> None:
    """Keep what this process parses from now on, for `parse_many_for(..., reuse_parsed=True)`."""
    global _PARSED
    if _PARSED is None:
        _PARSED = {}


def _memo_key(path: Path, data: bytes) -> tuple[str, bytes]:
    return str(path), hashlib.blake2b(data, digest_size=16).digest()


def parse_many_for(
    jobs: int | None, use_cache: bool, *, reuse_parsed: bool = False
) -> Callable[[list[Path]], list[ParsedFile]]:
    """A parser of many files; with `reuse_parsed`, files kept by `keep_parsed` are not parsed again."""
    workers = jobs or os.cpu_count() or 1

    def parse_many(paths: list[Path]) -> list[ParsedFile]:
        from emailiac.sources.terraform.cache import ParseCache

        cache = ParseCache() if use_cache else None
        results: list[ParsedFile | None] = [None] * len(paths)
        todo: list[tuple[int, str, str, str]] = []  # index, path, text, cache key
        memos: dict[int, tuple[str, bytes]] = {}
        kept = _PARSED
        if kept is not None and len(kept) > 20_000:
            kept.clear()
        for i, path in enumerate(paths):
            try:
                data = path.read_bytes()
            except OSError as exc:
                results[i] = ParsedFile(str(path), None, InputError(f"cannot read file: {exc.strerror}", str(path)))
                continue
            if kept is not None:
                memo = memos[i] = _memo_key(path, data)
                if reuse_parsed and memo in kept:
                    results[i] = kept[memo]
                    continue
            key = cache.key(str(path), data) if cache else ""
            hit = cache.get(key) if cache else None
            text = decode(data, str(path))
            if hit is not None:
                hit.text = text if isinstance(text, str) else None  # the cache keeps the tree only
                results[i] = hit
                if kept is not None:
                    kept[memos[i]] = hit
                continue
            if isinstance(text, InputError):
                results[i] = ParsedFile(str(path), None, text)
                continue
            todo.append((i, str(path), text, key))
        batch = [(p, t, k) for _, p, t, k in todo]
        pooled = workers > 1 and len(todo) >= _POOL_THRESHOLD
        parsed = _parse_shared(batch, workers) if pooled else _parse_batch(batch)
        for (i, _, text, _), item in zip(todo, parsed, strict=True):
            item.text = text  # a worker's file comes without it
            results[i] = item
            if kept is not None:
                kept[memos[i]] = item
        return [r for r in results if r is not None]

    return parse_many
