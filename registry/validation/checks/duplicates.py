"""Duplicate checks (VAL-6xx): the same full key and period twice in a data set, and stored data.

Bounded-memory strategy.  Only 64-bit digests are kept: ``seen`` maps ``hash((hash(key), period))``
(key = data set index + full series key) to ``hash(value)``.  Nothing of the observation itself is
retained.  Cost in CPython 3.11: a dict entry (24 bytes) + index slot (4–8 bytes, ×1.5–3 for the load
factor) + two int objects (32 bytes each) ≈ 100 bytes per distinct observation, i.e. about 100 MB per
million observations (measured by ``benchmarks/validate_engine.py --memory``).  ``max_duplicate_keys``
(default 5 M) caps it: beyond the cap no new keys are recorded, lookups continue, and one ``VAL-603``
warning says the check is incomplete.

Two different observations can share a 64-bit digest with probability about n²/2⁶⁵ (≈3·10⁻⁶ for 10 M
observations); such a collision would report a false duplicate, never hide a real one.  ``hash`` of
``str`` is salted per process, which is fine: digests never leave the run.

Stored data: the ``existing`` hook (given by the store) receives each ``Batch`` and returns
``(index in batch, stored value)`` for the observations already stored; a different stored value is a
``VAL-604`` warning (the submission will overwrite it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from registry.validation.context import Batch, Check, Context, Key, obs_location
from registry.validation.findings import CATALOGUE, Finding

ExistingHook = Callable[[Batch], Iterable[tuple[int, str | None]]]


class DuplicateCheck(Check):
    """Duplicates within the file, and (via a hook) against stored data."""

    codes = ("VAL-601", "VAL-602", "VAL-603", "VAL-604")

    def __init__(self, existing: ExistingHook | None = None) -> None:
        self.existing = existing

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        self.seen: dict[int, int] = {}
        self.limit = ctx.options.max_duplicate_keys
        self.full = False
        return iter(())

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        keys = batch.keys()
        periods = batch.periods()
        seen = self.seen
        ds_index = batch.dataset.index
        obs = batch.chunk.observations
        last: Key | None = None
        kh = 0
        full = self.full
        limit = self.limit
        for i, key in enumerate(keys):
            if key is not last:
                last = key
                kh = hash((ds_index, key))
            h = hash((kh, periods[i]))
            v = obs[i].value
            prev = seen.get(h)
            if prev is None:
                if not full:
                    seen[h] = hash(v)
                    if len(seen) >= limit:
                        full = self.full = True
                        yield Finding.make(CATALOGUE["VAL-603"], limit=limit, dataset=ds_index)
            elif prev == hash(v):
                yield Finding.make(CATALOGUE["VAL-602"], **obs_location(batch, i, key, value=v))
            else:
                yield Finding.make(CATALOGUE["VAL-601"], **obs_location(batch, i, key, value=v))
        if self.existing is not None:
            for i, stored in self.existing(batch):
                v = obs[i].value
                if stored != v:
                    yield Finding.make(CATALOGUE["VAL-604"], **obs_location(batch, i, found=stored, value=v))
