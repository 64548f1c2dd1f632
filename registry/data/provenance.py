"""SDMX-JSON data writers that carry provenance as annotations (``provenance=true``).

SDMX-JSON has no observation-level annotations, so each distinct provenance (provider, submission,
load time) becomes one annotation of the ``structure`` section (type ``IDAC_PROVENANCE``, id
``PROVn``, title ``provider submission loaded-at``), and each observation points at its annotation
through an observation attribute ``PROVENANCE`` whose value is the annotation id.  Annotations are
collected while streaming and written with the structure section, which the JSON writers put last;
memory grows with the number of distinct submissions, not with the answer.  (SDMX-CSV carries
provenance as columns: ``WriteOptions.provenance``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxjson.data_writer import JsonDataWriter10, JsonDataWriter20

PROVENANCE_ATTRIBUTE = "PROVENANCE"
ANNOTATION_TYPE = "IDAC_PROVENANCE"


class _ProvenanceMixin:
    """Collects provenance annotations while the wrapped writer streams."""

    annotation_fields: ClassVar[tuple[str, ...]] = ("id", "title", "type", "text", "texts")

    def _init_provenance(self) -> None:
        self._prov: dict[tuple[str, ...], str] = {}

    def _tag(self, series: Iterable[OutSeries]) -> Iterator[OutSeries]:
        for s in series:
            s.observations = [self._tag_obs(o) for o in s.observations]
            yield s

    def _tag_obs(self, o: OutObs) -> OutObs:
        if o.provenance:
            key = tuple(
                o.provenance.get(k, "")
                for k in ("PROVIDER", "SUBMISSION", "LOADED_AT", "SUPERSEDED_AT")
            )
            ident = self._prov.get(key)
            if ident is None:
                ident = self._prov[key] = f"PROV{len(self._prov) + 1}"
            o.attrs = {**o.attrs, PROVENANCE_ATTRIBUTE: ident}
        return o

    def _annotations(self, version: str) -> list[dict[str, Any]]:
        out = []
        for (provider, submission, loaded, superseded), ident in self._prov.items():
            title = f"provider={provider} submission={submission} loaded_at={loaded}"
            if superseded:
                title += f" superseded_at={superseded}"
            ann: dict[str, Any] = {"id": ident, "title": title, "type": ANNOTATION_TYPE}
            ann["text"] = title
            if version == "2.0":
                ann["texts"] = {"en": title}
            out.append({k: v for k, v in ann.items() if k in self.annotation_fields})
        return out


class ProvenanceJsonWriter20(_ProvenanceMixin, JsonDataWriter20):
    """SDMX-JSON 2.0 with provenance annotations."""

    def write(
        self,
        structure: ResolvedStructure,
        dataset: DataSetInfo,
        series: Iterable[OutSeries],
        options: WriteOptions,
    ) -> Iterator[bytes]:
        """As ``JsonDataWriter20.write``, tagging observations with their provenance annotation."""
        self._init_provenance()
        yield from super().write(structure, dataset, self._tag(series), options)

    def _structure(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = super()._structure(*args, **kwargs)
        if self._prov:
            result["annotations"] = self._annotations("2.0")
        return result


class ProvenanceJsonWriter10(_ProvenanceMixin, JsonDataWriter10):
    """SDMX-JSON 1.0 with provenance annotations."""

    annotation_fields: ClassVar[tuple[str, ...]] = ("id", "title", "type", "text")

    def write(
        self,
        structure: ResolvedStructure,
        dataset: DataSetInfo,
        series: Iterable[OutSeries],
        options: WriteOptions,
    ) -> Iterator[bytes]:
        """As ``JsonDataWriter10.write``, tagging observations with their provenance annotation."""
        self._init_provenance()
        yield from super().write(structure, dataset, self._tag(series), options)

    def _structure(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = super()._structure(*args, **kwargs)
        if self._prov:
            result["annotations"] = self._annotations("1.0")
        return result
