"""SDMX-REST data and availability queries, v1.5 (``/sdmx/rest/data``,
``/sdmx/rest/availableconstraint``) and v2 (``/sdmx/v2/data``, ``/sdmx/v2/availability``), plus
``/api/observations/lineage``.

* Path segments may be left off from the end (defaults: key ``all``/``*``, every provider, every
  component), as the TCK's short URLs do.
* **Empty results** (SDMX-REST §2.6): v1 data answers 404 (SDMX 100 "No results found"); v2 data
  answers 204 No Content, which the v2 specification prefers ("an empty result should give 204"). An
  unknown dataflow is 404 in both.  Availability always answers with a constraint: when nothing
  matches, its cube region is empty and ``obs_count`` is 0 (the TCK accepts empty cube regions, and
  "nothing is available for this selection" is the answer to an availability question, not an
  error).
* **Streaming.**  The first series is computed inside the request (so errors and empty results still
  get proper statuses); the rest is streamed with ``stream_with_context`` through the chosen writer,
  gzip-compressed on the fly when the client accepts it.
* **Caching.**  The ETag covers the data version of the flow (latest finished submission and latest
  released embargo), the structure generation, the representation, the audience and the URL;
  ``If-None-Match`` / ``If-Modified-Since`` (lenient ISO 8601, as the TCK sends it) answer 304
  without running the query.
* **Audience.**  ``current_audience()`` asks the app's ``idac.audience_resolver`` (installed by the
  authentication layer, or by tests); without one every request is public.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from itertools import chain
from typing import TypeVar

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    request,
    stream_with_context,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.data.formats import (
    PROVENANCE_TYPES,
    TIME_SERIES_TYPES,
    V1_OFFER,
    V2_OFFER,
    WRITERS,
    csv_options,
    name_lookup,
    split_accept,
)
from api.data.params import (
    V1_AVAILABILITY,
    V1_DATA,
    V2_AVAILABILITY,
    V2_DATA,
    check_params,
    data_query,
    references,
)
from api.db import database, get_session
from api.http_cache import cached_answer, make_etag, not_modified
from api.negotiation import Offer, languages, negotiate
from api.ratelimits import limited
from registry.aggregation.hierarchy import load_regions
from registry.config import Settings
from registry.data import availability as av
from registry.data.disclosure import Audience, DisclosurePolicy, threshold_for
from registry.data.lineage import lineage
from registry.data.pipeline import DataContext, published, to_out
from registry.data.query import DataQuery, parse_bool, parse_providers, parse_v1_key, parse_v2_keys
from registry.errors import InvalidRequest, NotFound, NotImplementedFeature
from registry.formats.base import DataSetInfo, WriteOptions
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.model import Dataflow, ProvisionAgreement
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store
from registry.store.data_models import Submission
from registry.structures.cache import GenerationCache
from registry.structures.resolve import resolve_structure

bp = Blueprint("data", __name__)

T = TypeVar("T")

_GZIP_LEVEL = 5


# --- context
# -------------------------------------------------------------------------------------------


def current_audience() -> Audience:
    """The audience of this request (public unless an authentication layer says otherwise)."""
    resolver = current_app.extensions.get("idac.audience_resolver")
    return resolver(request) if resolver is not None else Audience.public()


def _settings() -> Settings:
    return current_app.extensions["idac.settings"]  # type: ignore[no-any-return]


def _policy(ctx_structure: object, flow: Dataflow | None) -> DisclosurePolicy:
    from registry.submissions.pipeline import rules_for

    settings = _settings()
    rules = rules_for(ctx_structure, settings.content_path)  # type: ignore[arg-type]
    return DisclosurePolicy.from_rules(rules, threshold_for(flow, settings.disclosure_threshold))


def _generation(session: Session) -> tuple[int, datetime | None]:
    """The store generation, read once per request (structure cache and ETag both use it)."""
    if "idac_generation" not in g:
        g.idac_generation = store.generation(session)
    return g.idac_generation  # type: ignore[no-any-return]


def _cached(session: Session, key: tuple[object, ...], build: Callable[[], T]) -> T:
    """A structure-derived value, computed once per store generation (registry.structures.cache)."""
    cache: GenerationCache = current_app.extensions["idac.structure_cache"]
    return cache.get(_generation(session)[0], key, build)


def _provider_agencies(session: Session) -> frozenset[str]:
    return _cached(
        session,
        ("provider agencies",),
        lambda: frozenset(
            s.artefact.agency for s in store.find(session, [ArtefactType.DATA_PROVIDER_SCHEME])
        ),
    )


def _agreement(session: Session, flow: Dataflow, provider: str) -> ProvisionAgreement | None:
    for stored in store.find(session, [ArtefactType.PROVISION_AGREEMENT]):
        pa = stored.artefact
        if (
            isinstance(pa, ProvisionAgreement)
            and pa.dataflow is not None
            and pa.provider is not None
            and pa.provider.item == provider
            and (pa.dataflow.agency, pa.dataflow.id) == (flow.agency, flow.id)
        ):
            return pa
    return None


def _context(session: Session, flow: Dataflow, providers: frozenset[str] | None) -> DataContext:
    # Structure, policy and regions depend on the structures only: shared, read-only, between
    # the requests of one store generation.
    structure = _cached(session, ("structure", flow.ref), lambda: resolve_structure(session, flow.ref))
    policy = _cached(session, ("policy", flow.ref), lambda: _policy(structure, flow))
    regions = _cached(session, ("regions",), lambda: load_regions(session))
    if providers:
        for p in sorted(providers):
            pa = _agreement(session, flow, p)
            if pa is not None:
                # the header names it (SDMX TCK D4/D5); a copy, the cached value stays as it is
                structure = replace(structure, provision_agreement=pa)
                break
    return DataContext(
        structure, flow.ref.short, policy, current_audience(), regions=regions
    )


def _one_flow(found: list[Dataflow], what: str) -> Dataflow:
    if not found:
        raise NotFound(f"No dataflow matches {what}")
    if len({f.ref for f in found}) > 1:
        raise NotImplementedFeature(
            f"{what} matches {len(found)} dataflows; answers spanning several dataflows are not "
            "implemented: "
            "name one dataflow (agency, id and version)"
        )
    return found[0]


def _flow_v1(session: Session, flow_ref: str) -> Dataflow:
    parts = [p.strip() for p in flow_ref.split(",")]
    if len(parts) > 3 or not all(parts):
        raise InvalidRequest(
            f"flowRef must be ID, AGENCY,ID or AGENCY,ID,VERSION, got {flow_ref[:200]!r}"
        )
    if len(parts) == 1:
        agency, fid, version = "all", parts[0], "latest"
    elif len(parts) == 2:
        (agency, fid), version = parts, "latest"
    else:
        agency, fid, version = parts
    version = "*" if version == "all" else version
    found = store.find(
        session, [ArtefactType.DATAFLOW], None if agency == "all" else [agency], [fid], [version]
    )
    return _one_flow([f.artefact for f in found if isinstance(f.artefact, Dataflow)], flow_ref)


def _multi(value: str) -> list[str] | None:
    parts = [p for p in value.split(",") if p]
    return None if not parts or "*" in parts else parts


def _flow_v2(
    session: Session, context: str, agency: str, rid: str, version: str
) -> tuple[Dataflow, frozenset[str] | None]:
    versions = [v for v in version.split(",") if v] or ["*"]
    if context == "provisionagreement":
        found = store.find(
            session, [ArtefactType.PROVISION_AGREEMENT], _multi(agency), _multi(rid), versions
        )
        pas = [
            f.artefact
            for f in found
            if isinstance(f.artefact, ProvisionAgreement) and f.artefact.dataflow
        ]
        if not pas:
            raise NotFound(f"No provision agreement matches {agency}/{rid}/{version}")
        if len(pas) > 1:
            raise NotImplementedFeature(
                "answers spanning several provision agreements are not implemented"
            )
        pa = pas[0]
        flow = store.resolve(session, pa.dataflow)  # type: ignore[arg-type]
        providers = frozenset({pa.provider.item}) if pa.provider and pa.provider.item else None
        return flow, providers  # type: ignore[return-value]
    if context == "datastructure":
        dsds = store.find(
            session, [ArtefactType.DATA_STRUCTURE], _multi(agency), _multi(rid), versions
        )
        refs = {d.artefact.ref for d in dsds}
        flows = [
            f.artefact
            for f in store.find(session, [ArtefactType.DATAFLOW], None, None, ["*"])
            if isinstance(f.artefact, Dataflow)
            and f.artefact.structure is not None
            and any(_same(f.artefact.structure, r) for r in refs)
        ]
        return _one_flow(flows, f"datastructure {agency}/{rid}/{version}"), None
    if context not in ("dataflow", "*"):
        raise InvalidRequest(
            f"context must be dataflow, datastructure, provisionagreement or *, not {context!r}"
        )
    found = store.find(session, [ArtefactType.DATAFLOW], _multi(agency), _multi(rid), versions)
    return _one_flow(
        [f.artefact for f in found if isinstance(f.artefact, Dataflow)], f"{agency}/{rid}/{version}"
    ), None


def _same(ref: Ref, other: Ref) -> bool:
    return (ref.agency, ref.id) == (other.agency, other.id) and ref.version in (
        other.version,
        "latest",
        "~",
        "+",
    )


# --- data version, caching, streaming
# ----------------------------------------------------------------------


def _data_version(session: Session, flow_key: str, now: datetime) -> tuple[str, datetime | None]:
    """A token that changes whenever the flow's data (or what the public may see of it) changes."""
    sub = Submission
    finished, count = session.execute(
        select(func.max(func.coalesce(sub.finished_at, sub.created_at)), func.count(sub.id)).where(
            sub.dataflow == flow_key, sub.status == "loaded"
        )
    ).one()
    released = session.execute(
        select(func.max(sub.embargo_until)).where(
            sub.dataflow == flow_key, sub.embargo_until <= now
        )
    ).scalar()
    gen, changed = _generation(session)
    stamps = [_aware(v) for v in (finished, released, changed) if v is not None]
    return f"{count}|{finished}|{released}|{gen}", max(stamps) if stamps else None


