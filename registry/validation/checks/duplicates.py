"""Duplicate checks (VAL-6xx): the same full key and period twice in a data set, and stored data.

Memory bound: constant, whatever the file size.  Only 64-bit digests are kept: ``seen`` maps
``hash((key, period))`` (key = full series key; mixed with the data set index for data sets after
the first) to ``hash(value)``.  Nothing of the observation itself is retained.  A dict entry costs
about 100 bytes in CPython 3.11, so at most ``memory_duplicate_keys`` (default 200k, ≈ 20 MB)
digests stay in memory; a full window is written to disk as a sorted run
(``registry.validation.spill.DigestRuns``, 16 bytes per observation on disk) and a fresh window
starts.  Duplicates are still found at the observation that repeats a key, in file order, exactly as
with everything in memory: per chunk, a set intersection against the window, and a disk lookup only
for the observations whose series key may occur in an earlier run (a 1 MB Bloom filter of series-key
digests; in series-ordered files that is only a series cut by a window boundary or a series key
given twice).

``max_duplicate_keys`` (default 5 M, memory and disk together) caps the digests recorded: beyond it
no new keys are recorded, lookups continue, and one ``VAL-603`` warning says the check is incomplete
(the cap is tested per batch, so it may be exceeded by one batch).

Two different observations can share a 64-bit digest with probability about n²/2⁶⁵ (≈3·10⁻⁶ for 10 M
observations); such a collision would report a false duplicate, never hide a real one.  ``hash`` of
``str`` is salted per process, which is fine: digests never leave the run.

Stored data: the ``existing`` hook (given by the store) receives each ``Batch`` and returns
``(index in batch, stored value)`` for the observations already stored; a different stored value is
a ``VAL-604`` warning (the submission will overwrite it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from registry.validation.context import Batch, Check, Context, obs_location
from registry.validation.findings import CATALOGUE, Finding
from registry.validation.spill import DigestRuns

ExistingHook = Callable[[Batch], Iterable[tuple[int, str | None]]]


class DuplicateCheck(Check):
    """Duplicates within the file, and (via a hook) against stored data."""

    codes = ("VAL-601", "VAL-602", "VAL-603", "VAL-604")

    def __init__(self, existing: ExistingHook | None = None) -> None:
        self.existing = existing

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        opts = ctx.options
        self.seen: dict[int, int] = {}
        self.limit = opts.max_duplicate_keys
        self.window = max(1, opts.memory_duplicate_keys)
        self.spill_dir = opts.spill_dir
        self.full = False
        #: Series-key digests of the observations in the current window.
        self.window_keys: set[int] = set()
        self.runs: DigestRuns | None = None
        self.on_disk = 0
        return iter(())

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        # Vectorised with C-level builtins: digests of (key, period) for the whole chunk, one set
        # intersection against the window (and, after a spill, a disk lookup for the series keys
        # that may be in an earlier run); only chunks with a hit take the per-observation path.
        keys = batch.keys()
        periods = batch.periods()
        obs = batch.chunk.observations
        ds_index = batch.dataset.index
        hs = list(map(hash, zip(keys, periods, strict=False)))
        if ds_index:
            hs = [hash((ds_index, h)) for h in hs]
        seen = self.seen
        distinct = set(keys)
        key_digests = [hash((ds_index, k)) for k in distinct]
        on_disk: dict[int, int] = {}
        runs = self.runs
        if runs is not None:
            pairs = zip(distinct, key_digests, strict=True)
            maybe = [k for k, kd in pairs if runs.may_have_key(kd)]
            if maybe:
                wanted = set(maybe)
                on_disk = runs.lookup(h for h, k in zip(hs, keys, strict=True) if k in wanted)
        if not self.full:
            self.window_keys.update(key_digests)
        fresh = set(hs)
        if len(fresh) == len(hs) and not on_disk and not (seen.keys() & fresh):
            if not self.full:
                seen.update(zip(hs, map(hash, batch.values()), strict=True))
                if len(seen) + self.on_disk >= self.limit:
                    yield from self._cap(ds_index)
        else:
            for i, h in enumerate(hs):
                v = obs[i].value
                prev = seen.get(h)
                if prev is None and on_disk:
                    prev = on_disk.get(h)
                if prev is None:
                    if not self.full:
                        seen[h] = hash(v)
                        if len(seen) + self.on_disk >= self.limit:
                            yield from self._cap(ds_index)
                elif prev == hash(v):
                    yield Finding.make(
                        CATALOGUE["VAL-602"], **obs_location(batch, i, keys[i], value=v)
                    )
                else:
                    yield Finding.make(
                        CATALOGUE["VAL-601"], **obs_location(batch, i, keys[i], value=v)
                    )
        if len(seen) >= self.window:
            self._spill()
        if self.existing is not None:
            for i, stored in self.existing(batch):
                v = obs[i].value
                if stored != v:
                    yield Finding.make(
                        CATALOGUE["VAL-604"], **obs_location(batch, i, found=stored, value=v)
                    )

    def _spill(self) -> None:
        """Write the window as a sorted run and start an empty one."""
        if self.runs is None:
            self.runs = DigestRuns(self.spill_dir)
        self.runs.add(self.seen, self.window_keys)
        self.on_disk += len(self.seen)
        self.seen = {}
        self.window_keys = set()

    def end(self) -> Iterator[Finding]:
        self.seen = {}
        self.window_keys = set()
        if self.runs is not None:
            self.runs.close()
            self.runs = None
        return iter(())

    def _cap(self, ds_index: int) -> Iterator[Finding]:
        self.full = True
        yield Finding.make(CATALOGUE["VAL-603"], limit=self.limit, dataset=ds_index)
