"""What the registry holds, shared by the home page, the explorer and the submit page."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.sdmx.model import Codelist, Dataflow, DataProviderScheme, Item, ProvisionAgreement
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store
from registry.store.data_models import DataSeries, Observation, Submission


@dataclass(slots=True)
class FlowSummary:
    """A dataflow with what the home page says about it."""

    flow: Dataflow
    series: int = 0
    countries: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``AGENCY:ID(VERSION)``, the store key of its data."""
        return self.flow.ref.short

    @property
    def path(self) -> str:
        """``AGENCY,ID,VERSION`` (the SDMX-REST v1 flowRef)."""
        f = self.flow
        return f"{f.agency},{f.id},{f.version}"


def base_url() -> str:
    """The public base URL of the service, without a trailing slash."""
    settings = current_app.extensions["idac.settings"]
    return (settings.public_url or request.url_root).rstrip("/")


def dataflows(session: Session) -> list[Dataflow]:
    """Current dataflows, latest version of each."""
    found = store.find(session, [ArtefactType.DATAFLOW], versions=["+"])
    if not found:
        found = store.find(session, [ArtefactType.DATAFLOW], versions=["~"])
    return [s.artefact for s in found if isinstance(s.artefact, Dataflow)]


def find_flow(session: Session, key: str) -> Dataflow:
    """A dataflow by ``AGENCY:ID(VERSION)``."""
    flow = store.resolve(session, Ref.parse_short(key, ArtefactType.DATAFLOW))
    if not isinstance(flow, Dataflow):
        raise NotFound(f"{key} is not a dataflow")
    return flow


def summaries(session: Session) -> list[FlowSummary]:
    """Each dataflow with its number of series holding current data and the areas reporting."""
    out = []
    for flow in dataflows(session):
        s = FlowSummary(flow)
        rows = session.execute(
            select(DataSeries.dims).where(
                DataSeries.dataflow == s.key,
                select(Observation.pk)
                .where(Observation.series_pk == DataSeries.pk, Observation.superseded_at.is_(None))
                .exists(),
            )
        ).scalars()
        areas: set[str] = set()
        for dims in rows:
            s.series += 1
            if isinstance(dims, dict) and dims.get("REF_AREA"):
                areas.add(dims["REF_AREA"])
        s.countries = sorted(areas)
        out.append(s)
    return out


def recent_submissions(session: Session, limit: int = 10) -> list[Submission]:
    """The latest submissions, newest first."""
    return list(
        session.scalars(select(Submission).order_by(Submission.created_at.desc()).limit(limit))
    )


def codes_of(session: Session, ref: Ref | None) -> dict[str, Item]:
    """The items of the codelist ``ref`` (empty when absent)."""
    if ref is None:
        return {}
    try:
        cl = store.resolve(session, ref.maintainable)
    except NotFound:
        return {}
    return cl.item_map() if isinstance(cl, Codelist) else {}


def area_codes(session: Session) -> dict[str, Item]:
    """The IDAC area codelist's codes (for country names)."""
    found = store.find(session, [ArtefactType.CODELIST], ["IDAC"], ["CL_AREA"], ["~"])
    return (
        found[-1].artefact.item_map() if found and isinstance(found[-1].artefact, Codelist) else {}
    )


def providers(session: Session) -> dict[str, Item]:
    """Data providers by id (from every data provider scheme)."""
    out: dict[str, Item] = {}
    for s in store.find(session, [ArtefactType.DATA_PROVIDER_SCHEME]):
        if isinstance(s.artefact, DataProviderScheme):
            out.update(s.artefact.item_map())
    return out


def agreements(session: Session) -> list[ProvisionAgreement]:
    """Provision agreements (which provider reports which dataflow)."""
    return [
        s.artefact
        for s in store.find(session, [ArtefactType.PROVISION_AGREEMENT])
        if isinstance(s.artefact, ProvisionAgreement)
    ]
