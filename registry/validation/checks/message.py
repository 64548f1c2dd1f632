"""Message checks (VAL-1xx): the structure each data set refers to, and messages with no data.

``VAL-101`` (unreadable message) and ``VAL-104`` (limits reached) are reported by the driver
(``registry.validation.validator``), which sees the reader's exceptions and the limits.
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.sdmx.refs import Ref
from registry.validation.context import Batch, Check, Context
from registry.validation.findings import CATALOGUE, Finding


class MessageCheck(Check):
    """Structure references and empty messages."""

    codes = ("VAL-102", "VAL-103", "VAL-106")

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        st = ctx.structure
        self.accepted: list[Ref] = [st.dsd.ref]
        for a in (st.dataflow, st.provision_agreement):
            if a is not None:
                self.accepted.append(a.ref)
        self.observations = 0
        self.series = 0
        return iter(())

    def _matches(self, ref: Ref) -> bool:
        return any(
            ref.type is a.type
            and ref.agency == a.agency
            and ref.id == a.id
            and ref.version == a.version
            for a in self.accepted
        )

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        ds = batch.dataset
        self.observations += len(batch.chunk.observations)
        self.series += len(batch.chunk.empty_series)
        if (
            batch.new_dataset
            and ds.structure_ref is not None
            and not self._matches(ds.structure_ref)
        ):
            ref = ds.structure_ref
            same_identity = next(
                (a for a in self.accepted if (a.agency, a.id, a.version) == (ref.agency, ref.id, ref.version)), None
            )
            if same_identity is not None:
                # E.g. SDMX-CSV with STRUCTURE=dataflow but the id of a DSD (seen in real BIS files):
                # the identity is unambiguous, so read it leniently and say how to write it.
                yield Finding.make(
                    CATALOGUE["VAL-106"], dataset=ds.index, found=str(ref), expected=str(same_identity)
                )
                return
            yield Finding.make(
                CATALOGUE["VAL-102"],
                dataset=ds.index,
                found=str(ds.structure_ref),
                expected=" / ".join(str(a) for a in self.accepted),
            )

    def end(self) -> Iterator[Finding]:
        if self.observations == 0 and self.series == 0:
            yield Finding.make(CATALOGUE["VAL-103"])
