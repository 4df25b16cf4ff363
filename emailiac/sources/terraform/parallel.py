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


# A worker's file costs its parse plus pickling it (about 0.4 of a parse); the parent pays unpickling it (about
# 0.25). The parent parses a share too, so that with one worker both finish together.
_PICKLE_COST = 0.4
_UNPICKLE_COST = 0.25


def _parent_share(workers: int) -> float:
    """The fraction of the files the parent parses itself while `workers` others parse the rest."""
    own = max(0.0, 1 + _PICKLE_COST - _UNPICKLE_COST * workers)  # files per worker file
    return own / (own + workers)


def _parse_shared(batch: list[tuple[str, str, str]], jobs: int) -> list[ParsedFile]:
    """Parse across `jobs` processes, this one included: the others' share is sent to them first, this
    process parses its own meanwhile, then takes theirs. Its own share is cached once the pool is done (by a
    forked copy, where the run allows one, while this process goes on)."""
    from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only for a pool

    from emailiac.detached import later

    workers = jobs - 1
    wanted = _parent_share(workers) * (sum(len(text) for _, text, _ in batch) or 1)
    own, size = 0, 0
    while own < len(batch) and size + len(batch[-1 - own][1]) <= wanted:
        size += len(batch[-1 - own][1])
        own += 1
    sent = batch[: len(batch) - own]
    step = max(1, len(sent) // (workers * 4))
    chunks = [sent[i : i + step] for i in range(0, len(sent), step)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = pool.map(_parse_batch_pickled, chunks)
        mine = _parse_batch([(path, text, "") for path, text, _ in batch[len(sent) :]])  # no key: cached below
        theirs = [pickle.loads(b) for chunk in pending for b in chunk]
    if any(key for _, _, key in batch[len(sent) :]):
        later(functools.partial(_store_parsed, batch[len(sent) :], mine), len(mine))
    return theirs + mine


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
            if hit is not None:
                results[i] = hit
                if kept is not None:
                    kept[memos[i]] = hit
                continue
            text = decode(data, str(path))
            if isinstance(text, InputError):
                results[i] = ParsedFile(str(path), None, text)
                continue
            todo.append((i, str(path), text, key))
        batch = [(p, t, k) for _, p, t, k in todo]
        pooled = workers > 1 and len(todo) >= _POOL_THRESHOLD
        parsed = _parse_shared(batch, workers) if pooled else _parse_batch(batch)
        for (i, _, _, _), item in zip(todo, parsed, strict=True):
            results[i] = item
            if kept is not None:
                kept[memos[i]] = item
        return [r for r in results if r is not None]

    return parse_many
