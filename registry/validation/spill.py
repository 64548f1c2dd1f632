"""Temporary on-disk stores that keep the set-level checks in constant memory.

Two checks need facts about observations that may be anywhere in the file: duplicates (VAL-6xx,
``checks/duplicates.py``) and additivity/coherence (``checks/content.py``).  Both keep their working
set in memory up to a fixed threshold (``ValidationOptions.memory_duplicate_keys`` and
``memory_content_values``) and move the excess here, so the peak memory of a run does not depend on
the size of the file.  Small files (below the thresholds) never touch the disk.

``DigestRuns`` — duplicate digests.  A full in-memory window of ``{digest: value digest}`` is
written as one *sorted run*: a temporary file holding the sorted digests followed by their value
digests (16 bytes per observation on disk, written with one ``array.tofile``).  Runs are read
through ``mmap`` and binary search; pages touched by a lookup are dropped again (``MADV_DONTNEED``),
so they do not stay in the resident set.  Looking every observation up on disk would be slow, so the
store exploits the order of the files: the digests of the *series keys* of each run go into a
fixed-size Bloom filter (1 MB), and only observations whose series key may have been seen in an
earlier run are looked up (a series split across a window boundary, a repeated series key, or a
Bloom false positive).  In series-ordered files that is a few hundred lookups per run; a file whose
rows are in no order at all stays correct and bounded, only slower (every observation is looked up
in every run).

``GroupSpill`` — additivity/coherence groups.  When the accumulator exceeds its threshold, the
oldest groups (first created) are written to a temporary SQLite file, one row per group with its
cells marshalled into a blob.  At the end every group is read back, in order of first creation
(the order the in-memory evaluation uses), with the rows of a group evicted more than once merged in
eviction order (later values win, as in the in-memory dict).  Memory during the final pass: one
group at a time plus SQLite's page cache (4 MB).

Both live in a private temporary directory (``ValidationOptions.spill_dir``, default the system
temporary directory) removed by ``close()`` (and by the finaliser of ``TemporaryDirectory`` if a run
is abandoned).
"""

from __future__ import annotations

import bisect
import marshal
import mmap
import sqlite3
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

#: Bits of the series-key Bloom filter of ``DigestRuns`` (1 MB; ≈0.4 % false positives at 500k
#: keys).
_BLOOM_BITS = 1 << 23
_BLOOM_MASK = _BLOOM_BITS - 1
#: SQLite page cache of ``GroupSpill`` (negative: KiB).
_CACHE_KIB = 4000


class DigestRuns:
    """Sorted runs of ``(digest, value digest)`` on disk, and a Bloom filter of series keys."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = directory
        self.bloom = bytearray(_BLOOM_BITS >> 3)
        self._files: list[IO[bytes]] = []
        self._maps: list[mmap.mmap] = []
        #: (digests, value digests) views of each run.
        self._runs: list[tuple[memoryview, memoryview]] = []
        self.size = 0

    def add(self, seen: dict[int, int], key_digests: Iterable[int]) -> None:
        """Write one window as a sorted run and remember its series keys."""
        hs = sorted(seen)
        vs = [seen[h] for h in hs]
        f = tempfile.TemporaryFile(dir=self.directory, prefix="idac-dup-")  # noqa: SIM115 (closed in close())
        array("q", hs).tofile(f)
        array("q", vs).tofile(f)
        f.flush()
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(mm).cast("q")
        n = len(hs)
        self._files.append(f)
        self._maps.append(mm)
        self._runs.append((view[:n], view[n:]))
        self.size += n
        bloom = self.bloom
        for kd in key_digests:
            for b in (kd & _BLOOM_MASK, (kd >> 21) & _BLOOM_MASK, (kd >> 42) & _BLOOM_MASK):
                bloom[b >> 3] |= 1 << (b & 7)

    def may_have_key(self, kd: int) -> bool:
        """False when no run holds an observation of the series key with digest ``kd``."""
        bloom = self.bloom
        for b in (kd & _BLOOM_MASK, (kd >> 21) & _BLOOM_MASK, (kd >> 42) & _BLOOM_MASK):
            if not bloom[b >> 3] & (1 << (b & 7)):
                return False
        return True

    def lookup(self, digests: Iterable[int]) -> dict[int, int]:
        """``{digest: value digest}`` for the digests found in some run."""
        wanted = sorted(set(digests))
        out: dict[int, int] = {}
        if not wanted:
            return out
        left = bisect.bisect_left
        for hv, vv in self._runs:
            n = len(hv)
            lo = 0
            for h in wanted:
                i = left(hv, h, lo)
                if i >= n:
                    break
                if hv[i] == h:
                    out[h] = vv[i]
                lo = i
        for mm in self._maps:
            mm.madvise(mmap.MADV_DONTNEED)
        return out

    def close(self) -> None:
        """Release the views, maps and files (the files are already unlinked)."""
        for hv, vv in self._runs:
            hv.release()
            vv.release()
        self._runs.clear()
        for mm in self._maps:
            mm.close()
        self._maps.clear()
        for f in self._files:
            f.close()
        self._files.clear()


class GroupSpill:
    """Evicted additivity/coherence groups in a temporary SQLite file."""

    def __init__(self, directory: str | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(dir=directory, prefix="idac-groups-")
        self.con = sqlite3.connect(Path(self._dir.name) / "groups.db", isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            f"cache_size=-{_CACHE_KIB}",
            "temp_store=FILE",
        ):
            self.con.execute(f"PRAGMA {pragma}")
        self.con.execute(
            "CREATE TABLE grp (seq INTEGER PRIMARY KEY, g TEXT NOT NULL, first INTEGER NOT NULL, "
            "data BLOB NOT NULL)"
        )
        self.rows = 0

    def add(self, groups: Iterable[tuple[tuple[Any, ...], int, int, dict[Any, float]]]) -> None:
        """Store ``(prefix, first, mask, cells)`` groups."""
        rows = [
            (repr(prefix), first, marshal.dumps((prefix, mask, cells)))
            for prefix, first, mask, cells in groups
        ]
        con = self.con
        con.execute("BEGIN")
        con.executemany("INSERT INTO grp (g, first, data) VALUES (?, ?, ?)", rows)
        con.execute("COMMIT")
        self.rows += len(rows)

    def groups(self) -> Iterator[tuple[tuple[Any, ...], int, dict[Any, float]]]:
        """Every group as ``(prefix, mask, cells)``, in order of first creation, pieces merged."""
        con = self.con
        con.execute("CREATE INDEX grp_g ON grp (g, seq)")
        query = "SELECT g, min(first) AS f, count(*), data FROM grp GROUP BY g ORDER BY f"
        for g, _, n, data in con.execute(query):
            prefix, mask, cells = marshal.loads(data)  # noqa: S302 (our own temporary file)
            if n > 1:
                mask, cells = 0, {}
                for (piece,) in con.execute("SELECT data FROM grp WHERE g = ? ORDER BY seq", (g,)):
                    _, m, c = marshal.loads(piece)  # noqa: S302
                    mask |= m
                    cells.update(c)
            yield prefix, mask, cells

    def close(self) -> None:
        """Close the database and remove its directory."""
        self.con.close()
        self._dir.cleanup()
