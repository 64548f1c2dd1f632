"""Duplicate checks (VAL-6xx): the same full key and period twice in a data set, and stored data.

Bounded-memory strategy.  Only 64-bit digests are kept: ``seen`` maps ``hash((key, period))`` (key = full series
key; mixed with the data set index for data sets after the first) to ``hash(value)``.  Nothing of the observation itself is
retained.  Cost in CPython 3.11: a dict entry (24 bytes) + index slot (4–8 bytes, ×1.5–3 for the load
factor) + two int objects (32 bytes each) ≈ 100 bytes per distinct observation, i.e. about 100 MB per
million observations (``benchmarks/validate_engine.py --memory --no-rules`` measures ≈ 170 bytes per
observation for the whole run without content rules).  ``max_duplicate_keys``
(default 5 M) caps it: beyond the cap no new keys are recorded, lookups continue, and one ``VAL-603``
warning says the check is incomplete (the cap is tested per batch, so it may be exceeded by
one batch).

Two different observations can share a 64-bit digest with probability about n²/2⁶⁵ (≈3·10⁻⁶ for 10 M
observations); such a collision would report a false duplicate, never hide a real one.  ``hash`` of
``str`` is salted per process, which is fine: digests never leave the run.

Stored data: the ``existing`` hook (given by the store) receives each ``Batch`` and returns
``(index in batch, stored value)`` for the observations already stored; a different stored value is a
``VAL-604`` warning (the submission will overwrite it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from registry.validation.context import Batch, Check, Context, obs_location
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
        # Vectorised with C-level builtins: digests of (key, period) for the whole chunk, one set
        # intersection against what was seen; only chunks with a hit take the per-observation path.
        keys = batch.keys()
        periods = batch.periods()
        obs = batch.chunk.observations
        ds_index = batch.dataset.index
        hs = list(map(hash, zip(keys, periods, strict=False)))
        if ds_index:
            hs = [hash((ds_index, h)) for h in hs]
        seen = self.seen
        fresh = set(hs)
        if len(fresh) == len(hs) and not (seen.keys() & fresh):
            if not self.full:
                seen.update(zip(hs, map(hash, batch.values()), strict=True))
                if len(seen) >= self.limit:
                    yield from self._cap(ds_index)
        else:
            for i, h in enumerate(hs):
                v = obs[i].value
                prev = seen.get(h)
                if prev is None:
                    if not self.full:
                        seen[h] = hash(v)
                        if len(seen) >= self.limit:
                            yield from self._cap(ds_index)
                elif prev == hash(v):
                    yield Finding.make(
                        CATALOGUE["VAL-602"], **obs_location(batch, i, keys[i], value=v)
                    )
                else:
                    yield Finding.make(
                        CATALOGUE["VAL-601"], **obs_location(batch, i, keys[i], value=v)
                    )
        if self.existing is not None:
            for i, stored in self.existing(batch):
                v = obs[i].value
                if stored != v:
                    yield Finding.make(
                        CATALOGUE["VAL-604"], **obs_location(batch, i, found=stored, value=v)
                    )

    def _cap(self, ds_index: int) -> Iterator[Finding]:
        self.full = True
        # Drop what exceeds the cap so the documented bound holds.
        yield Finding.make(CATALOGUE["VAL-603"], limit=self.limit, dataset=ds_index)
