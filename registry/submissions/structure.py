"""The structure a submission is validated against: from the store, or from a structure message.

Server side (``for_submission``): the dataflow named in the request, the data provider (an item of a
stored ``DataProviderScheme``) and the provision agreement that links them.  The provision agreement
is required: its constraints (e.g. "a ministry reports only its own REF_AREA") apply, so
``resolve_structure`` is called with the agreement's reference.  Each missing piece is an
``Unprocessable`` (422) that says what to fix.

Offline (``MessageStructures``): ``idac validate --structure FILE`` reads any SDMX structure message
and answers the reader's structure requests from it, with no database: the DSD, dataflow or
provision agreement the data names (or the one chosen with ``--dataflow``), the Allowed content
constraints of the message attached to any of them, and the message's codelists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.errors import InvalidReference, NotFound, Unprocessable
from registry.formats.base import ResolvedStructure
from registry.sdmx.model import (
    Codelist,
    ContentConstraint,
    Dataflow,
    DataProviderScheme,
    DataStructure,
    MaintainableArtefact,
    ProvisionAgreement,
    StructureMessage,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store
from registry.structures.resolve import codelists_for, resolve_structure


@dataclass(slots=True)
class SubmissionStructure:
    """What the pipeline needs: the resolved structure and its codelists."""

    structure: ResolvedStructure
    codelists: dict[Ref, Codelist]

    @property
    def dataflow_key(self) -> str:
        """``AGENCY:ID(VERSION)`` of the dataflow (the store's key of series)."""
        flow = self.structure.dataflow
        return flow.ref.short if flow is not None else self.structure.dsd.ref.short


def parse_dataflow(text: str) -> Ref:
    """``AGENCY:ID(VERSION)`` (or a dataflow URN) as a reference; ``Unprocessable`` otherwise."""
    try:
        ref = Ref.parse_short(text, ArtefactType.DATAFLOW)
    except InvalidReference as exc:
        raise Unprocessable(f"dataflow must be written AGENCY:ID(VERSION), e.g. IDAC:DF_IDAC_CORE(1.0): "
                            f"{exc.message}") from None
    if ref.type is not ArtefactType.DATAFLOW:
        raise Unprocessable(f"{ref} is not a dataflow")
    return ref


def find_provider(session: Session, provider: str) -> Ref:
    """The item reference of a data provider in a stored data provider scheme."""
    for stored in store.find(session, [ArtefactType.DATA_PROVIDER_SCHEME]):
        scheme = stored.artefact
        if isinstance(scheme, DataProviderScheme) and any(i.id == provider for i in scheme.items):
            return scheme.ref.with_item(provider)
    raise Unprocessable(
        f"Unknown data provider '{provider}': it is not in any data provider scheme of the registry",
        details={"provider": provider},
    )


def find_agreement(session: Session, flow: Dataflow, provider: Ref) -> ProvisionAgreement:
    """The provision agreement of ``provider`` for ``flow``."""
    for stored in store.find(session, [ArtefactType.PROVISION_AGREEMENT]):
        pa = stored.artefact
        if not isinstance(pa, ProvisionAgreement) or pa.dataflow is None or pa.provider is None:
            continue
        if (pa.provider.item == provider.item and pa.provider.agency == provider.agency
                and pa.provider.id == provider.id
                and (pa.dataflow.agency, pa.dataflow.id) == (flow.agency, flow.id)
                and pa.dataflow.version in (flow.version, "latest", "~", "*")):
            return pa
    raise Unprocessable(
        f"Data provider '{provider.item}' has no provision agreement for dataflow {flow.ref.short}: "
        "ask the IDAC secretariat to register one before submitting",
        details={"provider": provider.item, "dataflow": flow.ref.short},
    )


def for_submission(session: Session, dataflow: str, provider: str | None) -> SubmissionStructure:
    """The structure of a submission to ``dataflow`` by ``provider`` (see the module docstring)."""
    ref = parse_dataflow(dataflow)
    try:
        flow = store.resolve(session, ref)
    except NotFound:
        raise Unprocessable(f"Unknown dataflow {ref.short}: it is not in the registry",
                            details={"dataflow": ref.short}) from None
    if not isinstance(flow, Dataflow):  # pragma: no cover - the type is fixed by the reference
        raise Unprocessable(f"{ref} is not a dataflow")
    if not provider:
        raise Unprocessable("provider is required: the id of the data provider reporting the data, "
                            "e.g. provider=PAN_SNM")
    prov_ref = find_provider(session, provider)
    pa = find_agreement(session, flow, prov_ref)
    structure = resolve_structure(session, pa.ref)
    return SubmissionStructure(structure, codelists_for(session, structure.dsd))


def for_reference(session: Session, ref: Ref) -> SubmissionStructure:
    """The structure a DSD, dataflow or provision agreement reference names, from the store."""
    structure = resolve_structure(session, ref)
    return SubmissionStructure(structure, codelists_for(session, structure.dsd))


# --- Offline: a structure message ------------------------------------------------------------------


def _same(a: Ref, b: Ref, exact_version: bool = True) -> bool:
    return a.type is b.type and a.agency == b.agency and a.id == b.id and (
        not exact_version or a.version == b.version)


class MessageStructures:
    """Resolve structure references from one structure message (no database)."""

    def __init__(self, message: StructureMessage, dataflow: str | None = None) -> None:
        self.message = message
        self.codelists: dict[Ref, Codelist] = {
            a.ref: a for a in message.of_type(ArtefactType.CODELIST) if isinstance(a, Codelist)}
        self.fixed: ResolvedStructure | None = None
        self._cache: dict[Ref | None, ResolvedStructure] = {}
        if dataflow:
            self.fixed = self._build(self._choose(dataflow))

    def _find(self, ref: Ref) -> MaintainableArtefact | None:
        found = self.message.find(ref)
        if found is None:  # a version query or a different version: take the last of that id
            same = [a for a in self.message.of_type(ref.type) if _same(a.ref, ref, exact_version=False)]
            found = same[-1] if same else None
        return found

    def _choose(self, text: str) -> MaintainableArtefact:
        """The artefact ``--dataflow`` names: an id, ``AGENCY:ID(VERSION)`` or a URN."""
        candidates: list[MaintainableArtefact] = []
        for rtype in (ArtefactType.DATAFLOW, ArtefactType.PROVISION_AGREEMENT, ArtefactType.DATA_STRUCTURE):
            for a in self.message.of_type(rtype):
                if text in (a.id, a.ref.short, a.ref.urn):
                    candidates.append(a)
        if not candidates:
            ids = ", ".join(a.id for a in self.message.of_type(ArtefactType.DATAFLOW)) or "none"
            raise Unprocessable(f"the structure file has no dataflow, DSD or provision agreement '{text}' "
                                f"(dataflows in the file: {ids})")
        return candidates[0]

    def _default(self) -> MaintainableArtefact:
        for rtype in (ArtefactType.DATAFLOW, ArtefactType.DATA_STRUCTURE):
            found = self.message.of_type(rtype)
            if len(found) == 1:
                return found[0]
        dsds = self.message.of_type(ArtefactType.DATA_STRUCTURE)
        if not dsds:
            raise Unprocessable("the structure file holds no data structure definition (DSD)")
        flows = ", ".join(a.ref.short for a in self.message.of_type(ArtefactType.DATAFLOW))
        raise Unprocessable(f"the structure file holds several structures; choose one with --dataflow "
                            f"({flows or ', '.join(d.ref.short for d in dsds)})")

    def _build(self, art: MaintainableArtefact) -> ResolvedStructure:
        pa: ProvisionAgreement | None = None
        flow: Dataflow | None = None
        if isinstance(art, ProvisionAgreement):
            pa = art
            if pa.dataflow is None or (found := self._find(pa.dataflow)) is None:
                raise Unprocessable(f"{pa.ref}: its dataflow is not in the structure file")
            art = found
        if isinstance(art, Dataflow):
            flow = art
            if flow.structure is None or (found := self._find(flow.structure)) is None:
                raise Unprocessable(f"{flow.ref}: its data structure is not in the structure file")
            art = found
        if not isinstance(art, DataStructure):
            raise Unprocessable(f"{art.ref} is not a data structure, dataflow or provision agreement")
        refs = [a.ref for a in (art, flow, pa) if a is not None]
        constraints = [
            c for c in self.message.of_type(ArtefactType.CONTENT_CONSTRAINT)
            if isinstance(c, ContentConstraint) and c.role == "Allowed"
            and any(_same(att.maintainable, r) for att in c.attachment for r in refs)
        ]
        return ResolvedStructure(dsd=art, dataflow=flow, provision_agreement=pa, constraints=constraints)

    def resolve(self, ref: Ref | None) -> ResolvedStructure:
        """The structure for the reference a data set gives (a ``StructureResolver``)."""
        if self.fixed is not None:
            return self.fixed
        if ref in self._cache:
            return self._cache[ref]
        art = self._find(ref) if ref is not None else None
        if art is None and ref is not None and ref.type is ArtefactType.DATAFLOW:
            # SDMX-CSV files sometimes put a DSD id in a "dataflow" STRUCTURE_ID (BIS specimen).
            art = self._find(Ref(ArtefactType.DATA_STRUCTURE, ref.agency, ref.id, ref.version))
        if art is None:
            try:
                art = self._default()
            except Unprocessable:
                if ref is None:
                    raise
                raise Unprocessable(f"the data refer to {ref}, which is not in the structure file; "
                                    "choose the structure with --dataflow") from None
            if ref is not None and ref.type is ArtefactType.DATAFLOW and isinstance(art, DataStructure):
                # The data name a dataflow the file does not hold (e.g. the SDMX 3.0 sample): the
                # dataflow of the file's only DSD, as the message says.
                art = Dataflow(agency=ref.agency, id=ref.id, version=ref.version, structure=art.ref)
                built = self._cache[ref] = self._build_flow(art)
                return built
        built = self._cache[ref] = self._build(art)
        return built

    def _build_flow(self, flow: Dataflow) -> ResolvedStructure:
        st = self._build(self._find(flow.structure) if flow.structure else flow)  # type: ignore[arg-type]
        st.dataflow = flow
        return st

    def default_structure(self) -> ResolvedStructure:
        """The structure used when the data name none (or hold no data set)."""
        return self.fixed if self.fixed is not None else self.resolve(None)