def _aware(value: datetime) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stream(session: Session, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the body, then close the session that feeds it (also when the client disconnects)."""
    try:
        yield from pieces
    finally:
        session.close()


def _gzip(pieces: Iterator[bytes]) -> Iterator[bytes]:
    comp = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)
    for piece in pieces:
        out = comp.compress(piece)
        if out:
            yield out
    yield comp.flush()


def _validators(
    session: Session, ctx: DataContext, *parts: object
) -> tuple[str, dict[str, str], datetime | None]:
    token, last_modified = _data_version(session, ctx.flow_key, ctx.now)
    etag = make_etag(token, ctx.audience, request.full_path, *parts)
    headers = {
        "ETag": etag,
        "Vary": "Accept, Accept-Encoding, Accept-Language",
        "Cache-Control": "no-cache",
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
    return etag, headers, last_modified


def _data_answer(
    session: Session, ctx: DataContext, query: DataQuery, offer: Offer, *, v2: bool
) -> Response:
    accept, accept_params = split_accept(request.headers.get("Accept"))
    media = negotiate(offer, accept, request.args.get("format"))
    csv = csv_options(media, accept_params, request.args)
    provenance = parse_bool(request.args.get("provenance", "false"), "provenance")
    if provenance and media not in PROVENANCE_TYPES:
        raise NotImplementedFeature(
            f"provenance is available in SDMX-CSV and SDMX-JSON, not in {media}"
        )
    time = ctx.structure.dsd.time_dimension
    if media in TIME_SERIES_TYPES and (time is None or query.dimension_at_observation != time.id):
        raise InvalidRequest(f"{media} needs the time dimension at the observation level")
    langs = languages(request.headers.get("Accept-Language"))
    etag, headers, last_modified = _validators(session, ctx, media, langs, sorted(csv.items()))
    if not_modified(request, etag, last_modified):
        return Response(status=304, headers=headers)
    names = (
        name_lookup(session, ctx.structure, langs)
        if (media not in WRITERS or "json" in media or csv.get("labels", "id") != "id")
        else None
    )
    writer = WRITERS[media](names, provenance)
    options = WriteOptions(
        dimension_at_observation=query.dimension_at_observation,
        detail=query.detail,
        labels=csv.get("labels", "id"),
        time_format=csv.get("time_format", "original"),
        keys=csv.get("keys", "none"),
        langs=langs,
        provenance=provenance,
        header={"id": "IDAC" + etag.strip('"')[:16], "sender": "IDAC"},
    )
    # The stream reads through its own session: the request's session ends with the request (Flask
    # tears the app context down when the view returns), while the server-side cursor must live
    # until
    # the last row is written.  ``_stream`` closes it when the body is done or the client goes away.
    stream_session = database().sessions()
    try:
        series = to_out(published(stream_session, ctx, query), query, ctx, provenance=provenance)
        first = next(series, None)
    except BaseException:
        stream_session.close()
        raise
    if first is None:
        stream_session.close()
        if v2:
            return Response(status=204, headers=headers)
        raise NotFound(f"No data for this query in {ctx.flow_key}")
    dataset = DataSetInfo(
        None,
        ctx.structure,
        action="Information",
        dimension_at_observation=query.dimension_at_observation,
    )
    pieces = _stream(
        stream_session, writer.write(ctx.structure, dataset, chain([first], series), options)
    )
    if "gzip" in request.headers.get("Accept-Encoding", "").lower():
        pieces = _gzip(pieces)
        headers["Content-Encoding"] = "gzip"
    resp = Response(stream_with_context(pieces), status=200, headers=headers)
    resp.headers["Content-Type"] = media  # exact, no charset
    return resp


# --- routes: data
# ------------------------------------------------------------------------------------------


@bp.get("/sdmx/rest/data/<flow_ref>")
@bp.get("/sdmx/rest/data/<flow_ref>/<key>")
@bp.get("/sdmx/rest/data/<flow_ref>/<key>/<provider_ref>")
@limited("queries")
def v1_data(flow_ref: str, key: str = "all", provider_ref: str = "all") -> Response:
    """SDMX-REST v1.5 data query."""
    check_params(request.args, V1_DATA, v2=False)
    session = get_session()
    flow = _flow_v1(session, flow_ref)
    providers = parse_providers(provider_ref, _provider_agencies(session).__contains__)
    ctx = _context(session, flow, providers)
    query = data_query(request.args, ctx.structure, v2=False)
    query.keys = parse_v1_key(key, len(ctx.key_dims))
    query.providers = providers
    return _data_answer(session, ctx, query, V1_OFFER, v2=False)


@bp.get("/sdmx/v2/data")
@bp.get("/sdmx/v2/data/<context>")
@bp.get("/sdmx/v2/data/<context>/<agency>")
@bp.get("/sdmx/v2/data/<context>/<agency>/<rid>")
@bp.get("/sdmx/v2/data/<context>/<agency>/<rid>/<version>")
@bp.get("/sdmx/v2/data/<context>/<agency>/<rid>/<version>/<key>")
@limited("queries")
def v2_data(
    context: str = "*", agency: str = "*", rid: str = "*", version: str = "*", key: str = "*"
) -> Response:
    """SDMX-REST v2 data query."""
    check_params(request.args, V2_DATA, v2=True)
    session = get_session()
    flow, providers = _flow_v2(session, context, agency, rid, version)
    ctx = _context(session, flow, providers)
    query = data_query(request.args, ctx.structure, v2=True)
    query.keys = parse_v2_keys(key, len(ctx.key_dims))
    query.providers = providers
    return _data_answer(session, ctx, query, V2_OFFER, v2=True)


# --- routes: availability
# --------------------------------------------------------------------------------


def _availability_answer(
    session: Session, ctx: DataContext, query: DataQuery, refs: list[str], *, v2: bool
) -> Response:
    from api.structure.blueprint import V1_OFFER as S1
    from api.structure.blueprint import V2_OFFER as S2
    from api.structure.blueprint import _codecs

    media = negotiate(S2 if v2 else S1, request.headers.get("Accept"), request.args.get("format"))
    langs = languages(request.headers.get("Accept-Language"))
    etag, _headers, last_modified = _validators(session, ctx, media, langs)
    time = ctx.structure.dsd.time_dimension
    if query.component not in (None, "all", "*") and query.component not in (
        {d.id for d in ctx.structure.dsd.dimensions}
    ):
        raise InvalidRequest(
            f"componentID {query.component!r} is not a dimension of {ctx.structure.dsd.ref.short}"
        )
    component = None if query.component in (None, "all", "*") else query.component
    # Nothing available is an answer, not an error: an empty cube region with obs_count 0.
    avail = av.compute(session, ctx, query)

    def produce() -> bytes:
        cc = av.constraint(ctx, avail, component, time.id if time is not None else None)
        items = [WriteItem(cc)] + [
            WriteItem(a) for a in av.referenced_artefacts(session, ctx, avail, refs)
        ]
        header = MessageHeader(id="IDAC" + etag.strip('"')[:16], langs=langs)
        return _codecs().writer(media).write(items, header)

    return cached_answer(
        request, etag=etag, last_modified=last_modified, media_type=media, produce=produce
    )


@bp.get("/sdmx/rest/availableconstraint/<flow_ref>")
@bp.get("/sdmx/rest/availableconstraint/<flow_ref>/<key>")
@bp.get("/sdmx/rest/availableconstraint/<flow_ref>/<key>/<provider_ref>")
@bp.get("/sdmx/rest/availableconstraint/<flow_ref>/<key>/<provider_ref>/<component>")
@limited("queries")
def v1_availability(
    flow_ref: str, key: str = "all", provider_ref: str = "all", component: str = "all"
) -> Response:
    """SDMX-REST v1.5 availability: an Actual content constraint."""
    check_params(request.args, V1_AVAILABILITY, v2=False)
    session = get_session()
    flow = _flow_v1(session, flow_ref)
    providers = parse_providers(provider_ref, _provider_agencies(session).__contains__)
    ctx = _context(session, flow, providers)
    query = data_query(request.args, ctx.structure, v2=False)
    query.keys = parse_v1_key(key, len(ctx.key_dims))
    query.providers = providers
    query.component = component
    return _availability_answer(session, ctx, query, references(request.args, v2=False), v2=False)


@bp.get("/sdmx/v2/availability/<context>/<agency>/<rid>/<version>")
@bp.get("/sdmx/v2/availability/<context>/<agency>/<rid>/<version>/<key>")
@bp.get("/sdmx/v2/availability/<context>/<agency>/<rid>/<version>/<key>/<component>")
@limited("queries")
def v2_availability(
    context: str, agency: str, rid: str, version: str, key: str = "*", component: str = "*"
) -> Response:
    """SDMX-REST v2 availability."""
    check_params(request.args, V2_AVAILABILITY, v2=True)
    if context == "*":
        raise InvalidRequest(
            "availability needs a specific context (dataflow, datastructure or provisionagreement)"
        )
    session = get_session()
    flow, providers = _flow_v2(session, context, agency, rid, version)
    ctx = _context(session, flow, providers)
    query = data_query(request.args, ctx.structure, v2=True)
    query.keys = parse_v2_keys(key, len(ctx.key_dims))
    query.providers = providers
    query.component = component
    return _availability_answer(session, ctx, query, references(request.args, v2=True), v2=True)


# --- lineage
# ---------------------------------------------------------------------------------------------


@bp.get("/api/observations/lineage")
@limited("queries")
def observation_lineage() -> Response:
    """Provider, submission, file, load time and history of one observation (JSON)."""
    args = request.args
    unknown = sorted(set(args) - {"flow", "key", "period"})
    if unknown:
        raise InvalidRequest(
            f"Unknown query parameter(s): {', '.join(unknown)}; supported: flow, key, period"
        )
    missing = [p for p in ("flow", "key", "period") if not args.get(p)]
    if missing:
        raise InvalidRequest(
            f"Missing parameter(s): {', '.join(missing)} (flow=AGENCY:ID(VERSION), key, period)"
        )
    session = get_session()
    text = args["flow"]
    if ":" in text and "(" in text:
        ref = Ref.parse_short(text, ArtefactType.DATAFLOW)
        flow = store.resolve(session, ref)
        if not isinstance(flow, Dataflow):
            raise NotFound(f"{text} is not a dataflow")
    else:
        flow = _flow_v1(session, text)
    ctx = _context(session, flow, None)
    return jsonify(lineage(session, ctx, args["key"], args["period"]))


def register(app: Flask) -> None:
    """Attach the data API to the app."""
    app.register_blueprint(bp)
