"""The contract every data reader and writer implements.

Data flows through the service as an iterator of ``DataChunk`` values: each chunk carries the data set
it belongs to (the same ``DataSetInfo`` object for every chunk of one data set, so consumers detect a
new data set by identity) and a bounded batch of ``Obs``.  Nothing ever holds a whole data set.

Readers need the DSD to interpret some formats (in structure-specific XML a series attribute and a
dimension look alike), so they take a ``StructureResolver``: given the structure reference found in
the message (dataflow, DSD or provision agreement), it returns the ``ResolvedStructure``.  Readers do
*not* validate codes or constraints: they report what the file says, and flag only what makes the file
unreadable (``MessageSyntaxError``).  Unknown components are passed through in ``attrs``/``dims`` so the
validator can name them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, ClassVar, Protocol

from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import ContentConstraint, DataStructure, Dataflow, ProvisionAgreement
from registry.sdmx.refs import Ref

#: Default number of observations per chunk: large enough to amortise per-chunk work, small enough
#: to keep memory flat.
BATCH_SIZE = 5000


@dataclass(slots=True)
class ResolvedStructure:
    """What a reader or validator needs to know about the structure of a data set."""

    dsd: DataStructure
    dataflow: Dataflow | None = None
    provision_agreement: ProvisionAgreement | None = None
    #: Allowed constraints attached to the DSD, dataflow or provision agreement.
    constraints: list[ContentConstraint] = field(default_factory=list)


#: Given the reference found in a message (or None when the message names none), return the structure.
StructureResolver = Callable[[Ref | None], ResolvedStructure]


@dataclass(slots=True)
class DataSetInfo:
    """Facts about one data set of a message."""

    #: The structure reference as written in the message (dataflow, DSD or provision agreement).
    structure_ref: Ref | None
    structure: ResolvedStructure | None = None
    #: SDMX action: Replace, Append (2.1) / Merge (3.0), Delete, Information.
    action: str = "Replace"
    #: The dimension at the observation level: ``TIME_PERIOD``, any dimension id, or ``AllDimensions``.
    dimension_at_observation: str = "TIME_PERIOD"
    #: Data-set level attributes.
    attrs: dict[str, str] = field(default_factory=dict)
    provider: Ref | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    reporting_begin: str | None = None
    reporting_end: str | None = None
    #: Index of the data set in the message (0-based), for locations.
    index: int = 0


@dataclass(slots=True)
class Series:
    """A series (or, in flat layouts, the empty series).  Shared by all its observations, never copied.

    ``key`` maps dimension id to value for the dimensions given at series level; ``attrs`` holds the
    series-level attributes plus the attributes of the groups the series belongs to (resolved by the
    reader when the format carries groups separately).
    """

    key: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)
    line: int | None = None
    #: 0-based ordinal of the series in its data set.
    index: int = 0


@dataclass(slots=True)
class Obs:
    """One observation.

    The full key is ``series.key | dims``.  ``value`` is the primary measure as written (``None`` when
    absent, ``""`` when present but empty); other measures (SDMX 3.0) go in ``attrs`` under their ids.
    ``line``/``column`` locate the observation in XML; for CSV ``line`` is the 1-based physical line and
    ``column`` is None.  ``action`` is set only by formats with a per-row action (SDMX-CSV 2.0).
    """

    series: Series
    dims: dict[str, str]
    value: str | None
    attrs: dict[str, str]
    line: int | None = None
    column: int | None = None
    action: str | None = None


@dataclass(slots=True)
class DataChunk:
    """A bounded batch of observations of one data set.

    A series with no observations (``detail=serieskeysonly`` messages) is reported in
    ``empty_series`` so counts of series stay right.
    """

    dataset: DataSetInfo
    observations: list[Obs] = field(default_factory=list)
    empty_series: list[Series] = field(default_factory=list)


class DataReader(Protocol):
    """A streaming reader of one data format."""

    #: Human-readable format name, e.g. "SDMX-ML 2.1 StructureSpecificData".
    name: ClassVar[str]
    media_types: ClassVar[tuple[MediaType, ...]]
    suffixes: ClassVar[tuple[str, ...]]

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True if the first bytes of a (decompressed) stream look like this format.  Must not consume."""
        ...

    def read(
        self, source: IO[bytes], resolve: StructureResolver, *, batch_size: int = BATCH_SIZE
    ) -> Iterator[DataChunk]:
        """Yield the data sets of the message as chunks.  Raises ``MessageSyntaxError`` on unreadable input."""
        ...


@dataclass(slots=True)
class WriteOptions:
    """Options of a data answer, from the REST query."""

    dimension_at_observation: str = "TIME_PERIOD"
    #: full | dataonly | serieskeysonly | nodata
    detail: str = "full"
    #: SDMX-CSV: id | name | both
    labels: str = "id"
    #: SDMX-CSV: original | normalized
    time_format: str = "original"
    #: SDMX-CSV 2.0: none | obs | series | both
    keys: str = "none"
    #: Preferred languages for labels.
    langs: tuple[str, ...] = ("en",)
    #: Extra SDMX-CSV/JSON columns of provenance (provider, submission, load time).
    provenance: bool = False
    #: Message header facts: id, prepared, sender.
    header: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class OutSeries:
    """A series to write: full series key, attributes and its observations (time-ordered)."""

    key: dict[str, str]
    attrs: dict[str, str]
    observations: Iterable[OutObs]


@dataclass(slots=True)
class OutObs:
    """An observation to write.  ``dims`` holds the dimension(s) at observation level."""

    dims: dict[str, str]
    value: str | None
    attrs: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, str] | None = None


class DataWriter(Protocol):
    """A streaming writer of one data format."""

    name: ClassVar[str]
    media_types: ClassVar[tuple[MediaType, ...]]

    def write(
        self,
        structure: ResolvedStructure,
        dataset: DataSetInfo,
        series: Iterable[OutSeries],
        options: WriteOptions,
    ) -> Iterator[bytes]:
        """Yield the encoded message in pieces (for a streamed HTTP answer)."""
        ...
