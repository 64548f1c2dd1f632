"""Find the map from a national structure to an IDAC one in the store, and wrap chunk streams.

For the submission pipeline (reader → map → validator → loader):

* ``harmoniser_for(session, source, target)`` — a ``Harmoniser`` for data in ``source`` (the national
  dataflow or DSD the file names) to be validated against ``target`` (the IDAC ``ResolvedStructure``),
  from a stored 3.0 ``StructureMap`` (source → target dataflow or DSD) or 2.1 ``StructureSet``; None when
  the store holds no map (``MapInvalid``/``BandRefused`` when the map is unusable);
* ``harmonise(session, chunks, target)`` — the one call the pipeline needs: data sets already in the
  target structure pass through untouched; data sets in a national structure with a map are mapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.formats.base import DataChunk, ResolvedStructure
from registry.harmonisation.apply import Harmoniser
from registry.harmonisation.maps import (
    CompiledMap,
    MapInvalid,
    compile_structure_map,
    compile_structure_set,
)
from registry.sdmx.model import (
    Codelist,
    DataStructure,
    RepresentationMap,
    StructureMap,
    StructureSet,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store
from registry.structures.resolve import codelists_for, resolve_structure


def _same(a: Ref | None, b: Ref | None) -> bool:
    return (
        a is not None
        and b is not None
        and (a.type, a.agency, a.id) == (b.type, b.agency, b.id)
        and (
            a.version == b.version
            or "latest" in (a.version, b.version)
            or "~" in (a.version, b.version)
        )
    )


def _source_codelists(
    session: Session, dsd: DataStructure | None, rms: Iterable[RepresentationMap]
) -> dict[Ref, Codelist]:
    out: dict[Ref, Codelist] = dict(codelists_for(session, dsd)) if dsd is not None else {}
    for rm in rms:
        for ref in (*rm.sources, *rm.targets):
            if (
                ref is not None
                and ref.type is ArtefactType.CODELIST
                and ref.maintainable not in out
            ):
                try:
                    cl = store.get(session, ref.maintainable)
                except NotFound:
                    continue
                if isinstance(cl, Codelist):
                    out[ref.maintainable] = cl
    return out


def compiled_map_for(
    session: Session, source: Ref, target: ResolvedStructure
) -> tuple[CompiledMap, DataStructure | None] | None:
    """The compiled stored map from ``source`` to ``target`` (and the national DSD), or None."""
    targets = [
        r
        for r in (target.dataflow.ref if target.dataflow else None, target.dsd.ref)
        if r is not None
    ]
    try:
        national = resolve_structure(session, source)
        source_dsd: DataStructure | None = national.dsd
        sources = [
            r for r in (national.dataflow.ref if national.dataflow else None, national.dsd.ref)
        ]
    except NotFound:
        source_dsd, sources = None, [source]
    for stored in store.find(session, [ArtefactType.STRUCTURE_MAP]):
        sm = stored.artefact
        if not isinstance(sm, StructureMap):
            continue
        if any(_same(sm.source, s) for s in sources) and any(_same(sm.target, t) for t in targets):
            rms: dict[Ref, RepresentationMap] = {}
            for cm in sm.component_maps:
                if cm.representation_map is not None:
                    try:
                        rm = store.resolve(session, cm.representation_map.maintainable)
                    except NotFound as exc:
                        raise MapInvalid(
                            f"{sm.ref} uses {cm.representation_map}, which is not in the registry"
                        ) from exc
                    if isinstance(rm, RepresentationMap):
                        rms[cm.representation_map.maintainable] = rm
            codelists = {
                **_source_codelists(session, source_dsd, rms.values()),
                **codelists_for(session, target.dsd),
            }
            return compile_structure_map(sm, rms, target.dsd, codelists), source_dsd
    for stored in store.find(session, [ArtefactType.STRUCTURE_SET]):
        ss = stored.artefact
        if not isinstance(ss, StructureSet) or not ss.codelist_maps:
            continue
        related = ss.related_structures
        if any(_same(r, s) for r in related for s in sources) and any(
            _same(r, t) for r in related for t in targets
        ):
            codelists = {
                **_source_codelists(session, source_dsd, []),
                **codelists_for(session, target.dsd),
            }
            for clm in ss.codelist_maps:
                try:
                    cl = store.get(session, clm.source.maintainable)
                    if isinstance(cl, Codelist):
                        codelists[clm.source.maintainable] = cl
                except NotFound:
                    pass
            return compile_structure_set(ss, target.dsd, codelists, source_dsd), source_dsd
    return None


def harmoniser_for(session: Session, source: Ref, target: ResolvedStructure) -> Harmoniser | None:
    """A harmoniser for data in ``source`` to be validated against ``target`` (None: no map stored)."""
    found = compiled_map_for(session, source, target)
    if found is None:
        return None
    compiled, source_dsd = found
    return Harmoniser(
        compiled, target, source_dsd=source_dsd, codelists=codelists_for(session, target.dsd)
    )


def _is_target(ref: Ref | None, target: ResolvedStructure) -> bool:
    if ref is None:
        return True
    for own in (target.dataflow, target.dsd, target.provision_agreement):
        if own is not None and (own.agency, own.id) == (ref.agency, ref.id):
            return True
    return False


def harmonise(
    session: Session, chunks: Iterable[DataChunk], target: ResolvedStructure
) -> Iterator[DataChunk]:
    """Chunks in ``target``: national data sets mapped through their stored map, others untouched."""
    current: Harmoniser | None = None
    current_ds: object = None
    for chunk in chunks:
        ds = chunk.dataset
        ref = ds.structure_ref
        if _is_target(ref, target):
            yield chunk
            continue
        if ds is not current_ds:
            if current is not None:
                yield from current.finish()
            current_ds = ds
            assert ref is not None
            current = harmoniser_for(session, ref, target)
            if current is None:
                name = target.dataflow.ref if target.dataflow else target.dsd.ref
                raise MapInvalid(
                    f"The data set is in {ref}, not in {name}, and the registry holds no "
                    "structure map between them."
                )
        assert current is not None
        yield current.feed(chunk)
    if current is not None:
        yield from current.finish()


__all__ = ["harmonise", "harmoniser_for", "compiled_map_for"]
