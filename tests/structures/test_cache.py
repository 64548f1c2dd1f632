"""The per-generation structure cache (``registry.structures.cache``)."""

from __future__ import annotations

import threading

from registry.structures.cache import GenerationCache


def _counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    return calls, build


def test_a_value_is_built_once_per_generation() -> None:
    cache = GenerationCache()
    calls, build = _counter()
    assert cache.get(1, "k", build) == 1  # type: ignore[arg-type]
    assert cache.get(1, "k", build) == 1  # type: ignore[arg-type]
    assert (cache.hits, cache.misses, len(calls)) == (1, 1, 1)


def test_a_newer_generation_forgets_everything() -> None:
    cache = GenerationCache()
    calls, build = _counter()
    cache.get(1, "k", build)  # type: ignore[arg-type]
    assert cache.get(2, "k", build) == 2  # type: ignore[arg-type]
    assert cache.get(2, "k", build) == 2  # type: ignore[arg-type]
    assert len(calls) == 2


def test_an_older_generation_is_answered_but_neither_cached_nor_clearing() -> None:
    """A request that began before a structural change must not poison or flush the cache."""
    cache = GenerationCache()
    calls, build = _counter()
    assert cache.get(5, "k", build) == 1  # type: ignore[arg-type]
    assert cache.get(4, "k", build) == 2  # type: ignore[arg-type]  # computed afresh
    assert cache.get(5, "k", build) == 1  # type: ignore[arg-type]  # generation 5 kept its value
    assert cache.get(4, "k", build) == 3  # type: ignore[arg-type]  # and 4 is never stored


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    cache = GenerationCache(max_entries=2)
    cache.get(1, "a", lambda: "A")
    cache.get(1, "b", lambda: "B")
    cache.get(1, "a", lambda: "A2")  # touch a
    cache.get(1, "c", lambda: "C")  # evicts b
    assert cache.get(1, "a", lambda: "x") == "A"
    assert cache.get(1, "b", lambda: "B2") == "B2"


def test_concurrent_readers_get_consistent_values() -> None:
    cache = GenerationCache()
    seen: list[tuple[int, str]] = []
    lock = threading.Lock()

    def reader(gen: int) -> None:
        for _ in range(200):
            value = cache.get(gen, "k", lambda g=gen: f"value at {g}")
            with lock:
                seen.append((gen, value))

    threads = [threading.Thread(target=reader, args=(g,)) for g in (1, 2, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(value == f"value at {gen}" for gen, value in seen)
