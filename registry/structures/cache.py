"""Per-application cache of values derived from the structures, valid for one store generation.

Every structural change bumps the store generation (``registry.store.artefacts.bump_generation``),
so a value computed from the structures at generation *g* — the resolved structure of a dataflow,
the regions of the area hierarchies, a disclosure policy — stays right until the generation moves.
The data API asks the generation once per request (it needs it for its ETag anyway) and reuses
what an earlier request computed instead of decoding the same DSD, constraints and hierarchies
again: for a small data query that is most of its cost.

Cached values are shared between requests and threads: callers must treat them as read-only
(copy before changing, as ``dataclasses.replace`` does).  One instance per application, held in
``app.extensions`` (no module-level state); a lock makes it safe under threaded servers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class GenerationCache:
    """A bounded LRU of ``key → value`` that empties itself when the store generation changes."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._generation: int | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        #: Lookups answered from the cache / computed (for tests and diagnostics).
        self.hits = 0
        self.misses = 0

    def get(self, generation: int, key: Hashable, build: Callable[[], T]) -> T:
        """The value of ``key`` at ``generation``, computed by ``build()`` on a miss.

        ``build`` runs outside the lock (it reads the database); two threads missing the same key
        at once both compute it, and the second result wins — harmless, the values are equal.  A
        request older than the latest generation seen is answered but caches nothing.
        """
        with self._lock:
            if self._generation is None or generation > self._generation:
                self._values.clear()
                self._generation = generation
            if generation == self._generation and key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
            self.misses += 1
        value = build()
        with self._lock:
            if generation == self._generation:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests; a store replaced under a running app)."""
        with self._lock:
            self._values.clear()
            self._generation = None
